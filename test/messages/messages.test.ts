import { describe, expect, it } from 'vitest';
import { ConfigError, SessionError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import type { Session } from '../../src/core/session.js';
import {
  add,
  createMessages,
  DEBUG,
  debug,
  ERROR,
  error,
  INFO,
  InvalidMessage,
  info,
  MESSAGES_KEY,
  messages,
  peek,
  SUCCESS,
  success,
  WARNING,
  warning,
} from '../../src/messages/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRecordingLogger, SECRET } from '../helpers.js';
import { goldenOf } from './golden.js';

const DJANGO_51 = goldenOf('5.1');

function sessions(logger = createRecordingLogger()) {
  return createSessionManager({ secretKey: SECRET, store: createMemoryStore(), logger });
}

async function savedSession(data: Record<string, unknown>) {
  const manager = sessions();
  const session = manager.open();
  await session.update(data);
  await session.save();
  return { manager, key: session.sessionKey! };
}

describe('add and the level helpers', () => {
  it('stores messages under _messages in the bytes Django 5.1 writes', async () => {
    const session = sessions().open();
    await info(session, 'Hello');
    expect(await session.get(MESSAGES_KEY)).toBe(DJANGO_51.cases.info!.encoded);

    const corners = sessions().open();
    await info(corners, 'Grüße, 世界 — “quoted” 😀 "q" \\ </script> tab\there\nline \u2028 \u0000 \x7f');
    await error(corners, 'é', { extraTags: 'ünïcode-tag' });
    expect(await corners.get(MESSAGES_KEY)).toBe(DJANGO_51.cases['text-corners']!.encoded);

    const safe = sessions().open();
    await info(safe, '<b>bold</b> & more', { safe: true });
    await add(safe, INFO, '<b>escaped</b>');
    expect(await safe.get(MESSAGES_KEY)).toBe(DJANGO_51.cases.safe!.encoded);
  });

  it('adds each level helper at its Django level, and any integer level with add', async () => {
    const session = sessions().open();
    const api = createMessages({ level: DEBUG });
    await api.debug(session, 'd');
    await api.info(session, 'i');
    await api.success(session, 's');
    await api.warning(session, 'w');
    await api.error(session, 'e', { extraTags: 'alert' });
    await api.add(session, 35, 'custom level');
    expect(await session.get(MESSAGES_KEY)).toBe(DJANGO_51.cases['every-level']!.encoded);
  });

  it('drops DEBUG messages by default and anything below a configured minimum level, as MESSAGE_LEVEL does', async () => {
    const session = sessions().open();
    expect(await debug(session, 'hidden')).toBe(false);
    expect(await session.has(MESSAGES_KEY)).toBe(false);
    expect(session.modified).toBe(false);
    const strict = createMessages({ level: WARNING });
    expect(await strict.success(session, 'too low')).toBe(false);
    expect(await strict.warning(session, 'kept')).toBe(true);
    expect((await messages(session)).map((m) => m.message)).toEqual(['kept']);
  });

  it('drops an empty text, as Django does', async () => {
    const session = sessions().open();
    expect(await success(session, '')).toBe(false);
    expect(await session.has(MESSAGES_KEY)).toBe(false);
  });

  it('refuses a non-integer level, a non-text message or non-text extra tags with ERR_INVALID_MESSAGE', async () => {
    const session = sessions().open();
    const bad = [
      () => add(session, 20.5, 'x'),
      () => add(session, Number.NaN, 'x'),
      () => add(session, '20' as unknown as number, 'x'),
      () => info(session, 42 as unknown as string),
      () => info(session, 'x', { extraTags: ['a'] as unknown as string }),
    ];
    for (const call of bad) {
      const failure = await call().catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(InvalidMessage);
      expect(failure).toBeInstanceOf(SessionError);
      expect((failure as InvalidMessage).code).toBe('ERR_INVALID_MESSAGE');
    }
    expect(await session.has(MESSAGES_KEY)).toBe(false);
  });

  it('keeps every message when several are added at once', async () => {
    const session = sessions().open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => info(session, `m${i}`)));
    expect((await messages(session)).map((m) => m.message)).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
  });

  it('propagates a failing session read and keeps serving the session afterwards', async () => {
    const data = new Map<string, unknown>();
    let failing = true;
    const flaky = {
      get: async (key: string) => {
        if (failing) throw new Error('store down');
        return data.get(key);
      },
      set: async (key: string, value: unknown) => void data.set(key, value),
      delete: async (key: string) => data.delete(key),
    } as unknown as Session;
    await expect(info(flaky, 'lost')).rejects.toThrow('store down');
    failing = false;
    expect(await info(flaky, 'kept')).toBe(true);
    expect((await messages(flaky)).map((m) => m.message)).toEqual(['kept']);
  });

  it('accepts a session typed with its own data shape', async () => {
    const typed = sessions().open() as unknown as Session<{ cart: string[] }>;
    expect(await info(typed, 'typed')).toBe(true);
    expect((await peek(typed)).map((m) => m.message)).toEqual(['typed']);
  });

  it('survives a save and a new request: the next request reads what the last one added', async () => {
    const manager = sessions();
    const first = manager.open();
    await warning(first, 'Saved for later');
    await first.save();
    const next = manager.open(first.sessionKey);
    expect(await messages(next)).toEqual([
      {
        level: WARNING,
        message: 'Saved for later',
        extraTags: '',
        levelTag: 'warning',
        tags: 'warning',
        safe: false,
      },
    ]);
    await next.save();
    expect(await messages(manager.open(first.sessionKey))).toEqual([]);
  });
});

describe('messages', () => {
  it("returns Django's message fields (tags = extra tags + level tag) and removes them", async () => {
    const session = sessions().open();
    await error(session, 'Payment failed', { extraTags: 'sticky fade' });
    await add(session, 35, 'untagged level');
    expect(await messages(session)).toEqual([
      {
        level: ERROR,
        message: 'Payment failed',
        extraTags: 'sticky fade',
        levelTag: 'error',
        tags: 'sticky fade error',
        safe: false,
      },
      { level: 35, message: 'untagged level', extraTags: '', levelTag: '', tags: '', safe: false },
    ]);
    expect(await session.has(MESSAGES_KEY)).toBe(false);
    expect(await messages(session)).toEqual([]);
  });

  it('uses configured level tags over the default ones, as MESSAGE_TAGS does', async () => {
    const session = sessions().open();
    const api = createMessages({ tags: { [ERROR]: 'danger', 35: 'notice' } });
    await api.error(session, 'e', { extraTags: 'x' });
    await api.add(session, 35, 'n');
    await api.info(session, 'i');
    expect((await api.messages(session)).map((m) => [m.levelTag, m.tags])).toEqual([
      ['danger', 'x danger'],
      ['notice', 'notice'],
      ['info', 'info'],
    ]);
  });

  it('does not touch a session without messages (no save, no new cookie)', async () => {
    const session = sessions().open();
    expect(await messages(session)).toEqual([]);
    expect(session.modified).toBe(false);
    expect(session.sessionKey).toBeNull();
  });

  it('reads the messages Django wrote without extra tags (3.2) with extraTags ""', async () => {
    const { manager, key } = await savedSession({ [MESSAGES_KEY]: goldenOf('3.2').cases.info!.encoded });
    expect(await messages(manager.open(key))).toEqual([
      { level: INFO, message: 'Hello', extraTags: '', levelTag: 'info', tags: 'info', safe: false },
    ]);
  });

  it('treats a corrupted _messages value as no messages, logs a warning once and removes it', async () => {
    const values = ['not json', 42, ['__json_message', 0, 20, 'a list, not text'], '[["bad"]]'];
    for (const value of values) {
      const logger = createRecordingLogger();
      const manager = sessions(logger);
      const session = manager.open();
      await session.set(MESSAGES_KEY, value);
      expect(await messages(session)).toEqual([]);
      expect(await session.has(MESSAGES_KEY)).toBe(false);
      expect(logger.records).toEqual([
        expect.objectContaining({ level: 'warn', message: 'Flash messages corrupted' }),
      ]);
    }
  });

  it('replaces a corrupted value when a message is added, keeping the new message', async () => {
    const logger = createRecordingLogger();
    const session = sessions(logger).open();
    await session.set(MESSAGES_KEY, '{"not": "a list"}');
    expect(await success(session, 'fresh')).toBe(true);
    expect((await messages(session)).map((m) => m.message)).toEqual(['fresh']);
    expect(logger.records).toHaveLength(1);
  });

  it('reports to the logger given in the options rather than the session manager’s', async () => {
    const own = createRecordingLogger();
    const managers = createRecordingLogger();
    const session = sessions(managers).open();
    await session.set(MESSAGES_KEY, 'not json');
    expect(await createMessages({ logger: own }).messages(session)).toEqual([]);
    expect([own.records.length, managers.records.length]).toEqual([1, 0]);
  });
});

describe('peek', () => {
  it('reads the messages and leaves them for the next read', async () => {
    const session: Session = sessions().open();
    await success(session, 'kept');
    expect((await peek(session)).map((m) => m.message)).toEqual(['kept']);
    expect((await peek(session)).map((m) => m.message)).toEqual(['kept']);
    expect((await messages(session)).map((m) => m.message)).toEqual(['kept']);
    expect(await peek(session)).toEqual([]);
  });
});

describe('createMessages', () => {
  it('refuses a non-integer minimum level or a bad tag with ERR_SESSION_CONFIG', () => {
    expect(() => createMessages({ level: 1.5 })).toThrow(ConfigError);
    expect(() => createMessages({ tags: { 40: 7 as unknown as string } })).toThrow(ConfigError);
    expect(() => createMessages({ tags: { ['x' as unknown as number]: 'y' } })).toThrow(ConfigError);
  });

  it('exposes its minimum level and level tags', () => {
    const api = createMessages({ level: SUCCESS, tags: { [ERROR]: 'danger' } });
    expect([api.level, api.levelTag(ERROR), api.levelTag(INFO), api.levelTag(99)]).toEqual([
      SUCCESS,
      'danger',
      'info',
      '',
    ]);
  });
});
