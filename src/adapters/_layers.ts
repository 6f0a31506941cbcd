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
  /** The request's session, for `req.session` while the response is open. */
  readonly session: unknown;
  /**
   * The hooks are letting go of the response (finalized, or swept after the client left): make the
   * session findable without them ({@link keepRequestSession}).
   */
  keepSession(): void;
  writeHead(args: unknown[]): unknown;
  write(args: unknown[]): unknown;
  end(args: unknown[]): unknown;
  flushHeaders(args: unknown[]): unknown;
}

const RESPONSE_BASE = ServerResponse.prototype as unknown as Record<HookedName, Method>;
const REQUEST_BASE = IncomingMessage.prototype;

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
  for (const [res, hooks] of responseHooks) {
    if (!res.destroyed && !res.writableFinished) continue;
    responseHooks.delete(res);
    hooks.keepSession(); // a handler still running (client gone) can still read its session
  }
  sweepAt = Math.max(SWEEP_FLOOR, responseHooks.size * 2);
}

/** The hook methods installed on a framework's response base. */
const RESPONSE_HOOKS: PropertyDescriptorMap = Object.fromEntries(
  HOOKED_METHODS.map((name) => {
    // Node's method is looked up at call time, so later patches of Node's prototype still run.
    const method = function (this: ServerResponse, ...args: unknown[]): unknown {
      const hooks = responseHooks.get(this);
      return hooks === undefined ? RESPONSE_BASE[name].apply(this, args) : hooks[name](args);
    };
    return [name, { value: method, writable: true, configurable: true }];
  }),
);

/** The hook functions themselves, to check that a prototype chain still resolves to them. */
const HOOK_FUNCTIONS = Object.fromEntries(
  HOOKED_METHODS.map((name) => [name, (RESPONSE_HOOKS[name] as PropertyDescriptor).value]),
) as Record<HookedName, unknown>;

/** Where a hooked request's session is kept once finalized: its response's `res.locals` (a null-prototype dictionary). */
const SESSION = Symbol('sessionkit.session');

type Locals = Record<PropertyKey, unknown>;

function localsOf(res: unknown): Locals | null {
  const locals = (res as { locals?: unknown } | null | undefined)?.locals;
  return typeof locals === 'object' && locals !== null ? (locals as Locals) : null;
}

/** The `session` accessor installed on a framework's request base. */
const REQUEST_HOOKS: PropertyDescriptorMap = {
  session: {
    configurable: true,
    get(this: { res?: unknown }): unknown {
      return this === lastRequest ? lastSession : sessionOfResponse(this.res);
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
    responseHooks.has(res)
  ) {
    return false;
  }
  if (responseHooks.size >= sweepAt) sweep();
  responseHooks.set(res, hooks);
  return true;
}

/** Stop routing `res` to `hooks` (only if they are still the ones routed to): later calls go straight to Node. */
export function releaseResponse(res: ServerResponse, hooks: ResponseHooks): void {
  if (responseHooks.get(res) === hooks) responseHooks.delete(res);
}

/**
 * Node's own response methods (what the hooks pass unhooked calls to): Node's prototype itself, so
 * each method is read at call time and later patches of Node's prototype still run. Never written to.
 */
export const NODE_RESPONSE_METHODS: Readonly<Record<HookedName, Method>> = RESPONSE_BASE;

/**
 * The request whose session was attached last, and that session. A route usually asks for the
 * session before anything else has run, so this answers without reading `req.res` and `res.locals`
 * (each such read on an Express object is an inline-cache miss). Holds one request at most, and only
 * until its session is finalized ({@link keepRequestSession}).
 */
let lastRequest: object | null = null;
let lastSession: unknown;

/** Request prototypes whose requests were seen linking their response as `req.res`. */
const linkingPrototypes = new PrototypeSet();

/**
 * Whether `req.res` is `res`, checked on the first request of each request prototype only: a framework
 * links every request the same way (Express sets `req.res` in `app.handle`), and reading a property of
 * an Express request costs an inline-cache miss.
 */
function linksResponse(req: IncomingMessage, res: ServerResponse): boolean {
  const proto = Object.getPrototypeOf(req) as object | null;
  if (proto === null) return false;
  if (linkingPrototypes.has(proto)) return true;
  if ((req as { res?: unknown }).res !== res) return false;
  linkingPrototypes.add(proto);
  return true;
}

function forgetLastRequest(): void {
  lastRequest = null;
  lastSession = undefined;
}

/**
 * Set `req.session`. On a hooked framework request that links its response as `req.res` (Express,
 * documented), nothing is added to `req`: the shared `session` accessor finds the session through the
 * response hooks while the response is open, and afterwards where {@link keepRequestSession} put it.
 * Otherwise it is a plain own property.
 */
export function setRequestSession(
  req: IncomingMessage,
  res: ServerResponse,
  session: unknown,
  responseHooked: boolean,
): void {
  if (
    responseHooked &&
    linksResponse(req, res) &&
    !Object.hasOwn(req, 'session') &&
    ensureHooks(req, REQUEST_BASE, REQUEST_HOOKS)
  ) {
    lastRequest = req;
    lastSession = session;
  } else {
    (req as IncomingMessage & { session: unknown }).session = session;
  }
}

/**
 * The session kept for `res`: from the response's hooks while it is open, else from its `res.locals`
 * (where {@link keepRequestSession} put it when the session was finalized).
 */
function sessionOfResponse(res: unknown): unknown {
  const hooked = responseHooks.get(res as ServerResponse);
  if (hooked !== undefined) return hooked.session;
  return localsOf(res)?.[SESSION];
}

/**
 * When the response hooks let go of a session (finalized, or swept after the client left): keep it
 * findable as `req.session` without them — under the private symbol in `res.locals` (always this
 * request's, never one left there by another request), or, without a `res.locals` dictionary, as an
 * own `req.session` unless one was assigned — and drop the last-request shortcut if it is `req`.
 */
export function keepRequestSession(req: IncomingMessage, res: ServerResponse, session: unknown): void {
  if (lastRequest === req) forgetLastRequest();
  const locals = localsOf(res);
  if (locals !== null) locals[SESSION] = session;
  else if (!Object.hasOwn(req, 'session')) (req as IncomingMessage & { session: unknown }).session = session;
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
  return sessionOfResponse((req as { res?: unknown }).res);
}

/** @internal For tests: how many responses are routed to hooks right now. */
export function hookedResponseCount(): number {
  return responseHooks.size;
}

/** @internal For tests: drop entries of closed or finished responses now (normally on growth). */
export function sweepHookedResponses(): void {
  sweep();
}
