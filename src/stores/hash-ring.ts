/**
 * A consistent-hash ring (ketama layout: 160 points per server from MD5 of `server-i`), so adding or
 * removing a memcached server remaps only about 1/n of the keys instead of nearly all of them.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';

/** Maps keys to servers. */
export interface HashRing {
  /** The servers on the ring, as given. */
  readonly nodes: readonly string[];
  /** The server responsible for `key`; always the same one for the same key and server list. */
  nodeFor(key: string): string;
}

/** Points per server on the ring (ketama's default: 40 MD5 digests × 4 points). */
export const POINTS_PER_NODE = 160;

const md5 = (text: string): Buffer => createHash('md5').update(text).digest();

/**
 * Build a ring over `nodes` (`host:port` strings).
 * @throws {ConfigError} for an empty or duplicated node list.
 */
export function createHashRing(nodes: readonly string[], pointsPerNode: number = POINTS_PER_NODE): HashRing {
  if (nodes.length === 0) throw new ConfigError('A hash ring needs at least one server.');
  if (new Set(nodes).size !== nodes.length) throw new ConfigError(`Duplicate server in ${nodes.join(', ')}.`);
  const points: Array<{ hash: number; node: string }> = [];
  for (const node of nodes) {
    for (let i = 0; i < Math.ceil(pointsPerNode / 4); i++) {
      const digest = md5(`${node}-${i}`);
      for (let j = 0; j < 4; j++) points.push({ hash: digest.readUInt32LE(j * 4), node });
    }
  }
  // Ties (vanishingly rare) are broken by name so every process builds the same ring.
  points.sort((a, b) => a.hash - b.hash || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const hashes = Uint32Array.from(points, (point) => point.hash);
  const owners = points.map((point) => point.node);
  const frozen = Object.freeze([...nodes]);

  return {
    nodes: frozen,
    nodeFor(key) {
      if (frozen.length === 1) return frozen[0]!;
      const hash = md5(key).readUInt32LE(0);
      // First point clockwise from the key's hash, wrapping round to the start.
      let low = 0;
      let high = hashes.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (hashes[mid]! < hash) low = mid + 1;
        else high = mid;
      }
      return owners[low === hashes.length ? 0 : low]!;
    },
  };
}
