// Hashing used by the protocols. FNV-1a (32-bit) is simple, fast and stable across machines and
// languages, which matters because every node must map a user to the same bucket (DESIGN.md §4).
import { BUCKETS, type Bucket } from './types.js';

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    // Hash UTF-16 code units; user names are ASCII (see user-name.ts), so this equals hashing bytes.
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** bucket = fnv1a32(lowercase(user)) mod 256. */
export function bucketOf(user: string): Bucket {
  return fnv1a32(user.toLowerCase()) % BUCKETS;
}

/** bucketOf for a name already in canonical (lower-case) form: skips the case folding on the hot path. */
export function bucketOfCanonical(user: string): Bucket {
  return fnv1a32(user) % BUCKETS;
}

/** A 32-bit mix (splitmix32 finaliser): turns counters and seeds into well-spread bits. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
