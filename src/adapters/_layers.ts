/**
 * Per-request hooks without per-request properties, for frameworks that swap the prototype of every
 * request and response (Express: `Object.setPrototypeOf(res, app.response)`).
 *
 * After such a swap, V8 makes each property added to the object expensive (about 2 µs apiece here,
 * and Node's own response code runs slower on the object afterwards), so wrapping `res.end` & co. as
 * own properties, or setting `req.session`, costs more than the whole session logic. Instead, one
 * shared *layer* object is inserted, once, into the prototype chain right above Node's class
 * (`app.response` → Express's `res` → **layer** → `ServerResponse.prototype`). Its methods look the
 * request up in a WeakMap and either hand the call to the session bound to it or pass it straight to
 * Node's method, so responses without a session (other apps in the process) are unaffected.
 *
 * Requests get the same treatment for `req.session` (see {@link setRequestSession}).
 *
 * Because the layer sits below the framework's shared prototype, it survives the framework swapping
 * prototypes again (an Express sub-app sets `subapp.response`, which has the same parent). Objects
 * whose chain holds an own method of the same name (another library's override) are not layered:
 * the caller falls back to own properties, which is always correct.
 * @module
 */
import { IncomingMessage, ServerResponse } from 'node:http';

/** The response methods a session must intercept to be saved before the headers leave. */
export const HOOKED_METHODS = ['writeHead', 'write', 'end', 'flushHeaders'] as const;

/** One of {@link HOOKED_METHODS}. */
export type HookedName = (typeof HOOKED_METHODS)[number];

type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/** What the response layer forwards a call to. */
export interface ResponseHooks {
  writeHead(args: unknown[]): unknown;
  write(args: unknown[]): unknown;
  end(args: unknown[]): unknown;
  flushHeaders(args: unknown[]): unknown;
}

const RESPONSE_BASE = ServerResponse.prototype as unknown as Record<HookedName, Method>;

/**
 * Hooked responses. A Map, not a WeakMap: a WeakMap entry per request makes every young-generation
 * GC markedly slower (measured: about 4 µs per request). Entries are released when the session is
 * finalized ({@link releaseResponse}); the few that never are (handler hung up, client gone) are swept
 * once the map grows, when their response has closed or finished.
 */
const responseHooks = new Map<ServerResponse, ResponseHooks>();
const SWEEP_FLOOR = 1024;
let sweepAt = SWEEP_FLOOR;

function sweep(): void {
  for (const res of responseHooks.keys()) {
    if (res.destroyed || res.writableFinished) responseHooks.delete(res);
  }
  sweepAt = Math.max(SWEEP_FLOOR, responseHooks.size * 2);
}

function createResponseLayer(): object {
  const layer = Object.create(RESPONSE_BASE) as Record<HookedName, Method>;
  for (const name of HOOKED_METHODS) {
    // Node's method is looked up at call time, so later patches of Node's prototype still run.
    const method = function (this: ServerResponse, ...args: unknown[]): unknown {
      const hooks = responseHooks.get(this);
      return hooks === undefined ? RESPONSE_BASE[name].apply(this, args) : hooks[name](args);
    };
    Object.defineProperty(layer, name, { value: method, writable: true, configurable: true });
  }
  return layer;
}

const REQUEST_BASE = IncomingMessage.prototype;

/** Where a layered request's session is kept: its response's `res.locals` (a null-prototype dictionary). */
const SESSION = Symbol('sessionkit.session');

type Locals = Record<PropertyKey, unknown>;

function localsOf(res: unknown): Locals | null {
  const locals = (res as { locals?: unknown } | null | undefined)?.locals;
  return typeof locals === 'object' && locals !== null ? (locals as Locals) : null;
}

function createRequestLayer(): object {
  const layer = Object.create(REQUEST_BASE) as object;
  Object.defineProperty(layer, 'session', {
    configurable: true,
    get(this: { res?: unknown }): unknown {
      return localsOf(this.res)?.[SESSION];
    },
    // Anyone assigning `req.session` (another library, the app) gets a plain own property, as usual.
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'session', { value, writable: true, enumerable: true, configurable: true });
    },
  });
  return layer;
}

const RESPONSE_LAYER = createResponseLayer();
const REQUEST_LAYER = createRequestLayer();

/** Per framework prototype: whether it can be layered (cached; prototypes are long-lived). */
const layerable = new WeakMap<object, boolean>();

/**
 * Make sure `object`'s chain runs through `layer` and resolve true, or resolve false when it should
 * not be layered: no framework prototype between it and `base` (own properties are cheap then), a
 * chain not ending in `base`, or an own property named in `names` somewhere on the way.
 */
function ensureLayer(object: object, base: object, layer: object, names: readonly string[]): boolean {
  const first = Object.getPrototypeOf(object) as object | null;
  if (first === null || first === base || first === layer) return false;
  const known = layerable.get(first);
  if (known !== undefined) return known;
  let ok = false;
  let current: object | null = first;
  while (current !== null) {
    if (names.some((name) => Object.hasOwn(current as object, name))) break;
    const parent = Object.getPrototypeOf(current) as object | null;
    if (parent === layer) {
      ok = true;
      break;
    }
    if (parent === base) {
      Object.setPrototypeOf(current, layer);
      ok = true;
      break;
    }
    current = parent;
  }
  layerable.set(first, ok);
  return ok;
}

/**
 * Route `res`'s `writeHead`/`write`/`end`/`flushHeaders` to `hooks` through the shared layer.
 * Resolves false (and does nothing) when `res` should be wrapped with own properties instead.
 */
export function hookResponse(res: ServerResponse, hooks: ResponseHooks): boolean {
  for (const name of HOOKED_METHODS) if (Object.hasOwn(res, name)) return false;
  if (!ensureLayer(res, RESPONSE_BASE, RESPONSE_LAYER, HOOKED_METHODS)) return false;
  if (responseHooks.size >= sweepAt) sweep();
  responseHooks.set(res, hooks);
  return true;
}

/** Stop routing `res` to its hooks: every later call goes straight to Node. */
export function releaseResponse(res: ServerResponse): void {
  responseHooks.delete(res);
}

/** Node's own response methods (what the layer passes unhooked calls to), resolved now. */
export function nodeResponseMethods(): Record<HookedName, Method> {
  return {
    writeHead: RESPONSE_BASE.writeHead,
    write: RESPONSE_BASE.write,
    end: RESPONSE_BASE.end,
    flushHeaders: RESPONSE_BASE.flushHeaders,
  };
}

/**
 * Set `req.session`. On a framework request that links its response as `req.res` and has a
 * `res.locals` dictionary (Express, both documented), the session is kept under a private symbol in
 * `res.locals` and read through the request layer's `session` getter, so nothing is added to `req`.
 * Otherwise it is a plain own property.
 */
export function setRequestSession(req: IncomingMessage, res: ServerResponse, session: unknown): void {
  const linked = (req as { res?: unknown }).res === res ? localsOf(res) : null;
  if (
    linked !== null &&
    !Object.hasOwn(req, 'session') &&
    ensureLayer(req, REQUEST_BASE, REQUEST_LAYER, ['session'])
  ) {
    linked[SESSION] = session;
  } else {
    (req as IncomingMessage & { session: unknown }).session = session;
  }
}
