/**
 * The middleware: loads `req.session` before the route runs, and saves it (and sets the cookie) before the
 * response headers go out, with express-session's rules for when to do either.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { type DeferHeadersHooks, deferHeaders } from '../adapters/_defer-headers.js';
import { hasErrorCode, SessionInterrupted, UpdateError } from '../core/errors.js';
import type { SessionManager } from '../core/manager.js';
import { type Session as CoreSession, sessionInternals } from '../core/session.js';
import { sessionErrorResponse } from '../http/errors.js';
import { isSecureRequest, readSessionCookie } from '../http/request.js';
import { patchVary } from '../http/vary.js';
import { Cookie } from './cookie.js';
import { type CookieOptions, checkCookieOptions, type ResolvedOptions } from './options.js';
import {
  changesOf,
  coreSessionOf,
  isNewSession,
  loadedSession,
  newSession,
  persist,
  type RequestContext,
  type Session,
  type SessionRequest,
} from './session.js';

type Next = (error?: unknown) => void;

/** Whether the request came over HTTPS, as express-session's `proxy` option decides it. */
function isSecure(req: IncomingMessage, proxy: boolean | undefined): boolean {
  if ((req.socket as TLSSocket).encrypted === true) return true;
  if (proxy === false) return false;
  // Unset: Express's own answer, which follows its `trust proxy` setting.
  if (proxy === undefined) return (req as { secure?: unknown }).secure === true;
  return isSecureRequest({ forwardedProto: req.headers['x-forwarded-proto'] ?? null }, true);
}

/** Whether an attribute of `cookie` depends on the request's protocol. */
function needsProtocol(cookie: CookieOptions): boolean {
  return cookie.secure !== undefined && cookie.secure !== false ? true : cookie.sameSite === 'auto';
}

/** The request's path, from Express's `originalUrl` when mounted. */
function pathOf(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

function appendSetCookie(res: ServerResponse, line: string): void {
  const previous = res.getHeader('Set-Cookie');
  if (previous === undefined) res.setHeader('Set-Cookie', line);
  else res.setHeader('Set-Cookie', Array.isArray(previous) ? [...previous, line] : [String(previous), line]);
}

/**
 * One request: the {@link RequestContext} its sessions share, and the hooks that run before its headers
 * go out. One object per request, so the hot path allocates no closures.
 */
class RequestHandling implements RequestContext, DeferHeadersHooks {
  current: Session | null = null;
  destroyed = false;
  /** The sessionkit session whose save the response waits for: its request ends when that settles. */
  finishing: CoreSession | null = null;

  constructor(
    readonly req: SessionRequest,
    readonly res: ServerResponse,
    readonly next: Next,
    readonly options: ResolvedOptions,
    readonly manager: SessionManager,
    readonly cookieOptions: CookieOptions,
    readonly secureRequest: boolean,
    readonly cookieId: string | null,
    readonly cookiePresent: boolean,
  ) {}

  /** Load the cookie's session (one store round trip), then run the route. */
  load(id: string): void {
    const core = this.manager.open(id);
    // The loaded data object itself, not a copy: the session's properties are copied from it.
    Promise.resolve(sessionInternals().data(core)).then(
      (data) => this.loaded(core, id, data as Record<string, unknown>),
      (error: unknown) => this.loadFailed(error),
    );
  }

  loaded(core: CoreSession, id: string, data: Record<string, unknown>): void {
    let session: Session | null;
    try {
      session = loadedSession(this, core, id, data);
    } catch (error) {
      this.loadFailed(error);
      return;
    }
    if (session === null) this.startNew();
    else this.start(session);
  }

  loadFailed(error: unknown): void {
    const mapped = sessionErrorResponse(error);
    if (mapped === null) {
      this.next(error);
      return;
    }
    // The store is down: answer 503 rather than run the route with an empty session.
    const res = this.res;
    res.statusCode = mapped.status;
    res.setHeader('Content-Type', mapped.contentType);
    res.setHeader('Retry-After', '5');
    res.end(mapped.body);
  }

  /** Run the route with a new session. */
  startNew(): void {
    let session: Session;
    try {
      session = newSession(this);
    } catch (error) {
      this.next(error);
      return;
    }
    this.start(session);
  }

  start(session: Session): void {
    this.current = session;
    this.req.session = session;
    this.req.sessionID = session.id;
    deferHeaders(this.res, this);
    this.next();
  }

  beforeHeaders(res: ServerResponse): Promise<void> | undefined {
    // The response is finalized: a lock taken through getSession(req).lock() is released after the save.
    const core = this.current === null ? null : coreSessionOf(this.current);
    let outcome: Promise<void> | undefined;
    try {
      outcome = finalize(this, res);
    } catch (error) {
      core?.requestFinished();
      throw error;
    }
    if (outcome === undefined) {
      core?.requestFinished();
      return;
    }
    this.finishing = core;
    return outcome;
  }

  resolved(): void {
    this.finishing?.requestFinished();
  }

  onError(error: unknown, res: ServerResponse): void {
    this.finishing?.requestFinished();
    answerError(error, res, this.manager);
  }
}

/** Add `Cookie` to the response's `Vary`. */
function varyOnCookie(res: ServerResponse): void {
  const vary = res.getHeader('Vary') as string | string[] | undefined;
  res.setHeader('Vary', vary === undefined ? 'Cookie' : patchVary(vary, ['Cookie']));
}

/**
 * Decide and do what the response needs (express-session's `shouldSave`/`shouldSetCookie`, with the fixes
 * documented in docs/express-session.md): runs once, before the headers go out.
 */
function finalize(context: RequestHandling, res: ServerResponse): Promise<void> | undefined {
  const { options, req, cookiePresent } = context;
  // The response depends on the session cookie whatever the route did with the session.
  varyOnCookie(res);
  const session = context.current;
  if (session === null || req.session !== session) {
    // destroy() ran, or the app unset req.session.
    const gone = session === null ? context.destroyed : options.unset === 'destroy';
    if (!gone) return;
    const deleteCookie = (): void => {
      if (!cookiePresent) return;
      const cookie = session?.cookie ?? new Cookie(context.cookieOptions, context.secureRequest);
      appendSetCookie(res, cookie.deletion(options.name));
    };
    if (session !== null && !isNewSession(session))
      return coreSessionOf(session).destroy().then(deleteCookie);
    deleteCookie();
    return;
  }
  const changes = changesOf(session);
  const failed = res.statusCode >= 500;
  const isNew = isNewSession(session);
  // `rolling` without `resave` on a store with touch: an unchanged session's expiry is extended (at
  // most once per touch interval) instead of saving its data again.
  const touchOnly =
    !failed && !isNew && !changes.modified && options.rolling && !options.resave && canTouch(context.manager);
  const save = failed
    ? false
    : isNew
      ? options.saveUninitialized || changes.modified
      : changes.modified || options.resave || (options.rolling && !touchOnly);
  const stored = !isNew || save;
  let setCookie =
    session.id !== context.cookieId
      ? stored
      : !failed && (options.rolling || (session.cookie.expiresAt() !== null && changes.modified));
  // As express-session: a Secure cookie is not sent over plain HTTP.
  if (session.cookie.secure && !isSecure(req, options.proxy)) setCookie = false;
  // express-session's end-of-request touch: the countdown restarts for what is sent and stored.
  if (setCookie || save) session.cookie.reset();
  if (touchOnly) {
    const core = coreSessionOf(session);
    if (core.touchDue()) {
      // Set now: if the touch fails, the error answer replaces every header.
      if (setCookie) sendCookie(res, session, options.name);
      return core.touchNow().then(ignore);
    }
  }
  // Set before the save settles for the same reason: the cookie depends on neither outcome.
  if (setCookie) sendCookie(res, session, options.name);
  return save ? persist(session, changes) : undefined;
}

const ignore = (): void => {};

/** Whether the manager's store extends expiries without a save (see `SessionStore.touch`). */
function canTouch(manager: SessionManager): boolean {
  const store = manager.store as { kind?: string; touch?: unknown };
  return store.kind === 'server' && typeof store.touch === 'function';
}

function sendCookie(res: ServerResponse, session: Session, name: string): void {
  appendSetCookie(res, session.cookie.serialize(name, session.id));
}

/** Answer a failed save: 503 for a store outage, 400 for a session deleted meanwhile, else 500. */
function answerError(error: unknown, res: ServerResponse, manager: SessionManager): void {
  const mapped = sessionErrorResponse(
    hasErrorCode(error, UpdateError.code) ? new SessionInterrupted({ cause: error }) : error,
  );
  if (mapped === null) manager.settings.logger.error('Saving the session failed', { error });
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const body = mapped?.body ?? 'Internal Server Error';
  res.statusCode = mapped?.status ?? 500;
  res.setHeader('Content-Type', mapped?.contentType ?? 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * The request handler: express-session's middleware, over `manager`.
 * @internal Built by {@link session}.
 */
export function createHandler(
  options: ResolvedOptions,
  manager: SessionManager,
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const staticCookie = typeof options.cookie === 'function' ? null : options.cookie;
  // Fail at start-up, not in a request, on attributes no Set-Cookie can carry (a bad domain, a
  // __Host- name with a Domain …).
  if (staticCookie !== null) new Cookie(staticCookie, true).serialize(options.name, 'a'.repeat(32));
  const protocolMatters = staticCookie === null || needsProtocol(staticCookie);

  let storeLoaded = false;
  return function expressSession(request, res, next) {
    // sessionkit imports a URL's store on first use: the first request waits for it (req.sessionStore).
    if (!storeLoaded) {
      manager.loadStore().then(() => {
        storeLoaded = true;
        expressSession(request, res, next);
      }, next);
      return;
    }
    const req = request as SessionRequest & { sessionStore?: unknown };
    // Another session middleware ran already (express-session does the same).
    if (req.session) return next();
    let cookieOptions: CookieOptions;
    try {
      cookieOptions =
        staticCookie ?? checkCookieOptions((options.cookie as (r: IncomingMessage) => CookieOptions)(req));
    } catch (error) {
      return next(error);
    }
    const path = cookieOptions.path ?? '/';
    if (path !== '/' && !pathOf(req).startsWith(path)) return next();
    req.sessionStore = manager.store;
    const cookie = readSessionCookie(req.headers.cookie, options.name);
    const handling = new RequestHandling(
      req,
      res,
      next,
      options,
      manager,
      cookieOptions,
      protocolMatters ? isSecure(req, options.proxy) : false,
      cookie.value,
      cookie.present,
    );
    if (cookie.value === null) handling.startNew();
    else handling.load(cookie.value);
  };
}
