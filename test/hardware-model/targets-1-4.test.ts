// The paper's targets for experiments 1–4 (issue 11), each checked on a short run of the hardware model:
// a target the model was calibrated on or predicts must be met (±10%); a target the model misses must be
// missed for the documented reason (targets.ts knownMiss, docs/hardware-model.md), so that a model change
// that starts meeting it shows up here.
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../../src/hardware-model/experiments/index.js';
import { runExperiment } from '../../src/hardware-model/experiment-runner.js';
import { checkTargets, formatTarget } from '../../src/hardware-model/targets.js';

function targetsOf(name: string): ReturnType<typeof checkTargets> {
  const exp = findExperiment(name);
  if (exp === undefined) throw new Error(`no experiment ${name}`);
  return checkTargets(name, runExperiment(exp, 'short').rows);
}

for (const name of ['single-node', 'fast-disks', 'network-limit', 'scaling']) {
  describe(`hardware model, experiment ${name} (short run)`, () => {
    it('meets every target it does not document as a miss, and misses the documented ones', () => {
      const targets = targetsOf(name);
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) {
        expect({ target: formatTarget(t), met: t.met }).toEqual({ target: formatTarget(t), met: t.knownMiss === undefined });
      }
    });
  });
}
