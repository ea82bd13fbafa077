// Deterministic randomness derived from Env.entropy: a reducer that needs several random numbers in one
// step asks for them with distinct salts, so the same input and env always give the same choices.
import { mix32 } from './hash.js';
import type { Env } from './types.js';

/** A uniform integer in [0, n). */
export function randomInt(env: Env, salt: number, n: number): number {
  if (n <= 1) return 0;
  return mix32((env.entropy ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0) % n;
}
