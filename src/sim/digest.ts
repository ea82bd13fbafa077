// Short, stable fingerprints of long strings (node state digests) for traces: 64 bits from two independent
// 32-bit hashes. Not cryptographic — replay asks "same run?", not "was it forged by an adversary?".
import { fnv1a32 } from '../pure/hash.js';

export function fingerprint(s: string): string {
  let h = 0x12345678;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  const a = fnv1a32(s) >>> 0;
  const b = (h ^ s.length) >>> 0;
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
