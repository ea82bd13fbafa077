// Tracing observes without changing what it observes (issue 13): a traced run and an untraced run of one
// config end in identical node states, under crashes. Before the fix, writing each trace event folded the
// simulated disk's write log, so a crash that mishandled completed-but-unfolded writes behaved differently
// in a traced run — and could never show in a trace. The seeded disk bug below is that class of bug.
import { describe, expect, it } from 'vitest';
import { makeConfig, runSimulation, type SimConfig, type SimOptions } from '../../src/sim/index.js';

const crashy: SimConfig = makeConfig({
  seed: 11,
  nodes: 4,
  users: 6,
  messages: 60,
  workload: { popFraction: 0.3, deleteProbability: 0.4, arrivalIntervalMs: 40 },
  schedule: [
    { kind: 'crash', atMs: 700, node: 'n2' },
    { kind: 'restart', atMs: 1200, node: 'n2' },
    { kind: 'crash', atMs: 1500, node: 'n3' },
    { kind: 'crash', atMs: 1900, node: 'n1' },
    { kind: 'restart', atMs: 2300, node: 'n3' },
    { kind: 'restart', atMs: 2600, node: 'n1' },
  ],
});

function outcome(config: SimConfig, traced: boolean, options: SimOptions = {}): { digests: Record<string, string>; steps: number; acked: number; lost: number; crashes: number; trace: string[] } {
  const trace: string[] = [];
  const r = runSimulation(config, traced ? { ...options, trace: { sink: (l) => trace.push(l), version: 'test' } } : options);
  return { digests: { ...r.digests }, steps: r.steps, acked: r.history.counters.acknowledged, lost: r.disk.writesLost, crashes: r.world.crashes, trace };
}

describe('tracing observes without changing what it observes', () => {
  for (const state of ['counts', 'mailboxes'] as const) {
    it(`a traced run (trace state '${state}') and an untraced run end with identical state digests, under crashes`, () => {
      const config = { ...crashy, trace: { ...crashy.trace, state } };
      const plain = outcome(config, false);
      const traced = outcome(config, true);
      expect(traced.trace.length).toBeGreaterThan(100);
      expect(plain.crashes).toBe(3);
      expect(traced.digests).toEqual(plain.digests);
      expect(traced.steps).toBe(plain.steps);
      expect(traced.acked).toBe(plain.acked);
    });
  }

  it('seeded bug: a crash that drops completed-but-unfolded writes behaves the same traced and untraced, and shows in the trace', () => {
    const options: SimOptions = { diskBugs: { crashDropsUnfoldedWrites: true } };
    const buggyPlain = outcome(crashy, false, options);
    const buggyTraced = outcome(crashy, true, options);
    const correct = outcome(crashy, false);
    // The bug does something in this run (writes durable before the crash are gone)...
    expect(buggyPlain.lost).toBeGreaterThan(correct.lost);
    expect(buggyPlain.digests).not.toEqual(correct.digests);
    // ...and tracing no longer hides it: the traced run loses the same writes and ends in the same state.
    expect(buggyTraced.lost).toBe(buggyPlain.lost);
    expect(buggyTraced.digests).toEqual(buggyPlain.digests);
    expect(buggyTraced.trace).not.toEqual(outcome(crashy, true).trace);
  });
});
