/**
 * The servers the HTTP benchmark compares, and the ratios (with the targets) it reports.
 * @module
 */

/** One server variant; `file` is in ./servers/. */
export interface Variant {
  /** Short name used in tables and with `--only`. */
  name: string;
  file: string;
  /** Whether it keeps sessions (its counters are checked). */
  sessions: boolean;
}

/**
 * Run order: each baseline right before the libraries measured against it. (The express-session
 * drop-in adds its `express-dropin*` entries here, next to `express-sessionkit`.)
 */
export const VARIANTS: readonly Variant[] = [
  { name: 'node-bare', file: 'node-bare.ts', sessions: false },
  { name: 'node-sessionkit', file: 'node-sessionkit.ts', sessions: true },
  { name: 'express-plain', file: 'express-plain.ts', sessions: false },
  { name: 'express-session', file: 'express-session.ts', sessions: true },
  { name: 'express-sessionkit', file: 'express-sessionkit.ts', sessions: true },
  { name: 'express-dropin', file: 'express-dropin.ts', sessions: true },
  { name: 'express-dropin-redis', file: 'express-dropin-redis.ts', sessions: true },
  { name: 'express-dropin-redis-django', file: 'express-dropin-redis-django.ts', sessions: true },
  { name: 'express-floor', file: 'express-floor.ts', sessions: true },
  { name: 'express-session-redis', file: 'express-session-redis.ts', sessions: true },
  { name: 'express-sessionkit-redis', file: 'express-sessionkit-redis.ts', sessions: true },
  { name: 'express-sessionkit-redis-django', file: 'express-sessionkit-redis-django.ts', sessions: true },
  { name: 'fastify-plain', file: 'fastify-plain.ts', sessions: false },
  { name: 'fastify-session', file: 'fastify-session.ts', sessions: true },
  { name: 'fastify-sessionkit', file: 'fastify-sessionkit.ts', sessions: true },
];

/** A req/s ratio between two variants, with the target when it sets one. */
export interface Ratio {
  label: string;
  numerator: string;
  denominator: string;
  target?: number;
}

/** The ratio columns; targets are issue 15's. */
export const RATIOS: readonly Ratio[] = [
  { label: 'sessionkit-node / bare node', numerator: 'node-sessionkit', denominator: 'node-bare' },
  {
    label: 'sessionkit-express / plain Express',
    numerator: 'express-sessionkit',
    denominator: 'express-plain',
    target: 0.85,
  },
  {
    label: 'sessionkit-express / express-session',
    numerator: 'express-sessionkit',
    denominator: 'express-session',
    target: 1.5,
  },
  {
    label: 'hand-written floor / plain Express',
    numerator: 'express-floor',
    denominator: 'express-plain',
  },
  {
    label: 'sessionkit redis / express-session redis',
    numerator: 'express-sessionkit-redis',
    denominator: 'express-session-redis',
    target: 1.5,
  },
  {
    label: 'sessionkit redis django fmt / e-s redis',
    numerator: 'express-sessionkit-redis-django',
    denominator: 'express-session-redis',
  },
  {
    label: 'drop-in / plain Express',
    numerator: 'express-dropin',
    denominator: 'express-plain',
    target: 0.85,
  },
  {
    label: 'drop-in / express-session',
    numerator: 'express-dropin',
    denominator: 'express-session',
    target: 1.5,
  },
  {
    label: 'drop-in redis / express-session redis',
    numerator: 'express-dropin-redis',
    denominator: 'express-session-redis',
    target: 1.5,
  },
  {
    label: 'drop-in redis django fmt / e-s redis',
    numerator: 'express-dropin-redis-django',
    denominator: 'express-session-redis',
  },
  {
    label: 'sessionkit-fastify / @fastify/session',
    numerator: 'fastify-sessionkit',
    denominator: 'fastify-session',
    target: 1.25,
  },
  {
    label: 'sessionkit-fastify / plain Fastify',
    numerator: 'fastify-sessionkit',
    denominator: 'fastify-plain',
  },
];

/**
 * Print one line per ratio whose two variants were both measured: its label, then one cell per route
 * from `cell(variant's figure, baseline's figure)`. For the counting scripts (`costs.ts`, `instructions.ts`).
 */
export function printRatioLines<Figure>(
  results: ReadonlyMap<string, ReadonlyMap<string, Figure>>,
  routes: readonly string[],
  cell: (variant: Figure, baseline: Figure) => string,
): void {
  for (const ratio of RATIOS) {
    const variant = results.get(ratio.numerator);
    const baseline = results.get(ratio.denominator);
    if (!variant || !baseline) continue;
    const cells = routes.map((route) => cell(variant.get(route)!, baseline.get(route)!));
    console.log(`${ratio.label.padEnd(40)}${cells.join('')}`);
  }
}

/** The phases of the load script: each route alone, then all three in turn on every connection. */
export const PHASES: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  { name: '/counter', paths: ['/counter'] },
  { name: '/read', paths: ['/read'] },
  { name: '/untouched', paths: ['/untouched'] },
  { name: 'mixed', paths: ['/counter', '/read', '/untouched'] },
];
