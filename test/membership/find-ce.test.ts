import fc from 'fast-check';
import { it } from 'vitest';
import { checkSchedule, runArb } from './fault-run.js';
for (const bug of ['neverRetryReports', 'forgetJoinedNodeReportsAll', 'noRestampOfRestarted']) {
  it(bug, () => {
    for (const seed of [20261124, 424242]) {
      const d = fc.check(fc.property(runArb, ({ seed: s, steps }) => void checkSchedule(s, steps, { membershipBugs: { [bug]: true } })), { seed, numRuns: 1500, endOnFailure: true });
      if (d.failed) {
        const ce = d.counterexample![0];
        let ok = true;
        try { checkSchedule(ce.seed, ce.steps); } catch { ok = false; }
        console.log(`FOUND ${bug} SEED=${seed} run ${d.numRuns} realPasses=${ok} ${JSON.stringify(ce)}`);
        if (ok) return;
      } else console.log(`MISSED ${bug} SEED=${seed}`);
    }
  }, 1_200_000);
}
