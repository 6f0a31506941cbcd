/**
 * `deflateSync` / `inflateSync` for small payloads without their per-call cost. Each call of Node's
 * sync functions builds a zlib stream object, initializes a zlib context and tears it down again:
 * about 9 µs for a 200-byte session, more than the compression itself. Here one context per direction
 * is kept and reset between calls, driven through the same handle methods Node's own sync functions
 * use (`writeSync` + `_writeState`, then `reset`).
 *
 * Those handle methods are not public API, so everything falls back to `deflateSync`/`inflateSync`:
 * when the handle does not look as expected, when a self-check at start-up does not produce exactly
 * `deflateSync`'s bytes, when the output does not fit the scratch buffer, and on any error (the
 * context is then dropped and the fallback produces Node's own error).
 * @module
 */
import {
  constants,
  createDeflate,
  createInflate,
  deflateSync,
  inflateSync,
  type ZlibOptions,
} from 'node:zlib';

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

interface Engine {
  /** Kept so the stream (and with it the handle) is not collected. */
  stream: object;
  handle: ZlibHandle;
  /** `[availOut, availIn]` after each write. */
  state: Uint32Array;
  failed: boolean;
}

/** Largest output produced through the kept context; beyond it the fallback runs. */
const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | null = null;

function engineOf(stream: object): Engine | null {
  const { _handle: handle, _writeState: state } = stream as {
    _handle?: Partial<ZlibHandle>;
    _writeState?: unknown;
  };
  if (typeof handle?.writeSync !== 'function' || typeof handle.reset !== 'function') return null;
  if (!(state instanceof Uint32Array) || state.length < 2) return null;
  const engine: Engine = { stream, handle: handle as ZlibHandle, state, failed: false };
  // Errors are recorded here instead of destroying the stream (Node's handler would close the handle).
  engine.handle.onerror = () => {
    engine.failed = true;
  };
  return engine;
}

/** Run `input` through `engine` with Z_FINISH: the output, or `null` when the fallback must run. */
function run(engine: Engine, input: Uint8Array): Buffer | null {
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  engine.handle.writeSync(constants.Z_FINISH, input, 0, input.length, scratch, 0, SCRATCH_BYTES);
  const availOut = engine.state[0]!;
  const availIn = engine.state[1]!;
  if (engine.failed) return null;
  engine.handle.reset();
  // All input consumed and room to spare: the stream ended inside the scratch buffer.
  if (availIn !== 0 || availOut === 0) return null;
  return Buffer.from(scratch.subarray(0, SCRATCH_BYTES - availOut));
}

/** Close a failed engine's stream; the next call builds a fresh one. */
function drop(engine: Engine): undefined {
  try {
    (engine.stream as { close?: () => void }).close?.();
  } catch {
    // already closed
  }
  return undefined;
}

let deflater: Engine | null | undefined;
let inflater: Engine | null | undefined;

const SELF_CHECK = Buffer.from('{"_auth_user_id":"1","cart":[1,2,3,1,2,3,1,2,3],"note":"zlib self-check"}');

function getDeflater(): Engine | null {
  if (deflater !== undefined) return deflater;
  try {
    deflater = engineOf(createDeflate());
    const out = deflater === null ? null : run(deflater, SELF_CHECK);
    if (out === null || !out.equals(deflateSync(SELF_CHECK))) deflater = null;
  } catch {
    deflater = null;
  }
  return deflater;
}

function getInflater(): Engine | null {
  if (inflater !== undefined) return inflater;
  try {
    inflater = engineOf(createInflate());
    const out = inflater === null ? null : run(inflater, deflateSync(SELF_CHECK));
    if (out === null || !out.equals(SELF_CHECK)) inflater = null;
  } catch {
    inflater = null;
  }
  return inflater;
}

/** Exactly `zlib.deflateSync(input)` (Python's `zlib.compress` at level 6), faster for small inputs. */
export function deflate(input: Uint8Array): Buffer {
  const engine = getDeflater();
  if (engine !== null) {
    try {
      const out = run(engine, input);
      if (out !== null) return out;
    } catch {
      engine.failed = true; // a throw leaves the context in an unknown state
    }
    if (engine.failed) deflater = drop(engine);
  }
  return deflateSync(input);
}

/**
 * Exactly `zlib.inflateSync(input, options)`, faster for small inputs. Errors (bad data, output over
 * `maxOutputLength`) come from `inflateSync` itself.
 */
export function inflate(input: Uint8Array, options: ZlibOptions & { maxOutputLength: number }): Buffer {
  const engine = getInflater();
  if (engine !== null) {
    try {
      const out = run(engine, input);
      if (out !== null && out.length <= options.maxOutputLength) return out;
    } catch {
      engine.failed = true; // a throw leaves the context in an unknown state
    }
    if (engine.failed) inflater = drop(engine);
  }
  return inflateSync(input, options);
}

/** @internal Whether the kept contexts are in use on this Node (tests check the fast path really runs). */
export function zlibFastPathActive(): { deflate: boolean; inflate: boolean } {
  return { deflate: getDeflater() !== null, inflate: getInflater() !== null };
}
