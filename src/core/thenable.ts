/**
 * Telling a pending answer from a synchronous one. Stores and handlers are user code: they may
 * answer with a promise from another realm (a `vm` context, a test runner's globals) or any
 * thenable, which `instanceof Promise` does not recognize.
 * @module
 */

/** Whether `value` is a promise or any thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
