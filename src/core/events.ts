/**
 * Session events for metrics and audit: one synchronous listener (the manager's `onEvent` option) told
 * of every store operation with the store's name, its duration and its outcome — never data values or
 * session keys. Without a listener nothing here runs (see docs/events.md).
 * @module
 */
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import type { Persistence } from './persistence.js';
import type { Session, SessionContext } from './session.js';

/** The kinds of {@link SessionEvent}. */
export type SessionEventType = 'load' | 'save' | 'create' | 'delete' | 'conflict' | 'error' | 'tampered';

/** The store operation an event is about. */
export type SessionOperation = 'load' | 'save' | 'create' | 'cycle' | 'delete';

/**
 * One event. `outcome` by type:
 * - `load`: `found` (the store had the session) or `missing` (none, expired, or an invalid key)
 * - `save`, `create`, `delete`: `ok` (`create` from a key cycle: `cycled`)
 * - `conflict`: `merging` (a merge-on-save compare-and-swap lost; the request's changes are re-applied)
 * - `error`: the error's `code` (`ERR_STORE_UNAVAILABLE` ...), with `operation`
 * - `tampered`: `refused` (stored data or a signed cookie failed its signature, was corrupt or over limits)
 */
export interface SessionEvent {
  /** What happened. */
  readonly type: SessionEventType;
  /** The store's name (`sqlite`, `redis`, `signed-cookie` ...). */
  readonly store: string;
  /** Time the operation took, in ms (0 for `conflict` and `tampered`, which mark a moment). */
  readonly durationMs: number;
  /** How it ended; see the type's description. */
  readonly outcome: string;
  /** For `error`, `conflict` and `tampered`: the operation it happened in. */
  readonly operation?: SessionOperation;
}

/** A synchronous listener; what it throws is caught and logged, never reaches the request. */
export type SessionEventListener = (event: SessionEvent) => void;

/** Emits an event; absent (`null`) when nobody listens, so callers skip even the timing. */
export type Emit = (event: SessionEvent) => void;

interface Registered {
  readonly emit: Emit;
}

const listeners = new WeakMap<SessionContext, Registered>();

/**
 * Attach `listener` to a manager's context (from its constructor). Nothing is attached without one.
 */
export function attachListener(
  context: SessionContext,
  listener: SessionEventListener | undefined,
  logger: Logger,
): void {
  if (listener === undefined) return;
  if (typeof listener !== 'function') throw new ConfigError('onEvent must be a function (event) => void.');
  listeners.set(context, {
    emit(event) {
      try {
        listener(event);
      } catch (error) {
        logger.error('An onEvent listener threw; the request goes on', {
          event: event.type,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  });
}

/** The context's emitter, or `null` when nobody listens. */
export function emitterOf(context: SessionContext): Emit | null {
  return listeners.get(context)?.emit ?? null;
}

const errorCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_UNKNOWN';
};

/** `persistence` reporting each operation to `emit`. */
export function instrument(persistence: Persistence, store: string, emit: Emit): Persistence {
  /** Run `fn`, then emit the event `done` describes, or an `error` event. */
  async function timed<T>(
    operation: SessionOperation,
    fn: () => Promise<T>,
    done: (value: T) => { type: SessionEventType; outcome: string } | null,
  ): Promise<T> {
    const start = performance.now();
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      emit({
        type: 'error',
        store,
        durationMs: performance.now() - start,
        outcome: errorCode(error),
        operation,
      });
      throw error;
    }
    const event = done(value);
    if (event !== null) {
      emit({ type: event.type, store, durationMs: performance.now() - start, outcome: event.outcome });
    }
    return value;
  }

  const saveType = (session: Session, mustCreate: boolean) =>
    mustCreate || session.sessionKey === null ? 'create' : 'save';

  return {
    load(session) {
      // No cookie: no store call, nothing to report.
      if (session.sessionKey === null) return persistence.load(session);
      return timed(
        'load',
        () => persistence.load(session),
        () => ({
          type: 'load',
          outcome: session.sessionKey === null ? 'missing' : 'found',
        }),
      );
    },
    exists: (session, key) => persistence.exists(session, key),
    touch: (session, conditional) => persistence.touch(session, conditional),
    save(session, mustCreate) {
      const type = saveType(session, mustCreate);
      return timed(
        type,
        () => persistence.save(session, mustCreate),
        () => ({ type, outcome: 'ok' }),
      );
    },
    create(session) {
      return timed(
        'create',
        () => persistence.create(session),
        () => ({ type: 'create', outcome: 'ok' }),
      );
    },
    destroy(session, key) {
      return timed(
        'delete',
        () => persistence.destroy(session, key),
        () => ({
          type: 'delete',
          outcome: 'ok',
        }),
      );
    },
    cycleKey(session, data) {
      return timed(
        'cycle',
        () => persistence.cycleKey(session, data),
        () => ({
          type: 'create',
          outcome: 'cycled',
        }),
      );
    },
  };
}
