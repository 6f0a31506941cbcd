/** Vitest's functions, as the store contract (sessionkit/testing) takes them. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import type { TestRunner } from '../../src/testing/index.js';

/** The built-in stores' tests run the published contract suite with Vitest. */
export const vitestRunner: TestRunner = { describe, it, beforeAll, afterAll, beforeEach, afterEach };
