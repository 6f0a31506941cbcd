/**
 * The logger sessionkit reports recoverable problems to (tampered session data, failed cache writes ...).
 * @module
 */

/** A logger sessionkit can write to. `console` satisfies it; so do pino and winston loggers. */
export interface Logger {
  /** Something was wrong but the request goes on (e.g. "Session data corrupted"). */
  warn(message: string, details?: Record<string, unknown>): void;
  /** An operation failed and was skipped (e.g. a failed cache write in the cached-db store). */
  error(message: string, details?: Record<string, unknown>): void;
}

/** The default logger: `console.warn` / `console.error`, prefixed with `[sessionkit]`. */
export const consoleLogger: Logger = {
  warn(message, details) {
    if (details === undefined) console.warn(`[sessionkit] ${message}`);
    else console.warn(`[sessionkit] ${message}`, details);
  },
  error(message, details) {
    if (details === undefined) console.error(`[sessionkit] ${message}`);
    else console.error(`[sessionkit] ${message}`, details);
  },
};

/** A logger that drops everything (for tests and the CLI's quiet mode). */
export const silentLogger: Logger = {
  warn() {},
  error() {},
};
