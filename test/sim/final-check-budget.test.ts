// Issue 13: the final check's length grows with users x nodes, so a fixed budget failed big fault-free runs
// (`--nodes 30 --users 100000 --messages 200000`). It now runs while it makes progress and, when it stalls,
// says which phase and what is outstanding.
import { describe, expect, it } from 'vitest';
import { checkers, makeConfig, runSimulation } from '../../src/sim/index.js';

describe('final check budget', () => {
  it('a final check far longer than finalCheckMsMax completes while users keep finishing', () => {
    // One user at a time, 60 users x 3 nodes: over a second of virtual time against a 300 ms stall bound
    // (each user's check takes tens of ms).
    const r = runSimulation(makeConfig({ seed: 3, nodes: 3, users: 60, messages: 180, phases: { finalCheckConcurrency: 1, finalCheckMsMax: 300 } }));
    expect(r.phases.finalCheckEndMs - r.phases.healEndMs).toBeGreaterThan(3 * 300);
    expect(r.phases.finalCheckCompleted).toBe(true);
    expect(r.phases.finalCheckUsersDone).toBe(r.phases.finalCheckUsers);
    expect(checkers.phasesCompleted(r).ok).toBe(true);
  });

  it('a stalled final check fails phasesCompleted naming the users still being checked and where', () => {
    // A 1 ms stall bound: no user's check (several RPC round trips) can finish within it.
    const r = runSimulation(makeConfig({ seed: 3, nodes: 3, users: 20, messages: 40, phases: { finalCheckMsMax: 1 } }));
    expect(r.phases.finalCheckCompleted).toBe(false);
    const c = checkers.phasesCompleted(r);
    expect(c.ok).toBe(false);
    expect(c.examples[0]).toMatch(/^the final check stalled: 0 of \d+ users checked, none finished in its last 1ms \(stopped at \d+ms\); still being checked: user\d+ at n1/);
  });
});
