// Password verifiers for the runtime: scrypt (RFC 7914) via node:crypto, off the event loop (libuv pool).
// Format (docs/decisions.md): `scrypt$N$r$p$<salt base64>$<hash base64>`, parsed strictly; the compare is
// constant-time. The reducer treats a verifier as opaque data (src/pure/user-db), so only this file knows it.
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Interactive-login strength (OWASP's scrypt minimum is N=2^17,r=8,p=1; 2^15 keeps a login near 50 ms). */
export const defaultScryptParams: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const hashBytes = 32;
const saltBytes = 16;

interface Verifier extends ScryptParams {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function scryptAsync(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: 128·N·r bytes plus slack (Node's default 32 MB is enough for N=2^15, not for larger N).
    scrypt(password, salt, hashBytes, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20) }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    );
  });
}

export async function makeVerifier(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  const salt = randomBytes(saltBytes);
  const hash = await scryptAsync(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const b64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a verifier; undefined for anything malformed or with parameters outside sane bounds. */
export function parseVerifier(v: string): Verifier | undefined {
  const parts = v.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^[1-9][0-9]{0,9}$/.test(x) ? Number(x) : NaN));
  // N a power of two in [2, 2^20]; r·p bounded so a stored verifier cannot make a login take minutes.
  if (!Number.isInteger(N) || N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0) return undefined;
  if (!Number.isInteger(r) || !Number.isInteger(p) || r < 1 || p < 1 || r * p > 64) return undefined;
  if (!b64.test(parts[4]) || !b64.test(parts[5])) return undefined;
  const salt = Buffer.from(parts[4], 'base64');
  const hash = Buffer.from(parts[5], 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return { N, r, p, salt, hash };
}

/**
 * Checks logins against verifiers. A successful check is remembered (keyed by an HMAC of verifier and
 * password under a per-process random key, so the cache holds no password) for a few minutes, like
 * Dovecot's auth cache: a POP client polling every few seconds must not cost one scrypt per poll. Failures
 * are never cached (a password change takes effect at once: the verifier is part of the key).
 */
export class PasswordChecker {
  private readonly cacheKey = randomBytes(32);
  private readonly ok = new Map<string, number>();

  constructor(
    private readonly cacheMs = 5 * 60_000,
    private readonly cacheMax = 10_000,
  ) {}

  async check(password: string, verifier: string, now = Date.now()): Promise<boolean> {
    const key = createHmac('sha256', this.cacheKey).update(verifier).update('\0').update(password).digest('base64');
    const until = this.ok.get(key);
    if (until !== undefined && until > now) return true;
    const v = parseVerifier(verifier);
    if (v === undefined) return false;
    const got = await scryptAsync(password, v.salt, v);
    const good = got.length === v.hash.length && timingSafeEqual(got, v.hash);
    if (good) {
      if (this.ok.size >= this.cacheMax) this.ok.clear(); // bounded; a rare full clear costs one scrypt per user
      this.ok.set(key, now + this.cacheMs);
    }
    return good;
  }
}
