/**
 * The bench/ harness: warm-up, time-bounded loops (1 or more in flight), ops/s and p50/p99 from sorted
 * `process.hrtime.bigint()` samples, tables with ratios. Cases of a table run interleaved, round by round.
 */
import { cpus, loadavg, platform, release } from 'node:os';

/** `--quick`: about a fifth of the time; noisier. */
export const QUICK = process.argv.includes('--quick');

/** One operation to time. A function that returns a promise is awaited; others are timed inline. */
export type Case = { name: string; fn: () => unknown };

/** ops/s (wall clock over the timed loops), p50/p99 latency in µs, number of samples. */
export type Result = { name: string; ops: number; p50: number; p99: number; n: number };

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Timed milliseconds per case, split over `rounds`. @default 1000 (200 with --quick) */
  timeMs?: number;
  /** Operations in flight at once (async cases). @default 1 */
  concurrency?: number;
  /** Interleaved rounds (after an untimed warm-up of `timeMs / 5`). @default 5 (3 with --quick) */
  rounds?: number;
}

const now = process.hrtime.bigint;
const pick = (sorted: ArrayLike<number>, q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;

/** Run `fn` for `ms` (`concurrency` at a time), push each latency in ns to `samples`; resolve ops/s. */
async function loop(fn: () => unknown, ms: number, concurrency: number, samples: number[]): Promise<number> {
  const first = fn(); // untimed: tells a sync function from an async one
  const isAsync = typeof (first as PromiseLike<unknown> | null)?.then === 'function';
  if (isAsync) await first;
  const [start, count] = [now(), samples.length];
  const deadline = start + BigInt(Math.round(ms * 1e6));
  for (let t = start; !isAsync && t < deadline; ) {
    fn();
    const end = now();
    samples.push(Number(end - t));
    t = end;
  }
  const worker = async (): Promise<void> => {
    for (let t = now(); t < deadline; t = now()) {
      await fn();
      samples.push(Number(now() - t));
    }
  };
  if (isAsync) await Promise.all(Array.from({ length: concurrency }, worker));
  return ((samples.length - count) * 1e9) / Number(now() - start);
}

/**
 * Time every case, interleaved round by round; one {@link Result} per case. ops/s is the median of the
 * rounds' rates, so a burst of load from another process spoils one round, not the figure.
 */
export async function measure(cases: readonly Case[], options: MeasureOptions = {}): Promise<Result[]> {
  const { timeMs = QUICK ? 200 : 1000, rounds = QUICK ? 3 : 5, concurrency = 1 } = options;
  for (const c of cases) await loop(c.fn, timeMs / 5, concurrency, []);
  const samples = cases.map((): number[] => []);
  const rates = cases.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of cases.entries())
      rates[i]!.push(await loop(c.fn, timeMs / rounds, concurrency, samples[i]!));
  }
  return cases.map(({ name }, i) => {
    const sorted = Float64Array.from(samples[i]!).sort();
    const ops = pick(Float64Array.from(rates[i]!).sort(), 0.5);
    return { name, ops, p50: pick(sorted, 0.5) / 1e3, p99: pick(sorted, 0.99) / 1e3, n: sorted.length };
  });
}

/** `12,345` */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
/** µs with 3 significant digits below 100: `1.23`, `45.6`, `789`, `1,234`. */
export const fmtUs = (us: number): string => (us >= 100 ? fmtInt(us) : us.toPrecision(3));
/** `0.42x` */
export const fmtRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(r >= 10 ? 1 : 2)}x` : '-');

/** Print a table: first column left-aligned, the others right-aligned. */
export function printTable(title: string, headers: readonly string[], rows: readonly string[][]): void {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(`\n${title}\n${line(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

/** Print results: ops/s, p50, p99 and the ops/s ratio to the `baseline` case. */
export function printResults(title: string, results: readonly Result[], baseline: string): void {
  const base = results.find((r) => r.name === baseline)?.ops ?? Number.NaN;
  const row = (r: Result) => [r.name, fmtInt(r.ops), fmtUs(r.p50), fmtUs(r.p99), fmtRatio(r.ops / base)];
  printTable(title, ['case', 'ops/s', 'p50 µs', 'p99 µs', `vs ${baseline}`], results.map(row));
}

/** Print the machine, Node version and mode: figures are never read without their context. */
export function printEnvironment(what: string): void {
  const cpu = cpus();
  const machine = `${platform()} ${release()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}`;
  const mode = `single process, loopback, load average ${loadavg()[0]!.toFixed(1)}${QUICK ? ', --quick' : ''}`;
  console.log(`# ${what}\n# Node ${process.version}, ${machine}; ${mode}`);
}
