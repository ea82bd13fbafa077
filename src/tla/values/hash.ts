// Structural 64-bit fingerprints, as two 32-bit lanes (no bigint in the inner loop). Equal values have
// equal fingerprints: every value has exactly one representation, and lazy sets hash as their
// enumeration. Composite values cache their hash.
import type { Value, State } from './index.js';
import { forceSet } from './lazy.js';

let H1 = 0;
let H2 = 0;

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashList(tag: number, elems: readonly Value[], a: number, b: number): void {
  for (let i = 0; i < elems.length; i++) {
    hashValue(elems[i]);
    a = mix(a, H1);
    b = mix(b, H2);
  }
  H1 = fmix(mix(a, elems.length ^ tag));
  H2 = fmix(mix(b, elems.length + tag));
}

/** Sets H1/H2 to v's fingerprint lanes. */
function hashValue(v: Value): void {
  switch (typeof v) {
    case 'boolean':
      H1 = v ? 0x1234567 : 0x7654321;
      H2 = v ? 0x3c6ef372 : 0x5be0cd19;
      return;
    case 'number':
      H1 = fmix(mix(0x9e3779b9, v));
      H2 = fmix(mix(0x7f4a7c15, v ^ 0x2545f491));
      return;
  }
  switch (v.kind) {
    case 'str':
    case 'mv': {
      const t = v.kind === 'str' ? 0x51 : 0x52;
      H1 = fmix(mix(0x243f6a88 ^ t, v.id));
      H2 = fmix(mix(0x85a308d3 + t, v.id));
      return;
    }
    case 'lazy':
      hashValue(forceSet(v));
      return;
  }
  if (v.hashed) {
    H1 = v.h1;
    H2 = v.h2;
    return;
  }
  if (v.kind === 'set') hashList(0x5e7, v.elems, 0x13198a2e, 0x03707344);
  else if (v.kind === 'tup') hashList(0xf0, v.elems, 0xa4093822, 0x299f31d0);
  else {
    hashList(0xd0, v.dom, 0x082efa98, 0xec4e6c89);
    const d1 = H1;
    const d2 = H2;
    hashList(0xf0, v.rng, d1, d2);
  }
  v.h1 = H1;
  v.h2 = H2;
  v.hashed = true;
}

function toBig(a: number, b: number): bigint {
  return (BigInt(a >>> 0) << 32n) | BigInt(b >>> 0);
}

export function fingerprint(v: Value): bigint {
  hashValue(v);
  return toBig(H1, H2);
}

export function fingerprintState(s: State): bigint {
  hashList(0x57a7e, s, 0x452821e6, 0x38d01377);
  return toBig(H1, H2);
}

/** The two lanes, for callers that keep their own 2x32-bit tables. */
export function fingerprintLanes(v: Value): [number, number] {
  hashValue(v);
  return [H1, H2];
}
