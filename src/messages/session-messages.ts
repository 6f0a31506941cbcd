/**
 * Reading and writing the messages of one session, one change at a time.
 * @internal
 * @module
 */
import { ConfigError } from '../core/errors.js';
import { consoleLogger, type Logger } from '../core/logger.js';
import type { Session } from '../core/session.js';
import { decodeMessages, encodeMessages, type StoredMessage } from './codec.js';

/** The session key Django's `SessionStorage` keeps messages under (`SessionStorage.session_key`). */
export const MESSAGES_KEY = '_messages';

/** The part of a session this module uses: the `_messages` entry and, if it has one, its logger. */
interface MessagesEntry {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  readonly settings?: { readonly logger?: Logger };
}

/** What a change decided: its result and, unless `undefined`, the messages to store instead. */
export interface MessagesChange<T> {
  result: T;
  next?: readonly StoredMessage[];
}

// Each change reads, then writes `_messages`: two changes of one session running at once (two
// `await add(...)` in a `Promise.all`) would each miss the other's message, so they queue per session.
const queues = new WeakMap<object, Promise<unknown>>();

function queued<T>(session: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(session) ?? Promise.resolve();
  const next = previous.then(task);
  queues.set(
    session,
    next.catch(() => undefined),
  );
  return next;
}

function loggerOf(entry: MessagesEntry, configured: Logger | undefined): Logger {
  return configured ?? entry.settings?.logger ?? consoleLogger;
}

/** The stored messages, or none (with a warning) when the value is not Django's encoding. */
function storedMessages(value: unknown, logger: () => Logger): StoredMessage[] {
  const decoded = decodeMessages(value);
  if (decoded.ok) return decoded.messages;
  logger().warn('Flash messages corrupted', { key: MESSAGES_KEY, reason: decoded.reason });
  return [];
}

/**
 * Run `change` on the messages stored in `session`, then store what it returns as `next` (removing
 * the entry when that is empty). Stored data that is not Django's encoding counts as no messages,
 * with a warning: messages are never worth failing a request for.
 */
export function changeMessages<Data extends object, T>(
  session: Session<Data>,
  logger: Logger | undefined,
  change: (stored: StoredMessage[]) => MessagesChange<T>,
): Promise<T> {
  const entry = session as unknown as MessagesEntry;
  return queued(session, async () => {
    const value = await entry.get(MESSAGES_KEY);
    const { result, next } = change(storedMessages(value, () => loggerOf(entry, logger)));
    if (next === undefined) return result;
    if (next.length > 0) await entry.set(MESSAGES_KEY, encodeMessages(next));
    else if (value !== undefined) await entry.delete(MESSAGES_KEY);
    return result;
  });
}

/**
 * {@link changeMessages} on plain session data, at once: an express-session style `req.session`
 * whose data are its own properties, for callers that cannot wait (connect-flash's `req.flash`).
 */
export function changeMessagesIn<T>(
  data: object,
  logger: Logger | undefined,
  change: (stored: StoredMessage[]) => MessagesChange<T>,
): T {
  if (data === null || typeof data !== 'object') {
    // connect-flash's "req.flash() requires sessions": no session middleware ran before.
    throw new ConfigError('flash needs the session data object (is a session middleware installed first?)');
  }
  const record = data as Record<string, unknown>;
  const value = Object.hasOwn(record, MESSAGES_KEY) ? record[MESSAGES_KEY] : undefined;
  const { result, next } = change(storedMessages(value, () => logger ?? consoleLogger));
  if (next === undefined) return result;
  if (next.length > 0) record[MESSAGES_KEY] = encodeMessages(next);
  else if (value !== undefined) delete record[MESSAGES_KEY];
  return result;
}
