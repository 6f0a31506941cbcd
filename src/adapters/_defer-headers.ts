/**
 * Hold back one response's headers until an asynchronous step (saving a session) has run, in the
 * style of `on-headers`: only own properties of that one `res` are added, nothing shared is touched.
 *
 * Node freezes the headers at the first `writeHead`, `write`, `end` or `flushHeaders`, all synchronous.
 * Those four are wrapped on the response instance. The first call runs `beforeHeaders`; when it returns
 * nothing the call goes straight through. When it returns a promise, that call and every later one are
 * queued (writes are buffered) and replayed in order once it settles. The wrappers are never removed:
 * they become pass-throughs, so middleware that wraps the same methods after us (compression,
 * on-headers) keeps working.
 * @module
 */
import { type OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Hooks of {@link deferHeaders}; `T` is what `beforeHeaders`'s promise resolves to. */
export interface DeferHeadersHooks<T = void> {
  /**
   * Called once, at the first `writeHead`/`write`/`end`/`flushHeaders`, before anything is sent; may set
   * headers and the status. The status and headers passed to that first `writeHead` are already on `res`
   * (`res.statusCode`, `res.getHeader`). A returned promise defers that call and every later one until it
   * settles; then they replay in order. Calls made from inside this hook are queued after the first one.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook with nothing to wait for just returns
  beforeHeaders(res: ServerResponse): void | Promise<T>;
  /**
   * `beforeHeaders`'s promise resolved with `value`: called before the held calls replay (so it may still
   * set headers). Saves the caller a `.then` of its own on every deferred response.
   */
  resolved?(value: T, res: ServerResponse): void;
  /**
   * `beforeHeaders` threw or rejected: the queued calls are dropped (so are the handler's later writes)
   * and the response is yours to answer here (status, headers, body: calls made now go through). A
   * dropped `res.end(callback)` still gets its callback once the response has ended, as Node documents.
   */
  onError(error: unknown, res: ServerResponse): void;
}

type Name = 'writeHead' | 'write' | 'end' | 'flushHeaders';
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
type Call = [name: Name, args: unknown[]];

enum State {
  /** Nothing sent yet: the next call runs `beforeHeaders`. */
  Open,
  /** `beforeHeaders` is running or its promise is pending: calls are queued. */
  Deferring,
  /** `onError` is answering: calls go through. */
  Answering,
  /** `beforeHeaders` failed and was answered: the handler's calls are dropped. */
  Failed,
  /** Every call goes straight through. */
  Done,
}

/** Apply `writeHead`'s headers argument with `setHeader`, with Node's semantics for both forms. */
function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (Array.isArray(headers)) {
    // A flat [name, value, ...] list replaces the headers of those names, duplicates allowed.
    for (let i = 0; i < headers.length; i += 2) res.removeHeader(String(headers[i]));
    for (let i = 0; i < headers.length; i += 2)
      res.appendHeader(String(headers[i]), headers[i + 1] as string);
  } else if (typeof headers === 'object' && headers !== null) {
    const record = headers as OutgoingHttpHeaders;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (value !== undefined) res.setHeader(name, value);
    }
  }
}

/**
 * The arguments of a first `writeHead` whose status and headers were moved onto `res`: replayed as
 * `writeHead(res.statusCode)`, so a status set by `beforeHeaders` is the one sent.
 */
const HELD_HEAD: unknown[] = Object.freeze([]) as unknown as unknown[];

/** What each method returns while its call is queued (as Node's would, for a response not yet flushed). */
function queuedReturn(name: Name, res: ServerResponse): unknown {
  // `write` answers false (as under backpressure): a 'drain' follows once the queue is replayed.
  return name === 'write' ? false : name === 'flushHeaders' ? undefined : res;
}

/** A dropped `end` call still gets its callback (Node attaches it to 'finish', or errors if already finished). */
function endCallback(args: unknown[]): unknown {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return args[i];
  return undefined;
}

/** Where a wrapped response keeps its {@link Deferral}: an own property of that response. */
const DEFERRAL = Symbol('sessionkit.deferHeaders');

type Wrapped = ServerResponse & { [DEFERRAL]?: Deferral };

/** One response's deferral: its state, the methods it wrapped, the calls held back. */
class Deferral {
  state = State.Open;
  queue: Call[] | null = null;
  /** Whether a queued `write` told its caller false (then a 'drain' is owed). */
  owesDrain = false;
  readonly res: ServerResponse;
  readonly hooks: DeferHeadersHooks<unknown>;
  /** Whatever was there when wrapped: Node's methods, or another middleware's wrappers. */
  readonly original: Record<Name, Method>;
  /** The deferral this one was stacked on (a second `deferHeaders` on the same response), if any. */
  readonly previous: Deferral | undefined;
  /** Whether a call is being handed to {@link original} (the shared wrappers then skip this deferral). */
  passing = false;

  constructor(res: Wrapped, hooks: DeferHeadersHooks<unknown>) {
    this.res = res;
    this.hooks = hooks;
    this.previous = res[DEFERRAL];
    const target = res as unknown as Record<Name, Method>;
    this.original = {
      writeHead: target.writeHead,
      write: target.write,
      end: target.end,
      flushHeaders: target.flushHeaders,
    };
  }

  /** Hand a call to the original method; a `writeHead` held back is replayed from `res` (see {@link HELD_HEAD}). */
  invoke(name: Name, args: unknown[]): unknown {
    const res = this.res;
    this.passing = true;
    try {
      return args === HELD_HEAD
        ? this.original.writeHead.call(res, res.statusCode)
        : this.original[name].apply(res, args);
    } finally {
      this.passing = false;
    }
  }

  call(name: Name, args: unknown[]): unknown {
    const res = this.res;
    switch (this.state) {
      case State.Done:
      case State.Answering:
        return this.invoke(name, args);
      case State.Failed:
        if (name === 'end') this.#endAfterFailure(args);
        return queuedReturn(name, res);
      case State.Deferring:
        // Created on the first call made while deferring: most responses never queue one.
        if (this.queue === null) this.queue = [[name, args]];
        else this.queue.push([name, args]);
        if (name === 'write') this.owesDrain = true;
        return queuedReturn(name, res);
    }
    if (name === 'writeHead') {
      const [status, reasonOrHeaders, headers] = args;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) {
        return this.invoke(name, args); // Node throws its own error, synchronously
      }
      // The hook must see the status and headers this call sends; they are replayed from `res`.
      res.statusCode = status;
      if (typeof reasonOrHeaders === 'string') res.statusMessage = reasonOrHeaders;
      applyHeaders(res, typeof reasonOrHeaders === 'string' ? headers : reasonOrHeaders);
      args = HELD_HEAD;
    }
    this.state = State.Deferring;
    // `queue` now collects only the calls made from inside the hook; this first call goes before them.
    this.queue = null;
    let pending: Promise<unknown> | undefined;
    try {
      pending = this.hooks.beforeHeaders(res) as Promise<unknown> | undefined;
    } catch (error) {
      this.#holdFirst(name, args);
      this.fail(error);
      return queuedReturn(name, res);
    }
    if (pending === undefined) {
      // Nothing to wait for: the call (and any made from inside the hook) goes through now.
      const calls = this.queue as Call[] | null;
      this.queue = null;
      this.state = State.Done;
      const result = this.invoke(name, args);
      if (calls !== null) for (const call of calls) this.invoke(...call);
      return result;
    }
    this.#holdFirst(name, args);
    if (name === 'write') this.owesDrain = true;
    pending.then(
      (value) => this.settle(value),
      (error: unknown) => this.fail(error),
    );
    return queuedReturn(name, res);
  }

  /** Put the first call, held while the hook ran, in front of the calls queued meanwhile. */
  #holdFirst(name: Name, args: unknown[]): void {
    const first: Call = [name, args];
    const queue = this.queue as Call[] | null;
    if (queue === null) this.queue = [first];
    else queue.unshift(first);
  }

  settle(value: unknown): void {
    if (this.hooks.resolved !== undefined) {
      try {
        this.hooks.resolved(value, this.res);
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    const calls = this.queue ?? [];
    this.queue = null;
    this.state = State.Done;
    let lastWrite = true;
    for (const [name, args] of calls) {
      const result = this.invoke(name, args);
      if (name === 'write') lastWrite = result !== false;
    }
    const res = this.res;
    if (this.owesDrain && lastWrite && !res.writableEnded) res.emit('drain');
  }

  fail(error: unknown): void {
    const dropped = this.queue ?? [];
    this.queue = null;
    this.state = State.Answering;
    const res = this.res;
    try {
      this.hooks.onError(error, res);
    } catch {
      res.destroy(); // nothing sensible can be sent any more
    }
    this.state = State.Failed;
    for (const [name, args] of dropped) if (name === 'end') this.#endAfterFailure(args);
  }

  /** A dropped `end(callback)`: the callback still runs once the (answered) response has ended. */
  #endAfterFailure(args: unknown[]): void {
    const callback = endCallback(args);
    if (callback !== undefined && this.res.writableEnded) this.invoke('end', [callback]);
  }
}

/**
 * The wrappers, shared by every response: each finds its response's {@link Deferral} on `this`. When
 * deferrals are stacked, one that is handing a call on is skipped, so the call reaches the next one
 * down (through whatever another middleware wrapped in between); past the last, the method that was
 * there before any of them.
 */
function wrapper(name: Name): Method {
  const node = ServerResponse.prototype[name] as Method;
  return {
    [name](this: Wrapped, ...args: unknown[]): unknown {
      let deferral = this[DEFERRAL];
      let bottom: Deferral | undefined;
      while (deferral?.passing) {
        bottom = deferral;
        deferral = deferral.previous;
      }
      if (deferral !== undefined) return deferral.call(name, args);
      // Every deferral is handing a call on (Node's `end` calling `this.writeHead`): what was there first.
      return (bottom?.original[name] ?? node).apply(this, args);
    },
  }[name] as Method;
}

const WRAPPERS: Record<Name, Method> = {
  writeHead: wrapper('writeHead'),
  write: wrapper('write'),
  end: wrapper('end'),
  flushHeaders: wrapper('flushHeaders'),
};

/**
 * Wrap `res`'s `writeHead`, `write`, `end` and `flushHeaders` (own properties of `res`) so that
 * `hooks.beforeHeaders` runs before anything is sent. Call it once per response, before the handler.
 */
export function deferHeaders<T>(res: ServerResponse, hooks: DeferHeadersHooks<T>): void {
  const deferral = new Deferral(res, hooks as DeferHeadersHooks<unknown>);
  const target = res as Wrapped;
  target[DEFERRAL] = deferral;
  target.writeHead = WRAPPERS.writeHead as ServerResponse['writeHead'];
  target.write = WRAPPERS.write as ServerResponse['write'];
  target.end = WRAPPERS.end as ServerResponse['end'];
  target.flushHeaders = WRAPPERS.flushHeaders as ServerResponse['flushHeaders'];
}
