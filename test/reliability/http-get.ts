/**
 * One GET of the reliability suites' users (soak, faults): over a keep-alive agent, with the user's
 * session cookie, answering the status, body, first `Set-Cookie` and how long it took.
 */
import { type Agent, request } from 'node:http';

/** What a user sees of one answer. */
export interface Answer {
  status: number;
  body: string;
  setCookie: string | undefined;
  ms: number;
}

/** How to send one GET. */
export interface GetOptions {
  agent?: Agent;
  /** The `Cookie` header (`name=value`); none when empty. */
  cookie?: string;
  headers?: Record<string, string>;
  /** Reject when no answer came within this (a hang detector). */
  timeoutMs?: number;
}

/** GET `url`; rejects on a transport error or after `timeoutMs` without an answer. */
export function get(url: string, options: GetOptions = {}): Promise<Answer> {
  const started = performance.now();
  const headers = { ...options.headers, ...(options.cookie ? { cookie: options.cookie } : {}) };
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: options.agent, headers, timeout: options.timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          setCookie: res.headers['set-cookie']?.[0],
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The `name=value` part of a `Set-Cookie` header: what a cookie jar sends back. */
export const jarValue = (setCookie: string): string => setCookie.split(';')[0]!;
