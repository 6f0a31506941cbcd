/**
 * `createHmac('sha256', key)` per key type, on the Node running it: a Buffer key, the same key as a
 * latin1 string, and a `KeyObject` — one HMAC of a session-sized message per operation. Issue 15 found
 * Buffer keys several times slower on Node 24.21 only; run it on each Node to see (the signing code
 * picks its key type from this):
 *
 *   for n in /opt/node24/node_modules/node/bin/node /opt/node26/node_modules/node/bin/node node; do
 *     $n --import tsx bench/http/hmac-keys.ts; done
 * @module
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';

const bufferKey = randomBytes(32);
const stringKey = bufferKey.toString('latin1');
const keyObject = createSecretKey(bufferKey);
const message = 'a'.repeat(160);
const KEYS: ReadonlyArray<[string, Buffer | string | ReturnType<typeof createSecretKey>]> = [
  ['Buffer key', bufferKey],
  ['string key', stringKey],
  ['KeyObject', keyObject],
];
const ROUNDS = 7;
const PER_ROUND = 20_000;

function round(key: Buffer | string | ReturnType<typeof createSecretKey>): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) createHmac('sha256', key).update(message).digest();
  return Number(process.hrtime.bigint() - start) / 1000 / PER_ROUND;
}

for (const [, key] of KEYS) round(key); // warm-up
const samples = new Map<string, number[]>(KEYS.map(([name]) => [name, []]));
// Interleaved rounds, so machine load hits every key type alike; medians per type.
for (let r = 0; r < ROUNDS; r++) for (const [name, key] of KEYS) samples.get(name)?.push(round(key));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
const buffer = median(samples.get('Buffer key') ?? []);
console.log(
  `# Node ${process.version}: createHmac('sha256', key) + update(160 B) + digest, µs per operation`,
);
for (const [name] of KEYS) {
  const us = median(samples.get(name) ?? []);
  console.log(
    `${name.padEnd(11)} ${us.toFixed(2).padStart(6)} µs   ${(buffer / us).toFixed(2)}x of the Buffer key's speed`,
  );
}
