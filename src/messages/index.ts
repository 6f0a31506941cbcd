/**
 * `sessionkit/messages`: Django's messages framework (`django.contrib.messages` with its session
 * storage) for sessionkit sessions. Messages are stored under the session's `_messages` key in
 * Django's own encoding, so a message added in Node shows on the next Django page and the other way
 * round. The functions here use Django's default settings; {@link createMessages} takes yours.
 *
 * @example
 * import { messages, success } from 'sessionkit/messages';
 * await success(req.session, 'Profile saved.');           // in the POST handler
 * for (const m of await messages(req.session)) {          // on the next page: shown once
 *   html += `<li class="${m.tags}">${escapeHtml(m.message)}</li>`;
 * }
 * @module
 */
import type { Session } from '../core/session.js';
import { createDataFlash, createFlash } from './flash.js';
import { type AddMessageOptions, createMessages, type FlashMessage } from './messages.js';

export {
  type DecodedMessages,
  decodeMessages,
  encodeMessages,
  MESSAGE_MARKER,
  type StoredMessage,
} from './codec.js';
export { InvalidMessage } from './errors.js';
export {
  createDataFlash,
  createFlash,
  type DataFlash,
  FLASH_TYPES,
  type Flash,
  type FlashOptions,
} from './flash.js';
export { DEBUG, DEFAULT_LEVELS, DEFAULT_TAGS, ERROR, INFO, SUCCESS, WARNING } from './levels.js';
export {
  type AddLevelMessage,
  type AddMessageOptions,
  createMessages,
  type FlashMessage,
  type Messages,
  type MessagesOptions,
} from './messages.js';
export { MESSAGES_KEY } from './session-messages.js';

const defaults = createMessages();

/**
 * Add a message of any integer level, with Django's default settings (messages below `INFO` are
 * dropped). Resolves `false` when the message was dropped.
 * @throws {InvalidMessage} a level that is not an integer, a text or extra tags that are not strings
 */
export function add<Data extends object>(
  session: Session<Data>,
  level: number,
  text: string,
  options?: AddMessageOptions,
): Promise<boolean> {
  return defaults.add(session, level, text, options);
}

/** Add a `DEBUG` message: dropped with Django's default settings; see {@link createMessages}. */
export function debug<Data extends object>(
  session: Session<Data>,
  text: string,
  options?: AddMessageOptions,
): Promise<boolean> {
  return defaults.debug(session, text, options);
}

/** Add an `INFO` message. */
export function info<Data extends object>(
  session: Session<Data>,
  text: string,
  options?: AddMessageOptions,
): Promise<boolean> {
  return defaults.info(session, text, options);
}

/** Add a `SUCCESS` message. */
export function success<Data extends object>(
  session: Session<Data>,
  text: string,
  options?: AddMessageOptions,
): Promise<boolean> {
  return defaults.success(session, text, options);
}

/** Add a `WARNING` message. */
export function warning<Data extends object>(
  session: Session<Data>,
  text: string,
  options?: AddMessageOptions,
): Promise<boolean> {
  return defaults.warning(session, text, options);
}

/** Add an `ERROR` message. */
export function error<Data extends object>(
  session: Session<Data>,
  text: string,
  options?: AddMessageOptions,
): Promise<boolean> {
  return defaults.error(session, text, options);
}

/** Read the session's messages, oldest first, and remove them (each is shown once). */
export function messages<Data extends object>(session: Session<Data>): Promise<FlashMessage[]> {
  return defaults.messages(session);
}

/** Read the session's messages without removing them. */
export function peek<Data extends object>(session: Session<Data>): Promise<FlashMessage[]> {
  return defaults.peek(session);
}

/**
 * connect-flash's `req.flash()` on Django's messages, with the default settings: `flash(session,
 * type, text)` adds, `flash(session, type)` takes one type's texts, `flash(session)` takes all.
 * See {@link createFlash} for the type ⇄ level mapping.
 */
export const flash = createFlash();

/**
 * {@link flash} for plain session data (express-session's `req.session`), synchronous as connect-flash
 * is, with the default settings. See {@link createDataFlash}.
 */
export const flashData = createDataFlash();
