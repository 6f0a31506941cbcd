/**
 * A self-signed certificate for 127.0.0.1, for tests only (generated with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=127.0.0.1
 * -addext subjectAltName=IP:127.0.0.1`). The key protects nothing: it exists so adapters can be tested
 * over a real TLS socket (`socket.encrypted`).
 */
import { request } from 'node:https';

/** TLS options for `https.createServer` (test-only key). */
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguDYst1MyMIo3x+My
7QOhyy7Lqkwgp/fGfi92E4ufONehRANCAATPx95HJ5m/L+/CCQdjISVwT5OF/cXt
ZRMSkKT+lbKTBJ8/4vdkfy/qD9Pgn5EJzmlf39bRRVdek8jtkQ//k7XO
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBkTCCATagAwIBAgIUY24pbqVJ4PPllMRHxiUSEtKWZ20wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyODE3NDM0MFoYDzIxMjYxMTA0
MTc0MzQwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATPx95HJ5m/L+/CCQdjISVwT5OF/cXtZRMSkKT+lbKTBJ8/4vdkfy/q
D9Pgn5EJzmlf39bRRVdek8jtkQ//k7XOo2QwYjAdBgNVHQ4EFgQURlCzfhOCuw32
89BflfBbTH6mOIYwHwYDVR0jBBgwFoAURlCzfhOCuw3289BflfBbTH6mOIYwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0kAMEYC
IQC0MNqF4WyrF6iV4kVYxs5db8Jr8LlSgHOsiXtrkqGejQIhANN0JBun8EGICW+o
aMtueZl1NC1vfaJCGvmgFoEiNiNN
-----END CERTIFICATE-----
`,
};

/** TLS options a harness passes to its HTTPS server. */
export type TestTls = typeof TEST_TLS;

/** GET `url` over HTTPS trusting {@link TEST_TLS}; resolves the status and the Set-Cookie headers. */
export function httpsGet(url: string): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: TEST_TLS.cert, agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
