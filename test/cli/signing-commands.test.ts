import { describe, expect, it } from 'vitest';
import { TimestampSigner } from '../../src/signing/signer.js';
import { runCli } from './run-cli.js';

// Spec §2.1: Django 6.0.4 SessionStore().encode({"a": 1}) with SECRET_KEY 'django_tests_secret_key' at 1700000000.
const DJANGO_KEY = 'django_tests_secret_key';
const DJANGO_A1 = 'eyJhIjoxfQ:1r31eq:NfAtvWseBBfnU2u2rC5Yib1Iv7dNauuwbmN0MvCBGmI';
const env = { SESSIONKIT_SECRET_KEY: DJANGO_KEY };

describe('sessionkit encode', () => {
  it("prints Django's exact bytes for the spec vector", async () => {
    const run = await runCli(['encode', '{"a": 1}', '--timestamp', '1700000000'], { env });
    expect(run).toEqual({ code: 0, stdout: `${DJANGO_A1}\n`, stderr: '' });
  });

  it('compresses like Django when that saves space', async () => {
    const run = await runCli(
      ['encode', JSON.stringify({ x: 'y'.repeat(100) }), '--timestamp', '1700000000'],
      {
        env,
      },
    );
    expect(run.stdout).toBe(
      '.eJyrVqpQslKqpANQqgUAWi8xdw:1r31eq:2z3IXFu5skk27IJWWQL1NwogXTBzFMF4oOLUHCbbcd0\n',
    );
  });

  it('takes the secret from --secret over the environment', async () => {
    const run = await runCli(
      ['encode', '{"a": 1}', '--timestamp', '1700000000', '--secret', 'x'.repeat(50)],
      {
        env,
      },
    );
    expect(run.stdout).toBe('eyJhIjoxfQ:1r31eq:8XMfOPFLcqtG9jb5E7ySMDLgAXiobw-O1wWLnJDzZl0\n');
  });

  it('signs at the current time without --timestamp', async () => {
    const encoded = (await runCli(['encode', '{"a": 1}'], { env })).stdout.trim();
    expect(encoded).toMatch(/^eyJhIjoxfQ:[0-9A-Za-z]+:[\w-]{43}$/);
    expect(encoded.split(':')[1]).not.toBe('1r31eq');
    expect((await runCli(['decode', encoded, '--max-age', '3600'], { env })).stdout).toBe('{"a":1}\n');
  });

  it('exits 2 with a message and no stack trace on invalid JSON', async () => {
    const run = await runCli(['encode', '{"a": '], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^sessionkit: invalid JSON: .+\n$/);
  });

  it('exits 2 when the data is not a JSON object', async () => {
    const run = await runCli(['encode', '[1, 2]'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('session data must be a JSON object');
  });

  it('exits 2 asking for --secret or SESSIONKIT_SECRET_KEY when there is no secret', async () => {
    const run = await runCli(['encode', '{}']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sessionkit: a secret key is required: pass --secret KEY or set SESSIONKIT_SECRET_KEY.\n',
    );
  });

  it('exits 2 on a malformed --timestamp', async () => {
    const run = await runCli(['encode', '{}', '--timestamp', 'yesterday'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--timestamp must be a whole number of seconds');
  });
});

describe('sessionkit decode', () => {
  it("prints Django's session data as one line of JSON", async () => {
    const run = await runCli(['decode', DJANGO_A1], { env });
    expect(run).toEqual({ code: 0, stdout: '{"a":1}\n', stderr: '' });
  });

  it('indents the JSON with --pretty', async () => {
    const run = await runCli(['decode', DJANGO_A1, '--pretty'], { env });
    expect(run.stdout).toBe('{\n  "a": 1\n}\n');
  });

  it('exits 1 with the reason when the data was tampered with', async () => {
    const run = await runCli(['decode', DJANGO_A1.replace('eyJhIjoxfQ', 'eyJhIjoyfQ')], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^sessionkit: bad signature: Signature ".+" does not match\n$/);
  });

  it('exits 1 saying the signature expired when older than --max-age', async () => {
    const run = await runCli(['decode', DJANGO_A1, '--max-age', '60'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sessionkit: signature expired: Signature age \d+(\.\d+)? > 60 seconds\n$/);
  });

  it('exits 1 on data that is not a signed value at all', async () => {
    const run = await runCli(['decode', 'not-signed'], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('sessionkit: bad signature:');
  });

  it('exits 1 saying the payload is malformed when a validly signed payload is not JSON', async () => {
    const signer = new TimestampSigner({ key: DJANGO_KEY, salt: 'django.contrib.sessions.SessionStore' });
    const run = await runCli(['decode', signer.sign('bm90IGpzb24')], { env }); // base64url('not json')
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('sessionkit: malformed payload:');
  });

  it('verifies with a --fallback-secret after a key rotation', async () => {
    const run = await runCli(
      [
        'decode',
        DJANGO_A1,
        '--secret',
        'the-new-key',
        '--fallback-secret',
        'other',
        '--fallback-secret',
        DJANGO_KEY,
      ],
      { env: {} },
    );
    expect(run).toEqual({ code: 0, stdout: '{"a":1}\n', stderr: '' });
  });

  it('reads fallback secrets from SESSIONKIT_SECRET_KEY_FALLBACKS (comma-separated)', async () => {
    const run = await runCli(['decode', DJANGO_A1], {
      env: { SESSIONKIT_SECRET_KEY: 'the-new-key', SESSIONKIT_SECRET_KEY_FALLBACKS: `other, ${DJANGO_KEY}` },
    });
    expect(run.stdout).toBe('{"a":1}\n');
  });

  it('refuses data signed with a key that is neither current nor a fallback', async () => {
    const run = await runCli(['decode', DJANGO_A1, '--secret', 'the-new-key'], { env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad signature');
  });

  it('uses --salt to verify data signed under another salt', async () => {
    const encoded = await runCli(['encode', '{"a": 1}', '--salt', 'my.Store'], { env });
    expect((await runCli(['decode', encoded.stdout.trim()], { env })).code).toBe(1);
    expect((await runCli(['decode', encoded.stdout.trim(), '--salt', 'my.Store'], { env })).stdout).toBe(
      '{"a":1}\n',
    );
  });
});
