/** Shared by the examples: the secret, and "start when run directly". */
import { pathToFileURL } from 'node:url';

/** The examples' secret: set SESSIONKIT_SECRET_KEY in real use. */
export const EXAMPLE_SECRET =
  process.env.SESSIONKIT_SECRET_KEY ?? 'example-only-secret-key-do-not-use-in-production-012345';

/** A started example server. */
export interface Started {
  url: string;
  close(): Promise<void>;
}

/** Run `start` when `moduleUrl` is the script node was started with. */
export function runIfMain(moduleUrl: string, start: (port: number) => Promise<Started>): void {
  if (process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href) {
    start(Number(process.env.PORT ?? 3000)).then((s) => console.log(`listening on ${s.url}`));
  }
}
