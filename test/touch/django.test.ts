/**
 * A Django site sharing the SQLite table with a touch-rolling sessionkit: Django's session is touched
 * (only `expire_date` moves, `session_data` stays byte for byte), and Django still reads it and keeps
 * it through `clearsessions`. Real Django (Debian's), on a table its own migrate created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createSessionManager } from '../../src/core/manager.js';
import { createSessionRuntime } from '../../src/http/options.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { type DjangoEnv, django, djangoProblem, mustSkip } from '../django/harness.js';
import { SECRET } from '../helpers.js';

const skip = mustSkip('Django touch interop on SQLite', await djangoProblem());
const AGE = 1_209_600;

describe.skipIf(skip)("rolling: 'touch' on a table shared with Django", () => {
  const directory = mkdtempSync(join(tmpdir(), 'sessionkit-touch-django-'));
  const env: DjangoEnv = {
    secretKey: SECRET,
    db: { engine: 'sqlite3', name: join(directory, 'shared.sqlite3') },
  };
  let store: SessionStore;

  beforeAll(async () => {
    await django(env, [{ op: 'migrate' }]);
    store = createSqliteStore({ path: env.db!.name, createTable: false });
  });
  afterAll(async () => {
    await store?.close?.();
    rmSync(directory, { recursive: true, force: true });
  });

  it("moves only expire_date of Django's session; Django reads it and clearsessions keeps it", async () => {
    const [created] = await django(env, [{ op: 'create', data: { user: 'alice' } }]);
    const key = created.key!;
    const [row] = await django(env, [{ op: 'row', key }]);
    // Two minutes later on sessionkit's clock: the touch is due (interval 60 s).
    const now = Date.now() + 120_000;
    const manager = createSessionManager({
      secretKey: SECRET,
      store,
      cookieAge: AGE,
      rolling: 'touch',
      now: () => now,
      logger: silentLogger,
    });
    const handle = createSessionRuntime({ manager }).open(`sessionid=${key}`);
    expect(await handle.session.get('user')).toBe('alice');
    const { setCookie } = await handle.finalize({ status: 200, secureRequest: false });
    expect(setCookie[0]).toMatch(new RegExp(`^sessionid=${key}; .*Max-Age=${AGE};`));
    const [after, loaded] = await django(env, [
      { op: 'row', key },
      { op: 'load', key },
      { op: 'clearsessions' },
    ]);
    expect(after.session_data).toBe(row.session_data);
    expect(after.expire_ms).toBe(now + AGE * 1000);
    expect(after.expire_ms).toBeGreaterThan(row.expire_ms!);
    expect(loaded.data).toEqual({ user: 'alice' });
    const [kept] = await django(env, [{ op: 'exists', key }]);
    expect(kept.exists).toBe(true);
  });
});
