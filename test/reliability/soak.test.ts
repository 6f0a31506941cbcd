/**
 * Soak (issue 17) on every store: users with their own cookie jars increment a session counter over
 * keep-alive connections against a `sessionkit/node` server. Every user's last counter must equal the
 * requests it made, their sum the server's count of finished 200s; no 5xx, no transport error, no
 * answer from another user's session. `npm run reliability` (SESSIONKIT_RELIABILITY=1): 200 users ×
 * 60 s (SESSIONKIT_SOAK_SECONDS) per store; `npm test`: 20 users × 2 s per store. Loopback only,
 * bounded in time.
 */
import { describe, it } from 'vitest';
import { expectExact, type SoakSize, soakTarget } from './soak-harness.js';
import { soakTargets } from './soak-stores.js';

const FULL = process.env.SESSIONKIT_RELIABILITY === '1';
const size: SoakSize = FULL
  ? { users: 200, seconds: Number(process.env.SESSIONKIT_SOAK_SECONDS ?? 60) }
  : { users: 20, seconds: 2 };
const targets = await soakTargets();

describe(`soak: ${size.users} users × ${size.seconds} s per store`, () => {
  for (const target of targets) {
    it.skipIf(target.skip ?? false)(
      `keeps every counter exact on ${target.name}`,
      async () => expectExact(await soakTarget(target, size), size),
      // Generous: setting up the store and draining the last requests on a loaded machine.
      (size.seconds * 2 + 120) * 1000,
    );
  }
});
