/**
 * connect-flash's `req.flash()` convention on Django's messages: `flash(session, type, text)` adds,
 * `flash(session, type)` takes the texts of one type, `flash(session)` takes them all, grouped by type.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { Session } from '../core/session.js';
import type { StoredMessage } from './codec.js';
import { InvalidMessage } from './errors.js';
import { DEBUG, ERROR, INFO, SUCCESS, WARNING } from './levels.js';
import { createMessages, type MessagesOptions, newMessage } from './messages.js';
import { changeMessages, changeMessagesIn, type MessagesChange } from './session-messages.js';

/**
 * connect-flash types and the Django level each maps to. A type not listed (e.g. `'loginMessage'`)
 * is stored at {@link INFO} with the type as its extra tags, so it comes back under the same type.
 */
export const FLASH_TYPES: Readonly<Record<string, number>> = Object.freeze({
  debug: DEBUG,
  info: INFO,
  success: SUCCESS,
  warning: WARNING,
  warn: WARNING,
  error: ERROR,
});

/** Settings of {@link createFlash}: Django's messages settings, plus more types. */
export interface FlashOptions extends MessagesOptions {
  /**
   * More types mapped to levels, over {@link FLASH_TYPES} and the level tags (so with
   * `tags: { 40: 'danger' }`, type `'danger'` is {@link ERROR}).
   * @default {}
   */
  types?: Readonly<Record<string, number>>;
}

/** A connect-flash style `flash` on sessions; every call is async, unlike connect-flash's (see {@link DataFlash}). */
export interface Flash {
  /**
   * Add one text (or several) of `type`; resolves to how many messages of that type are waiting,
   * as connect-flash's `req.flash(type, msg)` returns.
   */
  <Data extends object>(
    session: Session<Data>,
    type: string,
    text: string | readonly string[],
  ): Promise<number>;
  /** Take the texts of `type` (oldest first); messages of other types stay. */
  <Data extends object>(session: Session<Data>, type: string): Promise<string[]>;
  /** Take every message's text, grouped by type (see {@link createFlash} for a message's type). */
  <Data extends object>(session: Session<Data>): Promise<Record<string, string[]>>;
  /** Any of the above, for a pass-through such as `req.flash = (type, text) => flash(req.session, type, text)`. */
  <Data extends object>(
    session: Session<Data>,
    type?: string,
    text?: string | readonly string[],
  ): Promise<number | string[] | Record<string, string[]>>;
}

/**
 * connect-flash's `req.flash` on plain session data (an express-session style `req.session`, whose
 * data are its own properties): synchronous, as Passport's `failureFlash` needs — it calls
 * `req.flash(type, msg)` and redirects at once, without waiting.
 */
export interface DataFlash {
  /** Add one text (or several) of `type`; returns how many messages of that type are waiting. */
  (data: object, type: string, text: string | readonly string[]): number;
  /** Take the texts of `type` (oldest first); messages of other types stay. */
  (data: object, type: string): string[];
  /** Take every message's text, grouped by type. */
  (data: object): Record<string, string[]>;
  /** Any of the above, for a pass-through. */
  (
    data: object,
    type?: string,
    text?: string | readonly string[],
  ): number | string[] | Record<string, string[]>;
}

type FlashResult = number | string[] | Record<string, string[]>;

/** What one `flash(...)` call does to the stored messages, whichever way they are stored. */
function flashChanges(options: FlashOptions) {
  const api = createMessages(options);
  const types = new Map(Object.entries(FLASH_TYPES));
  for (const [level, tag] of Object.entries(options.tags ?? {})) types.set(tag, Number(level));
  for (const [type, level] of Object.entries(options.types ?? {})) {
    if (!Number.isSafeInteger(level)) {
      throw new ConfigError(`flash type ${JSON.stringify(type)}: level must be an integer`);
    }
    types.set(type, level);
  }
  const typeOf = (stored: StoredMessage): string =>
    stored.extraTags || api.levelTag(stored.level) || String(stored.level);
  const matches = (type: string, stored: StoredMessage): boolean => {
    const level = types.get(type);
    return level === undefined ? stored.extraTags === type : level === stored.level && !stored.extraTags;
  };

  const adding = (type: string, texts: readonly string[]) => (stored: StoredMessage[]) => {
    const level = types.get(type);
    const added = texts.map((text) =>
      level === undefined
        ? newMessage(api.level, INFO, text, { extraTags: type })
        : newMessage(api.level, level, text),
    );
    const next = [...stored, ...added.filter((message) => message !== null)];
    return { result: next.filter((message) => matches(type, message)).length, next };
  };
  const takingAll = (stored: StoredMessage[]) => {
    // A Map, then own properties: a type is stored text and may well be `__proto__`.
    const all = new Map<string, string[]>();
    for (const message of stored) {
      const texts = all.get(typeOf(message));
      if (texts) texts.push(message.message);
      else all.set(typeOf(message), [message.message]);
    }
    return { result: Object.fromEntries(all), next: [] };
  };
  const taking = (type: string) => (stored: StoredMessage[]) => {
    const taken = stored.filter((message) => matches(type, message));
    const result = taken.map((message) => message.message);
    return taken.length === 0 ? { result } : { result, next: stored.filter((m) => !taken.includes(m)) };
  };

  /** The change a call asks for; a type or text that is not a string throws {@link InvalidMessage}. */
  return (type?: unknown, text?: unknown): ((stored: StoredMessage[]) => MessagesChange<FlashResult>) => {
    if ((type !== undefined || text !== undefined) && typeof type !== 'string') {
      throw new InvalidMessage('flash type must be a string');
    }
    if (text !== undefined) return adding(type as string, Array.isArray(text) ? text : [text as string]);
    return type === undefined ? takingAll : taking(type as string);
  };
}

/**
 * A connect-flash style `flash` over Django's messages. A message's type is its extra tags when it
 * has some (a type outside the table, or extra tags given in Django), otherwise its level tag
 * (`'info'`, `'warning'` ...; its level number for a level without a tag). So `flash(s, 'warn', x)`
 * comes back from `flash(s)` under `'warning'`, and `flash(s, 'warn')` takes every untagged warning,
 * Django's included.
 * @throws {ConfigError} a type mapped to a level that is not an integer
 * @example
 * const flash = createFlash();
 * app.use((req, _res, next) => {
 *   req.flash = (type, text) => flash(req.session, type, text);
 *   next();
 * });
 */
export function createFlash(options: FlashOptions = {}): Flash {
  const changeFor = flashChanges(options);
  const flash = (session: Session<object>, type?: string, text?: string | readonly string[]) => {
    try {
      return changeMessages(session, options.logger, changeFor(type, text));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return flash as Flash;
}

/**
 * {@link createFlash} for plain session data, synchronous (see {@link DataFlash}). The session
 * object must be one whose data are its own properties (express-session's `req.session`); for a
 * sessionkit {@link Session}, use {@link createFlash}.
 * @throws {ConfigError} a type mapped to a level that is not an integer
 * @example
 * const flash = createDataFlash();
 * app.use((req, _res, next) => {
 *   req.flash = (type, text) => flash(req.session, type, text); // Passport's failureFlash works
 *   next();
 * });
 */
export function createDataFlash(options: FlashOptions = {}): DataFlash {
  const changeFor = flashChanges(options);
  return ((data: object, type?: string, text?: string | readonly string[]) =>
    changeMessagesIn(data, options.logger, changeFor(type, text))) as DataFlash;
}
