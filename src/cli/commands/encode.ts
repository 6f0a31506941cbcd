/**
 * `sessionkit encode JSON`: session data in Django's signed format (`SessionStore.encode`), as a Django
 * site with the same secret stores it in `django_session.session_data` (spec §2.1).
 * @module
 */
import type { Command } from 'commander';
import { dumps } from '../../signing/dumps.js';
import {
  addSecretOptions,
  type CliIo,
  parseSeconds,
  parseSessionJson,
  resolveSecrets,
  type SecretOptions,
} from '../options.js';

interface EncodeOptions extends SecretOptions {
  timestamp?: number;
}

/** Register `encode` on `program`. */
export function addEncodeCommand(program: Command, io: CliIo): Command {
  const command = program
    .command('encode')
    .summary('sign session data as Django does')
    .description(
      "Sign session data as Django's SessionStore.encode does (signing.dumps with compress=True) and print it.",
    )
    .argument('<json>', 'session data, a JSON object, e.g. \'{"user": 1}\'')
    .option('--timestamp <unix>', 'sign as if at this unix time (seconds)', parseSeconds('--timestamp'));
  addSecretOptions(command, false).action((json: string, options: EncodeOptions) => {
    const data = parseSessionJson(json);
    // Pure signing: any non-empty secret works, so Django keys shorter than the settings' minimum interoperate.
    const { secretKey } = resolveSecrets(options, io.env);
    const timestamp = options.timestamp;
    const signed = dumps(data, {
      key: secretKey,
      salt: options.salt,
      compress: true,
      now: timestamp === undefined ? undefined : () => timestamp * 1000,
    });
    io.stdout.write(`${signed}\n`);
  });
  return command;
}
