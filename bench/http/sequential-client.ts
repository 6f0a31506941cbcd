/**
 * One HTTP/1.1 client on one keep-alive connection, sending one request at a time, with a cookie jar:
 * what `costs.ts` and `instructions.ts` drive a server with (no load, nothing in flight but one request).
 * @module
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** One sequential HTTP/1.1 client on a keep-alive connection, with a cookie jar. */
export class SequentialClient {
  readonly #socket: Socket;
  readonly #jar = new Map<string, string>();
  #buffer = '';
  #waiting: ((status: number) => void) | null = null;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.#receive(chunk));
  }

  static async open(port: number): Promise<SequentialClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new SequentialClient(socket);
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end === -1) return;
    const head = this.#buffer.slice(0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null) throw new Error(`response without Content-Length:\n${head}`);
    const total = end + 4 + Number(length[1]);
    if (this.#buffer.length < total) return;
    this.#buffer = this.#buffer.slice(total);
    for (const [, name, value, attributes] of head.matchAll(/\r\nset-cookie: *([^=]+)=([^;\r]*)([^\r]*)/gi)) {
      if (/max-age=0\b/i.test(attributes!)) this.#jar.delete(name!);
      else this.#jar.set(name!, value!);
    }
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.(Number(head.slice(9, 12)));
  }

  request(path: string): Promise<number> {
    const cookie = [...this.#jar].map(([name, value]) => `${name}=${value}`).join('; ');
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`,
      );
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
