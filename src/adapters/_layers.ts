/**
 * Per-request hooks without per-request properties, for frameworks that swap the prototype of every
 * request and response (Express: `Object.setPrototypeOf(res, app.response)`).
 *
 * After such a swap, V8 makes each property added to the object expensive (about 2 µs apiece here,
 * and Node's own response code runs slower on the object afterwards), so wrapping `res.end` & co. as
 * own properties, or setting `req.session`, costs more than the whole session logic. Instead, shared
 * hooks are installed, once, on the framework's own base prototype: the object right above Node's
 * class in the chain (`app.response` → **Express's `res`** → `ServerResponse.prototype`). The hook
 * methods look the response up in a Map and either hand the call to the session bound to it or pass
 * it straight to Node's method, so responses without a session (other apps in the process) are
 * unaffected. Installing them there, rather than inserting an object into the chain, keeps every
 * other property lookup on the response as short as before.
 *
 * Requests get a `session` accessor the same way (see {@link setRequestSession}).
 *
 * Because the hooks sit on the framework's shared base, they survive the framework swapping
 * prototypes again (an Express sub-app sets `subapp.response`, which has the same base). Chains
 * where that base (or anything between it and the object) already has an own property of the same
 * name (another library's override) are left alone: the caller falls back to own properties, which
 * is always correct.
 * @module
 */
import { IncomingMessage, ServerResponse } from 'node:http';

/** The response methods a session must intercept to be saved before the headers leave. */
export const HOOKED_METHODS = ['writeHead', 'write', 'end', 'flushHeaders'] as const;

/** One of {@link HOOKED_METHODS}. */
export type HookedName = (typeof HOOKED_METHODS)[number];

type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/** What the response hooks forward a call to. */
export interface ResponseHooks {
  /** The request's session (found through the response while it is open, see {@link requestSession}). */
  readonly session: unknown;
  writeHead(args: unknown[]): unknown;
  write(args: unknown[]): unknown;
  end(args: unknown[]): unknown;
  flushHeaders(args: unknown[]): unknown;
}

const RESPONSE_BASE = ServerResponse.prototype as unknown as Record<HookedName, Method>;
const REQUEST_BASE = IncomingMessage.prototype;

/**
 * The response hooked last and its hooks. A request usually runs from its middleware to its response
 * before the next one starts, so the hooks find their response with one comparison, and no Map entry
 * is added and deleted per request (a Map that churns through single entries reallocates its table).
 */
let slotResponse: ServerResponse | null = null;
let slotHooks: ResponseHooks | undefined;

/**
 * The other hooked responses: those still open when a later one was hooked (handlers that wait for a
 * slow store, streaming responses). A Map, not a WeakMap: a WeakMap entry per request makes every
 * young-generation GC markedly slower (measured: about 4 µs per request). Entries are released when
 * the session is finalized ({@link releaseResponse}); the few that never are (handler hung up, client
 * gone) are swept once the map grows, when their response has closed or finished.
 */
const responseHooks = new Map<ServerResponse, ResponseHooks>();
const SWEEP_FLOOR = 1024;
let sweepAt = SWEEP_FLOOR;

/** Whether a hooked response is over (closed or finished) and can be let go of. */
function isOver(res: ServerResponse): boolean {
  return res.destroyed || res.writableFinished;
}

function sweep(): void {
  for (const res of responseHooks.keys()) if (isOver(res)) responseHooks.delete(res);
  if (slotResponse !== null && isOver(slotResponse)) clearSlot();
  sweepAt = Math.max(SWEEP_FLOOR, responseHooks.size * 2);
}

function clearSlot(): void {
  slotResponse = null;
  slotHooks = undefined;
}

/** The hooks routed to for `res`, if any. */
function hooksOf(res: ServerResponse): ResponseHooks | undefined {
  if (res === slotResponse) return slotHooks;
  return responseHooks.size === 0 ? undefined : responseHooks.get(res);
}

/** The hook methods installed on a framework's response base. */
const RESPONSE_HOOKS: PropertyDescriptorMap = Object.fromEntries(
  HOOKED_METHODS.map((name) => {
    // Node's method is looked up at call time, so later patches of Node's prototype still run.
    const method = function (this: ServerResponse, ...args: unknown[]): unknown {
      const hooks = hooksOf(this);
      return hooks === undefined ? RESPONSE_BASE[name].apply(this, args) : hooks[name](args);
    };
    return [name, { value: method, writable: true, configurable: true }];
  }),
);

/** The hook functions themselves, to check that a prototype chain still resolves to them. */
const HOOK_FUNCTIONS = Object.fromEntries(
  HOOKED_METHODS.map((name) => [name, (RESPONSE_HOOKS[name] as PropertyDescriptor).value]),
) as Record<HookedName, unknown>;

/**
 * Where a hooked request's session is kept: a non-enumerable property of the request's own `headers`
 * object (read anyway for the cookie, so nothing else of the request is touched; non-enumerable, so
 * spreading or copying the headers never carries it along).
 */
const SESSION = Symbol('sessionkit.session');

/**
 * The session kept in `req`'s headers by {@link setRequestSession}; if a middleware replaced
 * `req.headers` since, the one of `req.res` while that response is still open.
 */
function stashedSession(req: { headers?: unknown; res?: unknown }): unknown {
  const headers = req.headers;
  if (typeof headers === 'object' && headers !== null && Object.hasOwn(headers, SESSION)) {
    return (headers as Record<symbol, unknown>)[SESSION];
  }
  return hooksOf(req.res as ServerResponse)?.session;
}

/** The `session` accessor installed on a framework's request base. */
const REQUEST_HOOKS: PropertyDescriptorMap = {
  session: {
    configurable: true,
    get(this: { headers?: unknown; res?: unknown }): unknown {
      return this === lastRequest ? lastSession : stashedSession(this);
    },
    // Anyone assigning `req.session` (another library, the app) gets a plain own property, as usual.
    set(this: object, value: unknown) {
      if (this === lastRequest) forgetLastRequest(); // the own property answers from now on
      Object.defineProperty(this, 'session', { value, writable: true, enumerable: true, configurable: true });
    },
  },
};

/** Framework bases that carry our hooks. */
const installed = new WeakSet<object>();
/** Per first prototype of an object: whether its chain carries our hooks (cached; prototypes live long). */
const hookable = new WeakMap<object, boolean>();
/** The last prototype found hookable: one app's requests all have the same one. */
let lastHookable: object | null = null;

/**
 * Make sure `object`'s chain carries `hooks` on its framework base and resolve true, or resolve false
 * when it should not: no framework prototype between it and `base` (own properties are cheap then), a
 * chain not ending in `base`, or an own property of the same name on the way.
 */
function ensureHooks(object: object, base: object, hooks: PropertyDescriptorMap): boolean {
  const first = Object.getPrototypeOf(object) as object | null;
  if (first === null || first === base) return false;
  if (first === lastHookable) return true;
  const known = hookable.get(first);
  if (known === true) lastHookable = first;
  if (known !== undefined) return known;
  const names = Object.keys(hooks);
  let ok = false;
  for (let current: object | null = first; current !== null; ) {
    if (installed.has(current)) {
      ok = true;
      break;
    }
    if (names.some((name) => Object.hasOwn(current as object, name))) break;
    const parent = Object.getPrototypeOf(current) as object | null;
    if (parent === base) {
      Object.defineProperties(current, hooks);
      installed.add(current);
      ok = true;
      break;
    }
    current = parent;
  }
  hookable.set(first, ok);
  return ok;
}

/**
 * A set of prototypes that answers the last one found first: one app's requests (or responses) all
 * share a prototype, so a lookup is usually a single comparison.
 */
class PrototypeSet {
  readonly #members = new WeakSet<object>();
  #last: object | null = null;

  has(proto: object): boolean {
    if (proto === this.#last) return true;
    if (!this.#members.has(proto)) return false;
    this.#last = proto;
    return true;
  }

  add(proto: object): void {
    this.#members.add(proto);
    this.#last = proto;
  }
}

/** Framework response prototypes whose chain already carried the hooks before this request. */
const hookedBefore = new PrototypeSet();

/**
 * Route `res`'s `writeHead`/`write`/`end`/`flushHeaders` to `hooks` through the shared hooks.
 * Resolves false (and does nothing) when `res` should be wrapped with own properties instead.
 *
 * Own-property wrappers that other middleware put on `res` before us (compression, on-headers) call
 * the method they captured, which resolves to our hook once the hooks are installed. So `res` itself
 * is only inspected on the first request through a prototype, when such a wrapper may have captured
 * Node's method: that request is wrapped with own properties.
 */
export function hookResponse(res: ServerResponse, hooks: ResponseHooks): boolean {
  const proto = Object.getPrototypeOf(res) as Record<HookedName, unknown> | null;
  if (proto === null) return false;
  if (!hookedBefore.has(proto)) {
    if (ensureHooks(res, RESPONSE_BASE, RESPONSE_HOOKS)) hookedBefore.add(proto);
    return false;
  }
  // Something overrode a method on the prototypes since (late instrumentation), or a second session
  // middleware runs on this response: own-property wrappers, which always chain correctly.
  if (
    proto.end !== HOOK_FUNCTIONS.end ||
    proto.writeHead !== HOOK_FUNCTIONS.writeHead ||
    proto.write !== HOOK_FUNCTIONS.write ||
    proto.flushHeaders !== HOOK_FUNCTIONS.flushHeaders ||
    hooksOf(res) !== undefined
  ) {
    return false;
  }
  if (slotResponse !== null) {
    // Still open (its handler is waiting for something): it moves to the map.
    if (responseHooks.size >= sweepAt) sweep();
    if (slotResponse !== null) responseHooks.set(slotResponse, slotHooks as ResponseHooks);
  }
  slotResponse = res;
  slotHooks = hooks;
  return true;
}

/** Stop routing `res` to `hooks` (only if they are still the ones routed to): later calls go straight to Node. */
export function releaseResponse(res: ServerResponse, hooks: ResponseHooks): void {
  if (res === slotResponse) {
    if (slotHooks === hooks) clearSlot();
  } else if (responseHooks.get(res) === hooks) {
    responseHooks.delete(res);
  }
}

/**
 * Node's own response methods (what the hooks pass unhooked calls to): Node's prototype itself, so
 * each method is read at call time and later patches of Node's prototype still run. Never written to.
 */
export const NODE_RESPONSE_METHODS: Readonly<Record<HookedName, Method>> = RESPONSE_BASE;

/**
 * The request whose session was attached last, and that session. A route usually asks for the
 * session before anything else has run, so this answers without reading anything of `req` (each
 * first read of a property of an Express request is an inline-cache miss). Holds one request at most,
 * and only until its session is finalized ({@link keepRequestSession}).
 */
let lastRequest: object | null = null;
let lastSession: unknown;

function forgetLastRequest(): void {
  lastRequest = null;
  lastSession = undefined;
}

/**
 * Set `req.session`. On a hooked framework request (Express), nothing is added to `req`: the session
 * is kept in `headers` (the request's own headers object, which the caller read for the cookie) and
 * the shared `session` accessor reads it from there. Otherwise it is a plain own property.
 * @returns whether the session was kept in `headers` (then call {@link keepRequestSession} once the
 *   session is finalized).
 */
export function setRequestSession(
  req: IncomingMessage,
  headers: unknown,
  session: unknown,
  responseHooked: boolean,
): boolean {
  if (
    responseHooked &&
    typeof headers === 'object' &&
    headers !== null &&
    !Object.hasOwn(req, 'session') &&
    ensureHooks(req, REQUEST_BASE, REQUEST_HOOKS)
  ) {
    stash(headers, session);
    lastRequest = req;
    lastSession = session;
    return true;
  }
  (req as IncomingMessage & { session: unknown }).session = session;
  return false;
}

function stash(headers: object, session: unknown): void {
  Object.defineProperty(headers, SESSION, { value: session, writable: true, configurable: true });
}

/**
 * The session {@link setRequestSession} kept in `attachedHeaders` is finalized: drop the last-request
 * shortcut if it is `req`, and if a middleware has replaced `req.headers` since, keep the session in
 * the new headers object too (so `req.session` still reads it after the response). Reading
 * `req.headers` costs nothing extra here after `res.send`, which has just read it (`req.fresh`).
 */
export function keepRequestSession(req: IncomingMessage, attachedHeaders: object, session: unknown): void {
  if (lastRequest === req) forgetLastRequest();
  const headers = req.headers as unknown;
  if (headers !== attachedHeaders && typeof headers === 'object' && headers !== null) stash(headers, session);
}

/**
 * The session {@link setRequestSession} attached to `req` — or whatever was assigned to `req.session`
 * since — read without walking `req`'s prototype chain. The request attached last is answered first,
 * without touching `req` at all: an assignment to its `req.session` goes through the shared accessor,
 * which lets go of the shortcut, and `setRequestSession` never takes it for a request that already has
 * an own `session`. (Defining the property by other means than assignment bypasses the accessor.)
 */
export function requestSession(req: IncomingMessage): unknown {
  if (req === lastRequest) return lastSession;
  if (Object.hasOwn(req, 'session')) return (req as { session?: unknown }).session;
  return stashedSession(req);
}

/** @internal For tests: how many responses are routed to hooks right now. */
export function hookedResponseCount(): number {
  return responseHooks.size + (slotResponse === null ? 0 : 1);
}

/** @internal For tests: drop entries of closed or finished responses now (normally on growth). */
export function sweepHookedResponses(): void {
  sweep();
}
