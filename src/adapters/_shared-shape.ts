/**
 * Giving Express's per-request objects one shared hidden class (V8 "map").
 *
 * Express gives every `req` and `res` its application's prototype with `Object.setPrototypeOf`. In V8
 * (Node 20's 11.3 and later) the map an object gets from a prototype change is *detached*: no
 * transition is ever recorded from it, so each property that Express, Node or a middleware adds to
 * that request afterwards creates a brand-new map, seen by no other request. Every property access on
 * `req`/`res` then misses V8's inline caches (about 108 misses per request in a hello-world Express 5
 * app) and goes through the runtime: measured with callgrind, more than 40% of such an app's
 * instructions per request.
 *
 * Adding one property and deleting it again changes nothing a program can observe, but V8 cannot undo
 * the addition on a detached map, so it switches the object to dictionary properties ("normalizes" it).
 * Normalized objects with the same prototype share one map, which the caches know after the first
 * request: about 10 misses per request instead of 108. On an object whose map is not detached (any
 * object that did not change its prototype), V8 undoes the addition by going back to the previous map,
 * and the object stays exactly as it was.
 * @module
 */

/** The property added and deleted again: a symbol, so no code can see or collide with it. */
const PROBE = Symbol('sessionkit.shape');

/**
 * Add and delete a private symbol property on `target` (see the module comment). Never throws, and leaves
 * the object's keys, values and key order as they were: a non-extensible object is left alone, and any
 * error is swallowed. (Only a Proxy's `set`/`deleteProperty` traps could see the two steps; Express's
 * `req` and `res` are never proxies.)
 */
export function shareShape(target: object): void {
  if (!Object.isExtensible(target)) return;
  try {
    (target as Record<symbol, unknown>)[PROBE] = true;
    delete (target as Record<symbol, unknown>)[PROBE];
  } catch {
    // A Proxy whose traps refuse: nothing to gain, and nothing was changed.
  }
}
