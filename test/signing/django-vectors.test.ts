import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BadSignature, MalformedPayload } from '../../src/core/errors.js';
import { b64Decode } from '../../src/signing/base64url.js';
import { dumps, loads } from '../../src/signing/dumps.js';
import { pythonJsonDumps } from '../../src/signing/python-json.js';

interface EncodeVector {
  name: string;
  secret: string;
  salt: string;
  data: unknown;
  signed: string;
  byte_exact: boolean;
}

interface Vectors {
  timestamp: number;
  session_salt: string;
  cookie_salt: string;
  encode: EncodeVector[];
  tampered: Array<{ why: string; signed: string; secret: string; salt?: string }>;
  fallback: Array<{ signed: string; secret: string; fallbacks: string[]; data: unknown }>;
  legacy: Array<{ signed: string; secret: string; data: unknown }>;
}

// A copy of the spec's shared/spec/django-vectors.json (payloads signed by Django 6.0.4).
const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/django-vectors.json', import.meta.url)), 'utf8'),
) as Vectors;
const now = () => vectors.timestamp * 1000;

describe('django-vectors.json', () => {
  it('holds both salts and the fixed timestamp the tests rely on', () => {
    expect(vectors.timestamp).toBe(1_700_000_000);
    expect(vectors.session_salt).toBe('django.contrib.sessions.SessionStore');
    expect(vectors.cookie_salt).toBe('django.contrib.sessions.backends.signed_cookies');
    expect(vectors.encode.length).toBeGreaterThan(0);
  });

  it('dumps reproduces every byte_exact entry exactly', () => {
    const exact = vectors.encode.filter((entry) => entry.byte_exact);
    expect(exact.length).toBeGreaterThan(0);
    for (const entry of exact) {
      const signed = dumps(entry.data, { key: entry.secret, salt: entry.salt, compress: true, now });
      expect(signed, `${entry.name} / ${entry.salt}`).toBe(entry.signed);
    }
  });

  it('writes the same JSON bytes as Django for every entry (zlib output may differ, spec §2.1)', () => {
    for (const entry of vectors.encode) {
      const [payload = ''] = entry.signed.split(':');
      const compressed = payload.startsWith('.');
      const bytes = b64Decode(compressed ? payload.slice(1) : payload);
      const json = (compressed ? inflateSync(bytes) : bytes).toString('latin1');
      expect(pythonJsonDumps(entry.data), entry.name).toBe(json);
    }
  });

  it('loads decodes every entry to its data', () => {
    for (const entry of vectors.encode) {
      expect(
        loads(entry.signed, { key: entry.secret, salt: entry.salt }),
        `${entry.name} / ${entry.salt}`,
      ).toEqual(entry.data);
    }
  });

  it('refuses every tampered entry', () => {
    for (const entry of vectors.tampered) {
      const options = { key: entry.secret, salt: entry.salt ?? vectors.session_salt };
      const expected = entry.why === 'signed non-JSON' ? MalformedPayload : BadSignature;
      expect(() => loads(entry.signed, options), entry.why).toThrow(expected);
    }
  });

  it('decodes fallback entries with fallbackKeys, and refuses them without', () => {
    for (const entry of vectors.fallback) {
      const options = { key: entry.secret, salt: vectors.session_salt, fallbackKeys: entry.fallbacks };
      if (entry.data === null) expect(() => loads(entry.signed, options)).toThrow(BadSignature);
      else expect(loads(entry.signed, options)).toEqual(entry.data);
    }
    expect(vectors.fallback.some((entry) => entry.data !== null)).toBe(true);
  });

  it('refuses the legacy entries, as Django ≥ 4.0 does', () => {
    for (const entry of vectors.legacy) {
      expect(() => loads(entry.signed, { key: entry.secret, salt: vectors.session_salt })).toThrow(
        BadSignature,
      );
    }
  });
});
