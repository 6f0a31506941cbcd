/**
 * The golden vectors each Django wrote (test/django/fixtures/messages-golden.json, made by
 * fixtures/messages_golden.py): its encoding of each case and what it decodes it to.
 */
import { readFileSync } from 'node:fs';

/** A message as Django's `MessageDecoder` returned it. */
export interface DjangoMessage {
  level: number;
  message: string;
  extra_tags: string | null;
  tags: string;
  level_tag: string;
  safe: boolean;
}

/** One case, as one Django version wrote it. */
export interface GoldenCase {
  /** `MessageEncoder().encode(messages)`: the `_messages` value. */
  encoded: string;
  /** `JSONSerializer().dumps({"_messages": encoded})`: the session data around it. */
  session_json: string;
  /** What `MessageDecoder` read back. */
  decoded: DjangoMessage[];
}

/** One Django version's vectors. */
export interface GoldenSection {
  django: string;
  python: string;
  cases: Record<string, GoldenCase>;
}

/** Path of the committed vectors. */
export const GOLDEN_PATH = new URL('../django/fixtures/messages-golden.json', import.meta.url);

/** The committed vectors by Django version (`3.2.25`, `5.1.7`). */
export const GOLDEN = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Record<string, GoldenSection>;

/** The vectors of the Django whose version starts with `prefix` (e.g. `'3.2'`). */
export function goldenOf(prefix: string): GoldenSection {
  const section = Object.values(GOLDEN).find((candidate) => candidate.django.startsWith(prefix));
  if (!section) throw new Error(`no golden vectors for Django ${prefix}`);
  return section;
}
