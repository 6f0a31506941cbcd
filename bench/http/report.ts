/**
 * The HTTP benchmark's tables: one per phase (req/s, p50/p99), the ratios against the issue's
 * targets, and what the correctness checks saw.
 * @module
 */
import { fmtInt, fmtRatio, printTable } from '../_harness.js';
import type { PhaseResult, VirtualUser } from './load.js';
import { PHASES, RATIOS, type Variant } from './variants.js';

/** Everything measured for one variant. */
export interface VariantRun {
  variant: Variant;
  /** Per phase name: the median over the rounds; plus `warm-up`. */
  phases: Map<string, PhaseResult>;
  /** Per phase name: one result per round. */
  rounds: Map<string, PhaseResult[]>;
  /** The virtual users after the last phase. */
  users: VirtualUser[];
}

const ms = (value: number): string => value.toFixed(2);
const pct = (value: number | undefined): string => (value === undefined ? '' : `${Math.round(value * 100)}%`);

/**
 * One table per phase: req/s, p50 and p99 latency per variant, the server's CPU time per response
 * where the platform tells, and how busy the load generator was (medians over rounds).
 */
export function printTables(runs: readonly VariantRun[], phases: typeof PHASES = PHASES): void {
  for (const phase of phases) {
    const rows = runs.map(({ variant, phases }) => {
      const r = phases.get(phase.name)!;
      const cpu = r.serverCpuUs === undefined ? 'n/a' : r.serverCpuUs.toFixed(0);
      return [variant.name, fmtInt(r.rps), pct(r.spread), ms(r.p50), ms(r.p99), cpu, pct(r.generatorCpu)];
    });
    printTable(
      `Phase ${phase.name} (${phase.paths.join(' → ')})`,
      ['variant', 'req/s', 'spread', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'load gen CPU'],
      rows,
    );
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The ratio of two variants' req/s in each round of a phase (the rounds measured both; empty when one is missing). */
function roundRatios(
  runs: readonly VariantRun[],
  numerator: string,
  denominator: string,
  phase: string,
): number[] {
  const top = runs.find((run) => run.variant.name === numerator)?.rounds.get(phase);
  const bottom = runs.find((run) => run.variant.name === denominator)?.rounds.get(phase);
  if (!top || !bottom) return [];
  return top.map((r, i) => r.rps / (bottom[i]?.rps ?? Number.NaN)).filter((x) => !Number.isNaN(x));
}

/** Median over rounds of numerator/denominator req/s measured in the same round. */
function ratioOf(runs: readonly VariantRun[], numerator: string, denominator: string, phase: string): number {
  const ratios = roundRatios(runs, numerator, denominator, phase);
  return ratios.length === 0 ? Number.NaN : median(ratios);
}

/** The req/s ratios per phase, with the target and whether every phase meets it. */
export function printRatios(
  runs: readonly VariantRun[],
  rounds: number,
  phases: typeof PHASES = PHASES,
): void {
  const rows = RATIOS.map((ratio) => {
    const values = phases.map((phase) => ratioOf(runs, ratio.numerator, ratio.denominator, phase.name));
    const missed = phases.filter((_, i) => values[i]! < (ratio.target ?? 0)).map((p) => p.name);
    const met =
      ratio.target === undefined || values.some(Number.isNaN)
        ? ''
        : missed.length === 0
          ? 'yes'
          : `no (${missed.join(', ')})`;
    const target = ratio.target === undefined ? '' : `≥ ${ratio.target.toFixed(2)}x`;
    return [ratio.label, ...values.map(fmtRatio), target, met];
  });
  printTable(
    `Ratios of req/s (median of the ${rounds} per-round ratios)`,
    ['ratio', ...phases.map((p) => p.name), 'target', 'met'],
    rows,
  );
}

/**
 * How much the per-round ratios of each targeted ratio moved: lowest–highest, and in how many rounds the
 * target was reached. A median just over its target with most rounds under it is not a robust result.
 */
export function printRatioRanges(runs: readonly VariantRun[], phases: typeof PHASES = PHASES): void {
  const rows = RATIOS.filter((ratio) => ratio.target !== undefined).map((ratio) => [
    ratio.label,
    ...phases.map((phase) => {
      const ratios = roundRatios(runs, ratio.numerator, ratio.denominator, phase.name);
      if (ratios.length === 0) return '-';
      const reached = ratios.filter((x) => x >= (ratio.target ?? 0)).length;
      return `${fmtRatio(Math.min(...ratios))}–${fmtRatio(Math.max(...ratios))} (${reached}/${ratios.length})`;
    }),
  ]);
  printTable(
    'Per-round ratios of the targeted pairs: lowest–highest (rounds reaching the target / rounds)',
    ['ratio', ...phases.map((p) => p.name)],
    rows,
  );
}

/**
 * The same pairs seen through the servers' CPU time per response: baseline µs / variant µs, the medians
 * of the rounds. Where the server is the bottleneck this is what the req/s ratio measures, but it is
 * less disturbed by how the machine schedules the load generator. Printed only when the platform
 * reports process CPU time (Linux).
 */
export function printCpuRatios(runs: readonly VariantRun[], phases: typeof PHASES = PHASES): void {
  const cpuOf = (name: string, phase: string): number | undefined =>
    runs.find((run) => run.variant.name === name)?.phases.get(phase)?.serverCpuUs;
  if (!runs.some((run) => [...run.phases.values()].some((r) => r.serverCpuUs !== undefined))) return;
  const rows = RATIOS.map((ratio) => [
    ratio.label,
    ...phases.map((phase) => {
      const top = cpuOf(ratio.numerator, phase.name);
      const bottom = cpuOf(ratio.denominator, phase.name);
      return top === undefined || bottom === undefined ? '-' : fmtRatio(bottom / top);
    }),
  ]);
  printTable(
    'Inverse ratios of server CPU time per response (baseline µs / variant µs; medians over rounds)',
    ['ratio', ...phases.map((p) => p.name)],
    rows,
  );
}

/** Print what the checks saw; true when everything checked out. */
export function printVerification(runs: readonly VariantRun[]): boolean {
  let allOk = true;
  const rows = runs.map(({ variant, phases, users }) => {
    const all = [...phases.values()];
    const sum = (pick: (r: PhaseResult) => number) => all.reduce((total, r) => total + pick(r), 0);
    const non2xx = sum((r) => r.non2xx);
    const errors = sum((r) => r.errors);
    const mismatches = sum((r) => r.mismatches);
    const counters = users.map((user) => user.counter ?? 0);
    const answers = users.map((user) => user.counterResponses);
    const withCookie = users.filter((user) => user.jar.size > 0).length;
    const countersKept =
      !variant.sessions ||
      users.every((user) => user.jar.size > 0 && (user.counter ?? 0) >= user.counterResponses);
    const ok = non2xx === 0 && errors === 0 && mismatches === 0 && countersKept;
    allOk &&= ok;
    const checked = (text: string): string => (variant.sessions ? text : 'n/a');
    return [
      variant.name,
      fmtInt(sum((r) => r.responses)),
      String(non2xx),
      String(errors),
      checked(String(mismatches)),
      checked(`${withCookie}/${users.length}`),
      checked(`${fmtInt(Math.min(...counters))}..${fmtInt(Math.max(...counters))}`),
      checked(fmtInt(Math.min(...answers))),
      ok ? 'ok' : 'FAILED',
    ];
  });
  printTable(
    'Checks (all phases and rounds, warm-up included): each /counter answer = previous + 1, /read = previous',
    [
      'variant',
      'responses',
      'non-2xx',
      'errors',
      'mismatches',
      'users with cookie',
      'final counter min..max',
      'min /counter answers/user',
      'verdict',
    ],
    rows,
  );
  return allOk;
}
