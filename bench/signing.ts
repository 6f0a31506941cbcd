/**
 * Issue 2 — sessionkit's Django-compatible `dumps`/`loads` (timestamped, salted HMAC-SHA256, Python-style
 * JSON, zlib when it pays) next to two anchors, in one run:
 * - a raw baseline: `JSON.stringify` + base64url + node:crypto HMAC-SHA256 (no timestamp, no salt, no
 *   compression) — the least any signed payload costs in Node;
 * - `cookie-signature`, the signer express-session uses on every request (it signs only the session id).
 * Ratios compare each case with the raw baseline of the same operation and input.
 *
 * Issue 17 adds two groups: the HMAC key type (Node 24 imports a Buffer key on every `createHmac`
 * call; a `KeyObject` is imported once), with the Buffer-key path signing used before as the anchor;
 * and the decode cost at the data limits (`maxDataDepth` 1000, `maxDataBytes` 1 MiB): the worst payload
 * still accepted, and refusing one just over, next to `JSON.parse` of the same text.
 *
 * Run: `npx tsx bench/signing.ts [--quick]`; on other Node versions
 * `/opt/node24/node_modules/node/bin/node --import tsx bench/signing.ts`.
 * @module
 */
import { createHash, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { createCodec } from '../src/core/codec.js';
import { silentLogger } from '../src/core/logger.js';
import { resolveSettings } from '../src/core/settings.js';
import { dumps, loads, Signer, saltedHmac } from '../src/signing/index.js';
import {
  type Case,
  fmtInt,
  fmtRatio,
  fmtUs,
  measure,
  printEnvironment,
  printTable,
  QUICK,
} from './_harness.js';
import { SECRET_KEY } from './_stores.js';

type CookieSignature = {
  sign(value: string, secret: string): string;
  unsign(signed: string, secret: string): string | false;
};
// The copy express-session itself depends on (1.0.x), not whatever version sits at the top level.
const require = createRequire(import.meta.url);
const cookieSignature = createRequire(require.resolve('express-session'))(
  'cookie-signature',
) as CookieSignature;

const SALT = 'django.contrib.sessions.SessionStore';
const SESSION_ID = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6';
const SMALL = { _auth_user_id: '42', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', n: 7 };
const LARGE = {
  ...SMALL,
  cart: Array.from({ length: 24 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    name: 'Blue widget, large',
    qty: 1 + (i % 3),
    price: 9.99,
  })),
};

const hmac = (text: string): string => createHmac('sha256', SECRET_KEY).update(text).digest('base64url');

/** `text.signature`, and its check in constant time. */
const rawSignText = (text: string): string => `${text}.${hmac(text)}`;
function rawVerifyText(token: string): string {
  const at = token.lastIndexOf('.');
  const text = token.slice(0, at);
  const expected = Buffer.from(hmac(text));
  const given = Buffer.from(token.slice(at + 1));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  return text;
}
const rawDumps = (value: unknown): string =>
  rawSignText(Buffer.from(JSON.stringify(value)).toString('base64url'));
const rawLoads = (token: string): unknown =>
  JSON.parse(Buffer.from(rawVerifyText(token), 'base64url').toString());

const signer = new Signer({ key: SECRET_KEY, salt: SALT });
const options = { key: SECRET_KEY, salt: SALT };
const check = <T>(value: T): T => {
  if (value === false || value === undefined || value === null) throw new Error('verification failed');
  return value;
};

/** Django's derived signing key, `sha256(salt + "signer" + secret)`, as bytes and as a KeyObject. */
const DERIVED = createHash('sha256').update(`${SALT}signer${SECRET_KEY}`).digest();
const DERIVED_KEY_OBJECT = createSecretKey(DERIVED);
const SIGNED_TEXT = 'eyJfYXV0aF91c2VyX2lkIjoiNDIifQ:1r31eq';

/** `{"a":[unit,unit,...]}` just under `bytes`. */
function filled(bytes: number, unit: string): string {
  const items = Math.floor((bytes - 8) / (unit.length + 1));
  return `{"a":[${Array.from({ length: items }, () => unit).join(',')}]}`;
}

function limitCases(add: (group: string, name: string, fn: () => unknown) => void): void {
  const settings = resolveSettings({ secretKey: SECRET_KEY, logger: silentLogger });
  const json = createCodec(settings, 'json');
  const django = createCodec(settings, 'django');
  const max = settings.maxDataBytes;
  // The costliest text of each kind still accepted: nesting to the depth limit, and empty objects
  // (the most containers per byte, which is what JSON.parse pays for).
  const deep = filled(max, `${'['.repeat(998)}1${']'.repeat(998)}`);
  const dense = filled(max, '{}');
  // Refused only at the end of the scan: the deep part is last.
  const overDeep = `${dense.slice(0, max - 2100)}${'['.repeat(1001)}${']'.repeat(1001)}]}`;
  const overSize = `${dense.slice(0, -2)},{}]}`.padEnd(max + 1);
  const signed = (text: string) =>
    dumps(null, {
      key: SECRET_KEY,
      salt: SALT,
      compress: true,
      serializer: { dumps: () => text, loads: JSON.parse },
    });
  const [signedDeep, signedDense] = [signed(deep), signed(dense)];
  const accepted = (value: unknown) => {
    if (value === null) throw new Error('refused');
    return value;
  };
  const refused = (value: unknown) => {
    if (value !== null) throw new Error('accepted');
    return value;
  };
  const group = 'decode at the data limits (1 MiB, depth 1000)';
  add(group, 'JSON.parse, depth-1000 text (anchor)', () => JSON.parse(deep));
  add(group, 'JSON.parse, empty-objects text', () => JSON.parse(dense));
  add(group, 'json codec: depth-1000 text accepted', () => accepted(json.decode(deep)));
  add(group, 'json codec: empty-objects text accepted', () => accepted(json.decode(dense)));
  add(group, 'json codec: depth 1001 at the end, refused', () => refused(json.decode(overDeep)));
  add(group, 'json codec: 1 MiB + 1 byte, refused', () => refused(json.decode(overSize)));
  add(group, `django codec: depth-1000 (${signedDeep.length} chars signed)`, () =>
    accepted(django.decode(signedDeep)),
  );
  add(group, `django codec: empty objects (${signedDense.length} chars signed)`, () =>
    accepted(django.decode(signedDense)),
  );
}

/** [group, case name, fn]; the first case of each group is its baseline. */
function cases(): Array<[string, Case]> {
  const list: Array<[string, Case]> = [];
  const add = (group: string, name: string, fn: () => unknown) => list.push([group, { name, fn }]);
  add('HMAC-SHA256 key type', 'Buffer key (signing before issue 17)', () =>
    createHmac('sha256', DERIVED).update(SIGNED_TEXT).digest(),
  );
  add('HMAC-SHA256 key type', 'KeyObject key (signing now)', () =>
    createHmac('sha256', DERIVED_KEY_OBJECT).update(SIGNED_TEXT).digest(),
  );
  add('HMAC-SHA256 key type', 'sessionkit saltedHmac (cached KeyObject)', () =>
    saltedHmac(`${SALT}signer`, SIGNED_TEXT, SECRET_KEY, 'sha256'),
  );
  if (!process.argv.includes('--no-limits')) limitCases(add);
  const idSigned = {
    raw: rawSignText(SESSION_ID),
    cs: cookieSignature.sign(SESSION_ID, SECRET_KEY),
    sk: signer.sign(SESSION_ID),
  };
  add('sign a 32-char session id', 'raw HMAC-SHA256', () => rawSignText(SESSION_ID));
  add('sign a 32-char session id', 'cookie-signature sign (express-session)', () =>
    cookieSignature.sign(SESSION_ID, SECRET_KEY),
  );
  add('sign a 32-char session id', 'sessionkit Signer.sign', () => signer.sign(SESSION_ID));
  add('verify a signed session id', 'raw HMAC-SHA256', () => check(rawVerifyText(idSigned.raw)));
  add('verify a signed session id', 'cookie-signature unsign (express-session)', () =>
    check(cookieSignature.unsign(idSigned.cs, SECRET_KEY)),
  );
  add('verify a signed session id', 'sessionkit Signer.unsign', () => check(signer.unsign(idSigned.sk)));
  for (const [size, value] of [
    ['~100 B', SMALL],
    ['2 KB', LARGE],
  ] as const) {
    const raw = rawDumps(value);
    const packed = dumps(value, { ...options, compress: true });
    const plain = dumps(value, options);
    add(`dumps ${size}`, 'raw JSON + HMAC-SHA256', () => rawDumps(value));
    add(`dumps ${size}`, 'sessionkit dumps (compress, as sessions)', () =>
      dumps(value, { ...options, compress: true }),
    );
    add(`dumps ${size}`, 'sessionkit dumps (no compress)', () => dumps(value, options));
    add(`loads ${size}`, 'raw verify + JSON.parse', () => check(rawLoads(raw)));
    add(`loads ${size}`, 'sessionkit loads (compressed token)', () => check(loads(packed, options)));
    add(`loads ${size}`, 'sessionkit loads (plain token)', () => check(loads(plain, options)));
  }
  return list;
}

async function main(): Promise<void> {
  printEnvironment('Signing: sessionkit dumps/loads vs cookie-signature and raw HMAC (issue 2)');
  const sizes = [SMALL, LARGE].map((v) => {
    const json = Buffer.byteLength(JSON.stringify(v));
    const packed = dumps(v, { ...options, compress: true }).length;
    return `${json} B of JSON → dumps ${packed} chars compressed, ${dumps(v, options).length} plain; raw ${rawDumps(v).length}`;
  });
  console.log(`# payloads: ${sizes.join('; ')}`);
  const list = cases();
  const results = await measure(
    list.map(([, c]) => c),
    { timeMs: QUICK ? 150 : 700 },
  );
  const rows: string[][] = [];
  let base = Number.NaN;
  let group = '';
  for (const [i, [g]] of list.entries()) {
    const r = results[i]!;
    if (g !== group) [group, base] = [g, r.ops];
    rows.push([`${g}: ${r.name}`, fmtInt(r.ops), fmtUs(r.p50), fmtUs(r.p99), fmtRatio(r.ops / base)]);
  }
  printTable(
    'Signing, one call at a time (ratio: ops/s vs the first row of its group)',
    ['case', 'ops/s', 'p50 µs', 'p99 µs', 'vs raw'],
    rows,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
