import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessages, type StoredMessage } from '../../src/messages/codec.js';
import { pythonJsonDumps } from '../../src/signing/python-json.js';
import { type DjangoMessage, type GoldenSection, goldenOf } from './golden.js';

const DJANGO_32 = goldenOf('3.2');
const DJANGO_51 = goldenOf('5.1');

function stored(message: DjangoMessage): StoredMessage {
  return {
    level: message.level,
    message: message.message,
    extraTags: message.extra_tags,
    safe: message.safe,
  };
}

function decodedCases(section: GoldenSection) {
  return Object.entries(section.cases).map(([name, golden]) => ({
    name,
    ours: decodeMessages(golden.encoded),
    django: { ok: true, messages: golden.decoded.map(stored) },
  }));
}

function reencodedCases(section: GoldenSection) {
  return Object.entries(section.cases).map(([name, golden]) => ({
    name,
    ours: encodeMessages(golden.decoded.map(stored)),
    django: golden.encoded,
  }));
}

describe('decodeMessages', () => {
  it("reads every message Django 3.2 wrote as Django 3.2's MessageDecoder does", () => {
    for (const { ours, django } of decodedCases(DJANGO_32)) expect(ours).toEqual(django);
  });

  it("reads every message Django 5.1 wrote as Django 5.1's MessageDecoder does", () => {
    for (const { ours, django } of decodedCases(DJANGO_51)) expect(ours).toEqual(django);
  });

  it('reads each version’s encoding of the same messages to the same texts, levels and safety', () => {
    const old = decodeMessages(DJANGO_32.cases['every-level']!.encoded);
    const current = decodeMessages(DJANGO_51.cases['every-level']!.encoded);
    const strip = (decoded: typeof old) =>
      decoded.ok ? decoded.messages.map((m) => ({ ...m, extraTags: m.extraTags ?? '' })) : decoded;
    expect(strip(old)).toEqual(strip(current));
  });

  it('reads is_safedata as Python truthiness, as MessageDecoder tests `if obj[1]`', () => {
    const decoded = decodeMessages(
      '[["__json_message", 1, 20, "a"], ["__json_message", true, 20, "b"], ["__json_message", 0, 20, "c"], ["__json_message", [], 20, "d"]]',
    );
    expect(decoded.ok && decoded.messages.map((m) => m.safe)).toEqual([true, true, false, false]);
  });

  it('reads an absent or empty value as no messages, as Django does', () => {
    for (const value of [undefined, null, '', '[]'])
      expect(decodeMessages(value)).toEqual({ ok: true, messages: [] });
  });

  it('refuses values that are not the text of a list of encoded messages, with a reason', () => {
    const refused = [
      [['__json_message', 0, 20, 'not text']],
      42,
      '{"a": 1}',
      'not json',
      '[["__json_message", 0, "20", "level as text"]]',
      '[["__json_message", 0, 20.5, "fractional level"]]',
      '[["__json_message", 0, 20]]',
      '[["__json_message", 0, 20, "x", "", "too many"]]',
      '[["__json_message", 0, 20, 7]]',
      '[["__json_message", 0, 20, "x", 5]]',
      '[["not_a_message", 0, 20, "x"]]',
      '[[["__json_message", 0, 20, "nested"]]]',
      '[["__json_message", 0, 1e300, "huge level"]]',
    ];
    for (const value of refused) {
      const decoded = decodeMessages(value);
      expect(decoded.ok, JSON.stringify(value)).toBe(false);
      expect(!decoded.ok && decoded.reason).toMatch(/\w/);
    }
  });
});

describe('encodeMessages', () => {
  it('re-encodes what Django 5.1 wrote to the same bytes', () => {
    for (const { name, ours, django } of reencodedCases(DJANGO_51)) expect(ours, name).toBe(django);
  });

  it('re-encodes what Django 3.2 wrote to the same bytes (3.2 left out empty extra tags, read as None)', () => {
    for (const { name, ours, django } of reencodedCases(DJANGO_32)) expect(ours, name).toBe(django);
  });

  it('nests in the session data as the same JSON text Django’s JSONSerializer writes', () => {
    for (const section of [DJANGO_32, DJANGO_51]) {
      for (const golden of Object.values(section.cases)) {
        expect(pythonJsonDumps({ _messages: encodeMessages(golden.decoded.map(stored)) })).toBe(
          golden.session_json,
        );
      }
    }
  });
});
