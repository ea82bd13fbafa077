// The membership properties' runs (WorldDriver clusters, not the simulator) are validated against
// spec/PorcupineMembership.tla through test/support/driver-trace.ts: a run of the protocol schedule is
// validated (the counters move), and a run with a forged step is rejected at that step.
import { describe, expect, it } from 'vitest';
import { checkProtocolSchedule } from '../membership/protocol-run.js';
import { checkDriverRun, driverValidationStats, recordLifecycle } from '../support/driver-trace.js';
import { MembershipCluster } from '../support/world-driver.js';
import { traceValidationOn } from '../../properties/support/validated-sim.js';

describe('membership property runs are validated against PorcupineMembership', () => {
  it('a schedule with a crash, a restart and a partition is validated (unless TRACE_VALIDATE=0)', () => {
    const before = { ...driverValidationStats };
    const steps = [
      { gapMs: 1500, fault: { kind: 'crash' as const, node: 'n2' } },
      { gapMs: 500, fault: { kind: 'partition' as const, side: ['n1', 'n3'] } },
      { gapMs: 2500, fault: { kind: 'restart' as const, node: 'n2' } },
    ];
    checkProtocolSchedule({ seed: 7, steps });
    if (!traceValidationOn()) return;
    expect(driverValidationStats.runs).toBe(before.runs + 1);
    expect(driverValidationStats.events - before.events).toBeGreaterThan(20);
  });

  it('a forged install of a view nobody committed is rejected at its step', () => {
    if (!traceValidationOn()) return; // nothing is validated then
    const c = new MembershipCluster(['n1', 'n2', 'n3'], 5);
    recordLifecycle(c, { boots: true });
    for (const n of ['n1', 'n2', 'n3']) c.boot(n);
    c.run(2000);
    expect(() => checkDriverRun(c, 'honest')).not.toThrow();
    c.traces.push({ at: c.now, node: 'n1', action: 'InstallView', args: { node: 'n1', epoch: 999_999, members: ['n1'] } });
    expect(() => checkDriverRun(c, 'forged')).toThrow(new RegExp(`forged: the run is not a behaviour of PorcupineMembership[^]*Trace validation failed at line ${c.traces.length + 1}`));
  });
});
