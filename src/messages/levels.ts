/**
 * Django's message levels and their default tags (`django.contrib.messages.constants`).
 * @module
 */

/** Development messages, dropped by default (below the default minimum level, {@link INFO}). */
export const DEBUG = 10;
/** Informational messages for the user. */
export const INFO = 20;
/** An action was successful. */
export const SUCCESS = 25;
/** A failure did not occur but may be imminent. */
export const WARNING = 30;
/** An action was not successful or some other failure occurred. */
export const ERROR = 40;

/** Django's `DEFAULT_TAGS`: the tag (CSS class) of each built-in level. */
export const DEFAULT_TAGS: Readonly<Record<number, string>> = Object.freeze({
  [DEBUG]: 'debug',
  [INFO]: 'info',
  [SUCCESS]: 'success',
  [WARNING]: 'warning',
  [ERROR]: 'error',
});

/** Django's `DEFAULT_LEVELS`: each built-in level by name. */
export const DEFAULT_LEVELS = Object.freeze({ DEBUG, INFO, SUCCESS, WARNING, ERROR });
