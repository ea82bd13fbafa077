// Shared by the target tests: run one experiment at the short scale and check its targets (targets.ts):
// a target without a documented miss must be met; a documented miss must still be a miss, so a model
// change that starts meeting it shows up as a stale explanation.
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../../src/hardware-model/experiments/index.js';
import { runExperiment } from '../../src/hardware-model/experiment-runner.js';
import { checkTargets, formatTarget } from '../../src/hardware-model/targets.js';

export function describeTargets(name: string): void {
  describe(`hardware model, experiment ${name} (short run)`, () => {
    it('meets every target it does not document as a miss, and misses the documented ones', () => {
      const exp = findExperiment(name);
      if (exp === undefined) throw new Error(`no experiment ${name}`);
      const targets = checkTargets(name, runExperiment(exp, 'short').rows);
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) {
        expect({ target: formatTarget(t), met: t.met }).toEqual({ target: formatTarget(t), met: t.knownMiss === undefined });
      }
    });
  });
}
