/**
 * sessionkit/testing: the contract suite every built-in store passes, for authors of custom stores.
 * It runs under any test runner: pass its `describe`, `it` and hooks (see docs/testing.md).
 * @example
 * import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
 * import { describeStoreContract } from 'sessionkit/testing';
 * describeStoreContract(
 *   { describe, it, beforeAll, afterAll, beforeEach, afterEach },
 *   { name: 'my store', createStore: () => createMyStore() },
 * );
 * @module
 */
export {
  type ContractTarget,
  describeStoreContract,
  type Registrar,
  type TestBody,
  type TestRunner,
} from './contract.js';
