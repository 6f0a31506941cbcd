/**
 * memcached's compare-and-swap for the memcached store. memjs's API has no `gets`/`cas`, but it sends
 * any binary-protocol request through `Client#perform` and hands back the response header, which
 * carries the CAS unique: a get returns it, and a set or delete that carries it only succeeds while
 * the item is unchanged (memcached binary protocol, "Set, Add, Replace" and "Delete": status 0x0001
 * key not found, 0x0002 key exists = changed).
 * @module
 */

/** A binary-protocol response, as memjs parses it. */
interface RawResponse {
  header: { status: number; cas: Buffer };
  val: Buffer;
}

/** The part of a memjs client used here (present in memjs 1.x, not in its published typings). */
export interface PerformingClient {
  seq: number;
  incrSeq(): void;
  perform(
    key: string,
    request: Buffer,
    seq: number,
    callback: (error: Error | null, response: RawResponse | null) => void,
  ): void;
}

const OPCODE_GET = 0x00;
const OPCODE_SET = 0x01;
const OPCODE_DELETE = 0x04;
const STATUS_OK = 0x0000;
const STATUS_NOT_FOUND = 0x0001;
const STATUS_EXISTS = 0x0002;

/** A request: the 24-byte header (magic 0x80), then extras, key and value. */
function request(
  opcode: number,
  seq: number,
  key: string,
  extras: Buffer,
  value: Buffer,
  cas?: Buffer,
): Buffer {
  const keyBytes = Buffer.from(key);
  const body = extras.length + keyBytes.length + value.length;
  const buffer = Buffer.alloc(24 + body);
  buffer.writeUInt8(0x80, 0);
  buffer.writeUInt8(opcode, 1);
  buffer.writeUInt16BE(keyBytes.length, 2);
  buffer.writeUInt8(extras.length, 4);
  buffer.writeUInt32BE(body, 8);
  buffer.writeUInt32BE(seq, 12);
  cas?.copy(buffer, 16, 0, 8);
  extras.copy(buffer, 24);
  keyBytes.copy(buffer, 24 + extras.length);
  value.copy(buffer, 24 + extras.length + keyBytes.length);
  return buffer;
}

function send(client: PerformingClient, key: string, build: (seq: number) => Buffer): Promise<RawResponse> {
  client.incrSeq();
  const seq = client.seq;
  return new Promise((resolve, reject) => {
    client.perform(key, build(seq), seq, (error, response) => {
      if (error !== null || response === null) reject(error ?? new Error('memcached gave no response'));
      else resolve(response);
    });
  });
}

const unexpected = (what: string, status: number) =>
  new Error(`memcached ${what} failed with status 0x${status.toString(16).padStart(4, '0')}`);

/** `get` with the item's CAS unique (hex), or `null` for a miss. */
export async function getWithCas(
  client: PerformingClient,
  key: string,
): Promise<{ value: string; cas: string } | null> {
  const response = await send(client, key, (seq) =>
    request(OPCODE_GET, seq, key, Buffer.alloc(0), Buffer.alloc(0)),
  );
  const { status, cas } = response.header;
  if (status === STATUS_NOT_FOUND) return null;
  if (status !== STATUS_OK) throw unexpected('get', status);
  return { value: response.val.toString('utf8'), cas: cas.toString('hex') };
}

/**
 * Write `value` (or delete the item when `expires` is null) only if its CAS unique is still `cas`.
 * @param expires memcached's expiry field (seconds, or a unix time past 30 days).
 */
export async function writeWithCas(
  client: PerformingClient,
  key: string,
  value: string,
  expires: number | null,
  cas: string,
): Promise<'ok' | 'conflict' | 'missing'> {
  const unique = Buffer.from(cas, 'hex');
  const response = await send(client, key, (seq) => {
    if (expires === null) return request(OPCODE_DELETE, seq, key, Buffer.alloc(0), Buffer.alloc(0), unique);
    // Extras of a set: 4 bytes of flags (0, as memjs writes them), 4 bytes of expiry.
    const extras = Buffer.alloc(8);
    extras.writeUInt32BE(expires, 4);
    return request(OPCODE_SET, seq, key, extras, Buffer.from(value), unique);
  });
  const { status } = response.header;
  if (status === STATUS_OK) return 'ok';
  if (status === STATUS_EXISTS) return 'conflict';
  if (status === STATUS_NOT_FOUND) return 'missing';
  throw unexpected(expires === null ? 'delete' : 'set', status);
}
