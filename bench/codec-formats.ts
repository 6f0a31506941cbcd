/**
 * What a store's `dataFormat` costs per request: the core's codec encoding a small session (a save) and
 * decoding it (a load) in Django's signed format (HMAC-SHA256, a zlib attempt, base64) and in `json`,
 * side by side, ratios to `json`. Behind the caches' `json` default (docs/stores.md).
 *
 *   npx tsx bench/codec-formats.ts [--quick]
 *   /opt/node24/node_modules/node/bin/node --import tsx bench/codec-formats.ts
 * @module
 */
import { createCodec } from '../src/core/codec.js';
import { resolveSettings } from '../src/core/settings.js';
import { measure, printEnvironment, printResults } from './_harness.js';

const settings = resolveSettings({ secretKey: 'k8Jd93jdla0-2kd83JDkd92kdlaQ0dk3l2ks9dk3ldk2lsd0ek3l' });
const data = { counter: 12345, _auth_user_id: '42', cart: ['a1', 'b2'] };

printEnvironment('codec per format: encode (a save) and decode (a load) of a 60-byte session');
const cases = (['json', 'django'] as const).flatMap((format) => {
  const codec = createCodec(settings, format);
  const text = codec.encode(data);
  console.log(`# ${format}: ${text.length} characters stored`);
  return [
    { name: `${format} encode`, fn: () => codec.encode(data) },
    { name: `${format} decode`, fn: () => codec.decode(text) },
  ];
});
// One table, the four cases interleaved round by round: a burst of load hits both formats alike.
printResults('encode and decode, ratios of ops/s to json encode', await measure(cases), 'json encode');
