// The paper's synthetic workload (PORCUPINE.md "Evaluation setup" [seed]): 160,000 users per node, Zipf
// recipients, 90% SMTP / 10% POP, message sizes with a 4.7 KB mean and a heavy tail capped at 1 MB, the
// cluster saturated (closed-loop clients), deliveries counted. Size distribution [ours]: log-normal with
// σ = 1.3 (median ≈ 2 KB), μ chosen for the 4.7 KB mean, redrawn above 1 MB, at least 300 bytes (headers).
import type { Prng } from '../sim/prng.js';
import { WORKLOAD } from './parameters.js';

const MIN_BODY_BYTES = 300;

/** μ of the log-normal whose mean is `mean` for shape σ: mean = exp(μ + σ²/2). */
export function lognormalMu(mean: number, sigma: number): number {
  return Math.log(mean) - (sigma * sigma) / 2;
}

/** A sampler of body sizes in bytes: the paper's heavy tail, or a fixed size (experiment 3's 4.7 KB). */
export function bodySizeSampler(kind: 'paper' | { readonly fixedBytes: number }): (rng: Prng) => number {
  if (kind !== 'paper') return () => kind.fixedBytes;
  const sigma = WORKLOAD.bodySigma;
  const mu = lognormalMu(WORKLOAD.meanBodyBytes, sigma);
  return (rng) => {
    // Redraws are rare (P(size > 1 MB) ≈ 1e-6); the loop is bounded to keep it so.
    for (let i = 0; i < 100; i++) {
      // Box–Muller from two uniforms of the workload's own stream (deterministic per seed).
      const u1 = 1 - rng.nextFloat();
      const u2 = rng.nextFloat();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      const size = Math.round(Math.exp(mu + sigma * z));
      if (size <= WORKLOAD.maxBodyBytes) return Math.max(MIN_BODY_BYTES, size);
    }
    return WORKLOAD.maxBodyBytes;
  };
}
