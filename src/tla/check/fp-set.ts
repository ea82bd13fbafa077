// The seen set: 64-bit fingerprints -> dense state index, open addressing with linear probing in typed
// arrays (8 bytes key + 4 bytes index per slot, load factor <= 0.5), so a million states cost ~24 MB.
// Fingerprint 0 is the empty-slot marker; a real 0 is remapped to 1 (a collision chance of 2^-64).

const INITIAL_CAPACITY = 1 << 12;

export class FingerprintSet {
  private keys = new BigUint64Array(INITIAL_CAPACITY);
  private vals = new Int32Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The index stored for fp, or -1. */
  get(fp: bigint): number {
    const k = fp === 0n ? 1n : fp;
    let i = Number(k & 0xffffffffn) & this.mask;
    for (;;) {
      const cur = this.keys[i];
      if (cur === k) return this.vals[i];
      if (cur === 0n) return -1;
      i = (i + 1) & this.mask;
    }
  }

  /** Inserts fp -> index unless fp is present; returns the existing index or -1 when inserted. */
  putIfAbsent(fp: bigint, index: number): number {
    const k = fp === 0n ? 1n : fp;
    let i = Number(k & 0xffffffffn) & this.mask;
    for (;;) {
      const cur = this.keys[i];
      if (cur === k) return this.vals[i];
      if (cur === 0n) break;
      i = (i + 1) & this.mask;
    }
    this.keys[i] = k;
    this.vals[i] = index;
    if (++this.count * 2 > this.keys.length) this.grow();
    return -1;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    this.keys = new BigUint64Array(oldK.length * 2);
    this.vals = new Int32Array(oldK.length * 2);
    this.mask = this.keys.length - 1;
    for (let j = 0; j < oldK.length; j++) {
      const k = oldK[j];
      if (k === 0n) continue;
      let i = Number(k & 0xffffffffn) & this.mask;
      while (this.keys[i] !== 0n) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.vals[i] = oldV[j];
    }
  }
}

/** A growable typed array of int32 (parent pointers, labels, edges). */
export class IntVec {
  private data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i];
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** A growable array of 64-bit fingerprints, indexed by state index (for trace reconstruction). */
export class FpVec {
  private data = new BigUint64Array(1024);
  length = 0;
  push(v: bigint): void {
    if (this.length === this.data.length) {
      const d = new BigUint64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  get(i: number): bigint {
    return this.data[i];
  }
  view(): BigUint64Array {
    return this.data.subarray(0, this.length);
  }
}
