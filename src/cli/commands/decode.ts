/**
 * `sessionkit decode DATA`: verify signed session data (with fallback secrets) and print it as JSON.
 * @module
 */
import type { Command } from 'commander';
import { BadSignature, MalformedPayload, SignatureExpired } from '../../core/errors.js';
import { loads } from '../../signing/dumps.js';
import {
  addSecretOptions,
  CliError,
  type CliIo,
  formatJson,
  parseSeconds,
  resolveSecrets,
  type SecretOptions,
} from '../options.js';

interface DecodeOptions extends SecretOptions {
  maxAge?: number;
  pretty?: boolean;
}

/** One line saying why `signed` was refused, or `null` for an error that is not about the data. */
function reason(error: unknown): string | null {
  if (error instanceof SignatureExpired) return `signature expired: ${error.message}`;
  if (error instanceof BadSignature) return `bad signature: ${error.message}`;
  if (error instanceof MalformedPayload) return `malformed payload: ${error.message}`;
  return null;
}

/** Register `decode` on `program`. */
export function addDecodeCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('decode')
    .summary('verify signed session data and print it as JSON')
    .description(
      'Verify session data signed by Django or `sessionkit encode` and print it as JSON on one line. ' +
        'Exits 1 with the reason when the signature is bad or expired or the payload is malformed.',
    )
    .argument('<data>', 'signed session data, e.g. the session_data column of django_session')
    .option('--max-age <seconds>', 'refuse data signed longer ago than this', parseSeconds('--max-age'))
    .option('--pretty', 'indent the JSON');
  addSecretOptions(command, true).action((data: string, options: DecodeOptions) => {
    const { secretKey, secretKeyFallbacks } = resolveSecrets(options, io.env);
    let value: unknown;
    try {
      value = loads(data, {
        key: secretKey,
        fallbackKeys: secretKeyFallbacks,
        salt: options.salt,
        maxAge: options.maxAge,
      });
    } catch (error) {
      const why = reason(error);
      if (why === null) throw error;
      throw new CliError(why);
    }
    io.stdout.write(formatJson(value, options.pretty === true));
  });
  return command;
}
