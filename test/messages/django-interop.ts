/**
 * The messages interop suite against one real Django: a site behind Django's SessionMiddleware and
 * MessageMiddleware (fixtures/messages_site.py) shares sessions with sessionkit — on the `db` backend
 * (one SQLite `django_session` table) and on signed cookies — and each side shows the other's
 * messages exactly once. test/django/messages-django*.test.ts call {@link describeMessagesInterop}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/core/manager.js';
import {
  add,
  createMessages,
  DEBUG,
  ERROR,
  INFO,
  info,
  MESSAGES_KEY,
  messages,
  peek,
  SUCCESS,
  success,
  WARNING,
  warning,
} from '../../src/messages/index.js';
import { createSignedCookieStore } from '../../src/stores/signed-cookie.js';
import { createSqliteStore } from '../../src/stores/sqlite.js';
import type { SessionStore } from '../../src/stores/types.js';
import { SECRET } from '../helpers.js';
import {
  type DjangoRuntime,
  goldenVectors,
  messagesctl,
  type ScriptEnv,
  type ShownMessage,
} from './django-runtimes.js';
import { GOLDEN } from './golden.js';

/** How Django shows a message sessionkit stored with `extraTags` (3.2 included: it reads `""` as given). */
function shown(
  level: number,
  message: string,
  extraTags: string,
  levelTag: string,
  safe = false,
): ShownMessage {
  return {
    level,
    message,
    extra_tags: extraTags,
    tags: [extraTags, levelTag].filter(Boolean).join(' '),
    level_tag: levelTag,
    safe,
  };
}

const TEXT = 'Grüße — “saved” 😀 <b>&</b>\n';

/** The suite for one Django (`runtime`), or its loud skip when that Django cannot run here. */
export function describeMessagesInterop(runtime: DjangoRuntime | null): void {
  const series = runtime?.series ?? '?';
  let directory: string;
  let db: ScriptEnv;
  let store: SessionStore;
  let sessions: SessionManager;

  beforeAll(async () => {
    if (!runtime) return;
    directory = mkdtempSync(join(tmpdir(), `sessionkit-messages-django${series}-`));
    db = { secretKey: SECRET, dbPath: join(directory, 'shared.sqlite3') };
    await messagesctl(runtime, db, [{ op: 'migrate' }]);
    store = createSqliteStore({ path: db.dbPath!, createTable: false });
    sessions = createSessionManager({ secretKey: SECRET, store });
  });
  afterAll(async () => {
    if (!runtime) return;
    await store?.close?.();
    rmSync(directory, { recursive: true, force: true });
  });

  describe.skipIf(!runtime)(`Django ${series}: messages added by sessionkit, shown by a Django view`, () => {
    it('shows each message once, with its level, tags and safety, and removes it from the session', async () => {
      const session = sessions.open();
      await success(session, TEXT, { extraTags: 'sticky fade' });
      await warning(session, '<b>trusted</b>', { safe: true });
      await add(session, 35, 'custom level');
      await session.save();
      const key = session.sessionKey!;
      const [first, second] = await messagesctl(runtime!, db, [
        { op: 'show', key },
        { op: 'show', key },
      ]);
      expect(first!.messages).toEqual([
        shown(SUCCESS, TEXT, 'sticky fade', 'success'),
        shown(WARNING, '<b>trusted</b>', '', 'warning', true),
        shown(35, 'custom level', '', ''),
      ]);
      expect(second!.messages).toEqual([]);
      expect(first!.key).toBe(key);
      expect(await peek(sessions.open(key))).toEqual([]);
    });

    it('keeps the order of messages added on both sides of one session', async () => {
      const session = sessions.open();
      await info(session, 'first, from Node');
      await session.save();
      const key = session.sessionKey!;
      await messagesctl(runtime!, db, [
        { op: 'add', key, messages: [{ level: INFO, message: 'second, from Django' }] },
      ]);
      const again = sessions.open(key);
      await info(again, 'third, from Node');
      await again.save();
      const [show] = await messagesctl(runtime!, db, [{ op: 'show', key }]);
      expect(show!.messages!.map((m) => m.message)).toEqual([
        'first, from Node',
        'second, from Django',
        'third, from Node',
      ]);
    });

    it("is stored in Django's encoding: the bytes Django 5.1 writes, 3.2's plus the empty extra tags", async () => {
      const session = sessions.open();
      await info(session, 'Hello');
      await session.save();
      const [fromDjango] = await messagesctl(runtime!, db, [
        { op: 'add', messages: [{ level: INFO, message: 'Hello' }] },
      ]);
      const [djangoStored, ourStored] = await messagesctl(runtime!, db, [
        { op: 'stored', key: fromDjango!.key! },
        { op: 'stored', key: session.sessionKey },
      ]);
      expect(ourStored!.value).toBe('[["__json_message", 0, 20, "Hello", ""]]');
      expect(djangoStored!.value).toBe(
        series === '3.2'
          ? '[["__json_message", 0, 20, "Hello"]]'
          : '[["__json_message", 0, 20, "Hello", ""]]',
      );
    });
  });

  describe.skipIf(!runtime)(`Django ${series}: messages added by a Django view, read by sessionkit`, () => {
    it('reads each message once (DEBUG dropped by Django, as by sessionkit) and Django then sees none', async () => {
      const [added] = await messagesctl(runtime!, db, [
        {
          op: 'add',
          messages: [
            { level: DEBUG, message: 'dropped by MESSAGE_LEVEL' },
            { level: INFO, message: TEXT },
            { level: ERROR, message: 'Payment failed', extra_tags: 'alert' },
            { level: SUCCESS, message: '<i>safe</i>', safe: true },
            { level: 35, message: 'custom level' },
          ],
        },
      ]);
      const key = added!.key!;
      const session = sessions.open(key);
      expect(await messages(session)).toEqual([
        { level: INFO, message: TEXT, extraTags: '', levelTag: 'info', tags: 'info', safe: false },
        {
          level: ERROR,
          message: 'Payment failed',
          extraTags: 'alert',
          levelTag: 'error',
          tags: 'alert error',
          safe: false,
        },
        {
          level: SUCCESS,
          message: '<i>safe</i>',
          extraTags: '',
          levelTag: 'success',
          tags: 'success',
          safe: true,
        },
        { level: 35, message: 'custom level', extraTags: '', levelTag: '', tags: '', safe: false },
      ]);
      await session.save();
      expect(await messages(sessions.open(key))).toEqual([]);
      const [show, stored] = await messagesctl(runtime!, db, [
        { op: 'show', key },
        { op: 'stored', key },
      ]);
      expect(show!.messages).toEqual([]);
      expect(stored!.value).toBeNull();
    });

    it('applies its own MESSAGE_TAGS to the levels Django stored', async () => {
      const [added] = await messagesctl(runtime!, db, [
        { op: 'add', messages: [{ level: ERROR, message: 'e', extra_tags: 'x' }] },
      ]);
      const tagged = createMessages({ tags: { [ERROR]: 'danger' } });
      expect((await tagged.messages(sessions.open(added!.key))).map((m) => m.tags)).toEqual(['x danger']);
    });
  });

  describe.skipIf(!runtime)(`Django ${series}: messages in a signed-cookie session`, () => {
    const cookies: ScriptEnv = { secretKey: SECRET, engine: 'signed_cookies' };
    const cookieSessions = createSessionManager({ secretKey: SECRET, store: createSignedCookieStore() });

    it('travels both ways in the cookie and is shown once on each side', async () => {
      const session = cookieSessions.open();
      await success(session, TEXT);
      await session.save();
      const [show, added] = await messagesctl(runtime!, cookies, [
        { op: 'show', key: session.sessionKey },
        { op: 'add', key: '$0', messages: [{ level: WARNING, message: 'from Django' }] },
      ]);
      expect(show!.messages).toEqual([shown(SUCCESS, TEXT, '', 'success')]);
      const back = cookieSessions.open(added!.key);
      expect((await messages(back)).map((m) => [m.level, m.message])).toEqual([[WARNING, 'from Django']]);
      expect(await back.has(MESSAGES_KEY)).toBe(false);
    });
  });

  describe.skipIf(!runtime)(`Django ${series}: MESSAGE_STORAGE`, () => {
    it("needs SessionStorage: Django's default FallbackStorage does not look in the session", async () => {
      const session = sessions.open();
      await info(session, 'only in the session');
      await session.save();
      const key = session.sessionKey!;
      const [fallback] = await messagesctl(runtime!, { ...db, messageStorage: 'fallback' }, [
        { op: 'show', key },
      ]);
      const [sessionStorage] = await messagesctl(runtime!, db, [{ op: 'show', key }]);
      expect(fallback!.messages).toEqual([]);
      expect(sessionStorage!.messages!.map((m) => m.message)).toEqual(['only in the session']);
    });
  });

  describe.skipIf(!runtime)(`Django ${series}: golden vectors`, () => {
    it('are what this Django writes and reads today (fixtures/messages-golden.json)', async () => {
      const live = (await goldenVectors(runtime!)) as { django: string; cases: unknown };
      expect(GOLDEN[live.django]?.cases).toEqual(live.cases);
    });
  });
}
