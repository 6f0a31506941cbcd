import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { createSessionManager } from '../../src/core/manager.js';
import {
  createDataFlash,
  createFlash,
  decodeMessages,
  ERROR,
  flash,
  flashData,
  INFO,
  InvalidMessage,
  MESSAGES_KEY,
  messages,
  peek,
  WARNING,
  warning,
} from '../../src/messages/index.js';
import { createMemoryStore } from '../../src/stores/memory.js';
import { createRecordingLogger, SECRET } from '../helpers.js';

function session() {
  return createSessionManager({ secretKey: SECRET, store: createMemoryStore() }).open();
}

describe('flash (connect-flash convention)', () => {
  it('adds texts of a type and answers how many of that type wait, as req.flash(type, msg) does', async () => {
    const s = session();
    expect(await flash(s, 'info', 'one')).toBe(1);
    expect(await flash(s, 'info', ['two', 'three'])).toBe(3);
    expect(await flash(s, 'error', 'bad')).toBe(1);
  });

  it('takes the texts of one type and leaves the others, as req.flash(type) does', async () => {
    const s = session();
    await flash(s, 'info', 'i1');
    await flash(s, 'error', 'e1');
    await flash(s, 'info', 'i2');
    expect(await flash(s, 'info')).toEqual(['i1', 'i2']);
    expect(await flash(s, 'info')).toEqual([]);
    expect(await flash(s, 'error')).toEqual(['e1']);
    expect(await s.has(MESSAGES_KEY)).toBe(false);
  });

  it('takes everything grouped by type, as req.flash() does', async () => {
    const s = session();
    await flash(s, 'success', 'Welcome back');
    await flash(s, 'loginMessage', 'Wrong password');
    await flash(s, 'warn', 'Password expires soon');
    expect(await flash(s)).toEqual({
      success: ['Welcome back'],
      loginMessage: ['Wrong password'],
      warning: ['Password expires soon'],
    });
    expect(await flash(s)).toEqual({});
  });

  it('stores types as Django levels: known types at their level, others at INFO tagged with the type', async () => {
    const s = session();
    await flash(s, 'warn', 'w');
    await flash(s, 'error', 'e');
    await flash(s, 'loginMessage', 'l');
    expect((await peek(s)).map((m) => [m.level, m.extraTags, m.tags])).toEqual([
      [WARNING, '', 'warning'],
      [ERROR, '', 'error'],
      [INFO, 'loginMessage', 'loginMessage info'],
    ]);
  });

  it('takes messages added with the Django API under their level tag (warn and warning alike)', async () => {
    const s = session();
    await warning(s, 'from the messages API');
    expect(await flash(s, 'warn')).toEqual(['from the messages API']);
  });

  it('passes optional arguments through, as a connect-flash style req.flash does', async () => {
    const req = { session: session() };
    const reqFlash = (type?: string, text?: string) => flash(req.session, type, text);
    expect(await reqFlash('info', 'hi')).toBe(1);
    expect(await reqFlash()).toEqual({ info: ['hi'] });
  });

  it('does not modify a session without messages of the type asked for', async () => {
    const s = session();
    expect(await flash(s, 'info')).toEqual([]);
    expect(await flash(s)).toEqual({});
    expect(s.modified).toBe(false);
  });

  it('keeps a type named __proto__ as an own key', async () => {
    const s = session();
    await flash(s, '__proto__', 'odd');
    const all = await flash(s);
    expect(Object.hasOwn(all, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
  });

  it('refuses a type or a text that is not a string with ERR_INVALID_MESSAGE', async () => {
    const s = session();
    await expect(flash(s, 7 as unknown as string, 'x')).rejects.toBeInstanceOf(InvalidMessage);
    await expect(flash(s, 7 as unknown as string)).rejects.toBeInstanceOf(InvalidMessage);
    await expect(flash(s, 'info', 7 as unknown as string)).rejects.toBeInstanceOf(InvalidMessage);
  });
});

describe('createFlash', () => {
  it('maps configured level tags and types to levels', async () => {
    const s = session();
    const custom = createFlash({ tags: { [ERROR]: 'danger' }, types: { notice: 22 } });
    await custom(s, 'danger', 'd');
    await custom(s, 'notice', 'n');
    expect((await peek(s)).map((m) => m.level)).toEqual([ERROR, 22]);
    expect(await custom(s)).toEqual({ danger: ['d'], 22: ['n'] });
    expect(await messages(s)).toEqual([]);
  });

  it('refuses a type mapped to a non-integer level with ERR_SESSION_CONFIG', () => {
    expect(() => createFlash({ types: { odd: 1.5 } })).toThrow(ConfigError);
  });
});

describe('flashData (synchronous, on plain session data)', () => {
  it('adds, takes one type and takes all at once, in the encoding the async API reads', async () => {
    const data: Record<string, unknown> = { cart: ['book'] };
    expect(flashData(data, 'error', 'Wrong password')).toBe(1);
    expect(flashData(data, 'info', ['a', 'b'])).toBe(2);
    expect(typeof data[MESSAGES_KEY]).toBe('string');
    expect(decodeMessages(data[MESSAGES_KEY]).ok).toBe(true);
    expect(flashData(data, 'error')).toEqual(['Wrong password']);
    expect(flashData(data)).toEqual({ info: ['a', 'b'] });
    expect(data).toEqual({ cart: ['book'] });
  });

  it('reads what the async API stored', async () => {
    const s = session();
    await warning(s, 'from the session API');
    const data = { [MESSAGES_KEY]: await s.get(MESSAGES_KEY) };
    expect(flashData(data, 'warning')).toEqual(['from the session API']);
  });

  it('treats a corrupted value as no messages with a warning, and removes it when reading', () => {
    const logger = createRecordingLogger();
    const data: Record<string, unknown> = { [MESSAGES_KEY]: 'not json' };
    expect(createDataFlash({ logger })(data)).toEqual({});
    expect(Object.hasOwn(data, MESSAGES_KEY)).toBe(false);
    expect(logger.records).toEqual([expect.objectContaining({ message: 'Flash messages corrupted' })]);
  });

  it('throws ERR_INVALID_MESSAGE at once for a type or text that is not a string', () => {
    expect(() => flashData({}, 7 as unknown as string, 'x')).toThrow(InvalidMessage);
    expect(() => flashData({}, 'info', 7 as unknown as string)).toThrow(InvalidMessage);
  });

  it('throws ERR_SESSION_CONFIG without session data (no session middleware ran)', () => {
    expect(() => flashData(undefined as unknown as object, 'info', 'x')).toThrow(ConfigError);
  });
});
