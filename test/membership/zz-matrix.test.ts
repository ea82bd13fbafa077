import fc from 'fast-check';
import { it } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { checkSchedule, runArb } from './fault-run.js';
import { checkProtocolSchedule, scheduleArb } from './protocol-run.js';
import { bigCase, checkBalanced, checkBigMinimal, checkDeterministic, checkMinimal, checkStamping, smallCase } from './reassign-checks.js';
import { fourCases } from './four-cases.js';

const flags: (keyof MembershipBugs)[] = ['noPingRing','noProbes','acceptStaleEpoch','membershipFromProposalNotAnswers','reassignMovesEverything','reassignUnbalanced','reassignInListOrder','noRestampOfRestarted','skipSoftStateReports','forgetJoinedNodeReportsAll','keepDepartedNodes','neverRetryReports'];
const seed = 20261124;
function first(d: fc.RunDetails<unknown>): string { return d.failed ? `FAIL@${d.numRuns}` : 'pass'; }
it('matrix', () => {
  for (const f of flags) {
    const b: MembershipBugs = { [f]: true };
    const t0 = Date.now();
    const row: string[] = [f];
    const q = (name: string, d: fc.RunDetails<unknown>) => row.push(`${name}=${first(d)}`);
    q('proto', fc.check(fc.property(scheduleArb, (s) => { checkProtocolSchedule(s, b); }), { seed, numRuns: 200, endOnFailure: true }));
    q('sim', fc.check(fc.property(runArb, ({ seed: s, steps }) => { checkSchedule(s, steps, b); }), { seed, numRuns: 200, endOnFailure: true }));
    q('bal', fc.check(fc.property(smallCase, (c) => checkBalanced(c, b)), { seed, numRuns: 200, endOnFailure: true }));
    q('min', fc.check(fc.property(smallCase, (c) => checkMinimal(c, b)), { seed, numRuns: 200, endOnFailure: true }));
    q('stamp', fc.check(fc.property(smallCase, (c) => checkStamping(c, b)), { seed, numRuns: 200, endOnFailure: true }));
    q('det', fc.check(fc.property(smallCase, fc.integer(), (c, s) => checkDeterministic(c, s, b)), { seed, numRuns: 200, endOnFailure: true }));
    q('big', fc.check(fc.property(bigCase, (c) => checkBigMinimal(c, b)), { seed, numRuns: 50, endOnFailure: true }));
    fourCases.forEach((c, i) => { let ok = true; try { c.run(b); } catch { ok = false; } row.push(`case${i + 1}=${ok ? 'pass' : 'FAIL'}`); });
    row.push(`${Date.now() - t0}ms`);
    console.log(row.join(' '));
  }
}, 600_000);
