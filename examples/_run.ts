/** Shared by the examples: the secret, and "start when run directly". */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Listen on 127.0.0.1:`port`; `close()` stops the server, then runs `cleanup` (e.g. closing the session store). */
export async function listen(server: Server, port: number, cleanup: () => Promise<void>): Promise<Started> {
  if (!server.listening) {
    server.listen(port, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  }
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await cleanup();
    },
  };
}
