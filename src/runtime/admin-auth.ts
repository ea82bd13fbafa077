// Authentication of admin requests over HTTP with the cluster secret. Each request carries
//   X-Porcupine-Auth: <unix ms>.<hex HMAC-SHA256(secret, "porcupine-admin-v1\n" method \n path \n ms \n sha256(body))>
// so the secret never crosses the wire, a request cannot be altered, and a captured one is refused after
// `maxSkewMs`. The compare is constant-time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const adminAuthHeader = 'x-porcupine-auth';
const maxSkewMs = 5 * 60_000;

function mac(secret: Buffer, method: string, path: string, ms: string, body: string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`porcupine-admin-v1\n${method}\n${path}\n${ms}\n${bodyHash}`).digest('hex');
}

export function signAdminRequest(secret: Buffer, method: string, path: string, body: string, now = Date.now()): string {
  const ms = String(now);
  return `${ms}.${mac(secret, method, path, ms, body)}`;
}

/** undefined when the request is authentic and fresh, else why not (for the log; the client gets 401). */
export function checkAdminRequest(secret: Buffer, header: string | undefined, method: string, path: string, body: string, now = Date.now()): string | undefined {
  if (header === undefined) return 'no X-Porcupine-Auth header';
  const m = /^([0-9]{1,16})\.([0-9a-f]{64})$/.exec(header);
  if (m === null) return 'malformed X-Porcupine-Auth header';
  if (Math.abs(now - Number(m[1])) > maxSkewMs) return 'request too old (or clocks apart by more than 5 minutes)';
  const want = Buffer.from(mac(secret, method, path, m[1], body), 'hex');
  const got = Buffer.from(m[2], 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? undefined : 'bad signature';
}
