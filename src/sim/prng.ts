// The simulator's only source of randomness: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator),
// seeded from one number. Every knob of a run draws from a stream forked off the run's seed by a label, so
// that adding a fault kind does not shift the workload's choices (TigerBeetle's VOPR habit: one seed, many
// independent streams). No ambient randomness anywhere in src/sim or src/pure (the tidy test enforces it).
import { fnv1a32, mix32 } from '../pure/hash.js';

const TWO_POW_32 = 4294967296;

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` may be any safe integer; its high and low 32-bit halves both matter. */
  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    this.a = mix32(lo);
    this.b = mix32(hi ^ 0x6a09e667);
    this.c = mix32(lo ^ 0xbb67ae85);
    this.d = 1; // the counter; sfc32 has no bad seeds when the counter starts non-zero
    // Warm-up: the first outputs of sfc32 are correlated with the seed (the reference discards 12).
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of precision (enough for fault rates and Zipf sampling). */
  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** A uniform integer in [0, n). Uses multiply-shift, so the bias is below 2^-32 * n. */
  int(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** True with probability `p` (p <= 0 never draws, so a disabled fault costs no randomness). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    return this.nextFloat() < p;
  }

  /** An independent stream named `label`, derived from this stream's current state. */
  fork(label: string): Prng {
    const h = fnv1a32(label);
    // Keep the derived seed a safe integer (53 bits) so the constructor's split is exact.
    const s = (mix32(this.nextU32() ^ h) & 0x1fffff) * TWO_POW_32 + (mix32(this.nextU32() + h) >>> 0);
    return new Prng(s);
  }

  /** The generator's state, for tests and debugging. */
  snapshot(): readonly [number, number, number, number] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }
}

/** Derive the named streams of one run from its seed; the order of labels never matters. */
export function streamFor(seed: number, label: string): Prng {
  return new Prng(seed).fork(label);
}
