/**
 * Giving Express's per-request objects one shared hidden class (V8 "map"), on the V8 versions that
 * need it.
 *
 * Express gives every `req` and `res` its application's prototype with `Object.setPrototypeOf`. From
 * V8 8.4 to V8 12 (Node 14.5 to 23, and 12.18.1 on) the map an object gets from a prototype change is
 * *detached*: V8 records no transition from it, so each property that Express, Node or a middleware
 * adds to that request afterwards creates a brand-new map, seen by no other request. Nearly every
 * property access on `req`/`res` then misses V8's inline caches (about 108 misses per request in a
 * hello-world Express 5 app on Node 20) and goes through V8's runtime: measured with callgrind, more
 * than 40% of such an app's instructions per request.
 *
 * Adding one property and deleting it again changes nothing a program can observe, but V8 cannot undo
 * the addition on a detached map, so it switches the object to dictionary properties ("normalizes" it).
 * Normalized objects with the same prototype share one map, which the caches know after the first
 * request: about 10 misses per request instead of 108.
 *
 * V8 13 (Node 24) records prototype transitions at the root map instead, so Express's objects share
 * maps by themselves there; normalizing them would only slow them down (measured on Node 24.22: plain
 * Express with normalized objects at 0.57x–0.69x of plain Express's req/s). Hence
 * {@link PROTOTYPE_CHANGE_DETACHES}: checked on Node 20, 21, 22 and 23 (maps detached) and 24 (not).
 * @module
 */

/** The property added and deleted again: a symbol, so no code can see or collide with it. */
const PROBE = Symbol('sessionkit.shape');

/**
 * Whether the V8 of this version string (`process.versions.v8`, e.g. `11.3.244.8-node.33`) detaches an
 * object's hidden class when its prototype changes: V8 before 13. (Before 8.4 it did not either, but
 * there {@link shareShape} is harmless: V8 undoes the addition and the object stays as it was.)
 */
export function detachesOnPrototypeChange(v8Version: string): boolean {
  const major = Number.parseInt(v8Version, 10);
  return Number.isInteger(major) && major < 13;
}

/** {@link detachesOnPrototypeChange} for the running V8 (false outside Node). */
export const PROTOTYPE_CHANGE_DETACHES: boolean =
  typeof process !== 'undefined' && typeof process.versions?.v8 === 'string'
    ? detachesOnPrototypeChange(process.versions.v8)
    : false;

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
