import fc from 'fast-check';
import { it } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { checkSchedule, runArb } from './fault-run.js';
import { checkProtocolSchedule, scheduleArb } from './protocol-run.js';

const flags: (keyof MembershipBugs)[] = (process.env.FLAGS ?? '').split(',') as (keyof MembershipBugs)[];
it('more', () => {
  for (const f of flags) for (const seed of [20261124, 1, 424242]) {
    const b: MembershipBugs = { [f]: true };
    const t0 = Date.now();
    const d = fc.check(fc.property(runArb, ({ seed: s, steps }) => { checkSchedule(s, steps, b); }), { seed, numRuns: Number(process.env.RUNS ?? 600), endOnFailure: true });
    const p = process.env.PROTO ? fc.check(fc.property(scheduleArb, (s) => { checkProtocolSchedule(s, b); }), { seed, numRuns: 200, endOnFailure: true }) : undefined;
    console.log(`RES ${f} seed=${seed} sim=${d.failed ? 'FAIL@' + d.numRuns + ' ' + String(d.errorInstance).slice(0, 150) : 'pass'} proto=${p === undefined ? '-' : p.failed ? 'FAIL@' + p.numRuns : 'pass'} ${Date.now() - t0}ms`);
  }
}, 900_000);
