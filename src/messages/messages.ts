/**
 * Django's messages framework on a sessionkit session: add messages in one request, show them once
 * in a later one — from Node or from a Django site sharing the session.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Session } from '../core/session.js';
import type { StoredMessage } from './codec.js';
import { InvalidMessage } from './errors.js';
import { DEBUG, DEFAULT_TAGS, ERROR, INFO, SUCCESS, WARNING } from './levels.js';
import { changeMessages } from './session-messages.js';

/** Settings of {@link createMessages}: Django's messages settings. */
export interface MessagesOptions {
  /**
   * Minimum level recorded: messages below it are dropped when added (Django's `MESSAGE_LEVEL`).
   * @default INFO (20), so {@link Messages.debug} messages are dropped, as in Django
   */
  level?: number;
  /**
   * Tags of levels, over {@link DEFAULT_TAGS} (Django's `MESSAGE_TAGS`), e.g. `{ 40: 'danger' }`.
   * @default {}
   */
  tags?: Readonly<Record<number, string>>;
  /**
   * Where a corrupted `_messages` value is reported.
   * @default the session manager's logger
   */
  logger?: Logger;
}

/** Options of one message. */
export interface AddMessageOptions {
  /** Extra tags (CSS classes) before the level tag, e.g. `'sticky'` (Django's `extra_tags`). @default '' */
  extraTags?: string;
  /**
   * The text is trusted HTML: Django templates show it unescaped (Django's `mark_safe()`, stored as
   * `is_safedata`). Never set it for text that contains user input.
   * @default false
   */
  safe?: boolean;
}

/** A message read from a session (Django's `Message`). */
export interface FlashMessage {
  /** Its level, e.g. {@link INFO}. */
  readonly level: number;
  /** The text. */
  readonly message: string;
  /** Extra tags given when it was added (`''` when none). */
  readonly extraTags: string;
  /** The tag of its level (`'info'`, or from `tags`), `''` for a level without one. */
  readonly levelTag: string;
  /** Extra tags and level tag, space-separated: what templates put in `class="..."` (Django's `tags`). */
  readonly tags: string;
  /** Trusted HTML that Django's templates show unescaped (`mark_safe()`d). */
  readonly safe: boolean;
}

/** Adds a message of one level; resolves `false` when it was dropped (empty, or below the minimum level). */
export type AddLevelMessage = <Data extends object>(
  session: Session<Data>,
  text: string,
  options?: AddMessageOptions,
) => Promise<boolean>;

/** The messages API bound to one set of settings (see {@link createMessages}). */
export interface Messages {
  /** The minimum level recorded. */
  readonly level: number;
  /**
   * Add a message of any integer level. Resolves `true` once stored in the session, `false` when
   * dropped as Django drops it: an empty text, or a level below {@link Messages.level}.
   * @throws {InvalidMessage} a level that is not an integer, a text or extra tags that are not strings
   */
  add<Data extends object>(
    session: Session<Data>,
    level: number,
    text: string,
    options?: AddMessageOptions,
  ): Promise<boolean>;
  /** Add a {@link DEBUG} message (dropped unless the minimum level allows it). */
  readonly debug: AddLevelMessage;
  /** Add an {@link INFO} message. */
  readonly info: AddLevelMessage;
  /** Add a {@link SUCCESS} message. */
  readonly success: AddLevelMessage;
  /** Add a {@link WARNING} message. */
  readonly warning: AddLevelMessage;
  /** Add an {@link ERROR} message. */
  readonly error: AddLevelMessage;
  /** Read the session's messages, oldest first, and remove them: each is shown once. */
  messages<Data extends object>(session: Session<Data>): Promise<FlashMessage[]>;
  /** Read the session's messages without removing them. */
  peek<Data extends object>(session: Session<Data>): Promise<FlashMessage[]>;
  /** The tag of `level` (`''` for a level without one). */
  levelTag(level: number): string;
}

function checkLevel(level: unknown, what: string): number {
  if (typeof level !== 'number' || !Number.isSafeInteger(level)) {
    throw new InvalidMessage(`${what} must be an integer, got ${String(level)}`);
  }
  return level;
}

function resolveTags(tags: Readonly<Record<number, string>> | undefined): Map<number, string> {
  const resolved = new Map(Object.entries(DEFAULT_TAGS).map(([level, tag]) => [Number(level), tag]));
  for (const [level, tag] of Object.entries(tags ?? {})) {
    const number = Number(level);
    if (!Number.isSafeInteger(number) || String(number) !== level || typeof tag !== 'string') {
      throw new ConfigError(`messages tags: ${JSON.stringify(level)} → ${String(tag)} is not integer → text`);
    }
    resolved.set(number, tag);
  }
  return resolved;
}

/**
 * The message to store, or `null` when Django would drop it (`BaseStorage.add()`: `if not message:
 * return`, then `if level < self.level: return`).
 * @throws {InvalidMessage} a level that is not an integer, a text or extra tags that are not strings
 * @internal
 */
export function newMessage(
  minimum: number,
  level: number,
  text: string,
  options: AddMessageOptions = {},
): StoredMessage | null {
  checkLevel(level, 'message level');
  if (typeof text !== 'string') throw new InvalidMessage(`message text must be a string, got ${typeof text}`);
  const { extraTags = '', safe = false } = options;
  if (typeof extraTags !== 'string') throw new InvalidMessage('extraTags must be a string');
  if (text === '' || level < minimum) return null;
  return { level, message: text, extraTags, safe: safe === true };
}

/**
 * The messages API with your settings: the minimum level (`MESSAGE_LEVEL`), level tags
 * (`MESSAGE_TAGS`) and a logger. The module's own {@link add}, {@link info}, {@link messages} ... use
 * Django's defaults.
 * @throws {ConfigError} a level that is not an integer, a tag that is not text
 * @example
 * const flash = createMessages({ level: DEBUG, tags: { [ERROR]: 'danger' } });
 * await flash.error(session, 'Payment failed');
 * for (const m of await flash.messages(session)) html += `<li class="${m.tags}">${escape(m.message)}</li>`;
 */
export function createMessages(options: MessagesOptions = {}): Messages {
  let minimum: number;
  try {
    minimum = checkLevel(options.level ?? INFO, 'messages level');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const tags = resolveTags(options.tags);
  const logger = options.logger;

  const levelTag = (level: number): string => tags.get(level) ?? '';
  const view = (stored: StoredMessage): FlashMessage => {
    const extraTags = stored.extraTags ?? '';
    const tag = levelTag(stored.level);
    return {
      level: stored.level,
      message: stored.message,
      extraTags,
      levelTag: tag,
      tags: extraTags && tag ? `${extraTags} ${tag}` : extraTags || tag,
      safe: stored.safe,
    };
  };

  const add: Messages['add'] = async (session, level, text, addOptions) => {
    const message = newMessage(minimum, level, text, addOptions);
    if (message === null) return false;
    return changeMessages(session, logger, (stored) => ({ result: true, next: [...stored, message] }));
  };
  const atLevel =
    (level: number): AddLevelMessage =>
    (session, text, addOptions) =>
      add(session, level, text, addOptions);

  return {
    level: minimum,
    add,
    debug: atLevel(DEBUG),
    info: atLevel(INFO),
    success: atLevel(SUCCESS),
    warning: atLevel(WARNING),
    error: atLevel(ERROR),
    messages: (session) =>
      changeMessages(session, logger, (stored) => ({ result: stored.map(view), next: [] })),
    peek: (session) => changeMessages(session, logger, (stored) => ({ result: stored.map(view) })),
    levelTag,
  };
}
