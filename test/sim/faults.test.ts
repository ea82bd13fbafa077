import { describe, expect, it } from 'vitest';
import { checkers, makeConfig, replayTrace, runSimulation, validateConfig, type NodeReducer, type SimConfig } from '../../src/sim/index.js';
import { fullReplica } from './fake-reducers.js';

const toy = fullReplica() as NodeReducer<unknown>;
const base = (schedule: SimConfig['schedule']): SimConfig =>
  makeConfig({ nodes: 3, users: 20, messages: 200, seed: 5, schedule, phases: { warmupMs: 10, healMs: 1000 }, trace: { checkpointEverySteps: 100 } });

describe('scheduled faults', () => {
  it('a crash aborts the sessions at that node, the node misses what was sent meanwhile, the heal phase restarts it', () => {
    const lines: string[] = [];
    const config = makeConfig({ ...base([{ kind: 'crash', atMs: 50, node: 'n2' }]), diskLatencyMs: 20 });
    const r = runSimulation(config, { reducer: toy, trace: { sink: (l) => lines.push(l), version: 't' } });
    expect(r.world.crashes).toBe(1);
    expect(r.world.restarts).toBe(1); // by the heal phase
    expect(r.nodesUp).toEqual(['n1', 'n2', 'n3']);
    expect(r.history.counters.aborted).toBeGreaterThan(0);
    expect(checkers.everyRequestAnswered(r).ok).toBe(true); // a broken connection is an answer
    // The toy has no recovery, so mail sent while n2 was down is missing there: the checkers must see it.
    const loss = checkers.noLoss(r);
    expect(loss.ok).toBe(false);
    expect(loss.examples.every((e) => e.includes("from n2's listing"))).toBe(true);
    const actions = lines.filter((l) => l.startsWith('{"i"')).map((l) => JSON.parse(l) as { action: string; node: string });
    expect(actions.filter((a) => a.action === 'Crash')).toEqual([expect.objectContaining({ node: 'n2' })]);
    expect(actions.filter((a) => a.action === 'Restart')).toEqual([expect.objectContaining({ node: 'n2' })]);
  });

  it('acknowledging before durability loses acknowledged mail in a crash, and noLoss catches it', () => {
    // One node: R = 1 (a config never asks for more copies than nodes; the toy reducers ignore R anyway).
    const config = makeConfig({ ...base([{ kind: 'crash', atMs: 30, node: 'n1' }]), diskLatencyMs: 50, nodes: 1, node: { replicas: 1 } });
    const r = runSimulation(config, { reducer: fullReplica({ ackBeforeDurable: true }) as NodeReducer<unknown> });
    expect(r.disk.writesLost).toBeGreaterThan(0);
    expect(checkers.noLoss(r).ok).toBe(false);
    expect(checkers.ackedDurable(r, 1).examples[0]).toMatch(/acknowledged by n1 at .* with 0 durable copies \(< 1\)/);
    // The honest toy (250 only after `persisted`) loses nothing acknowledged in the same crash.
    const honest = runSimulation(config, { reducer: toy });
    expect(honest.disk.writesLost).toBeGreaterThan(0);
    expect(checkers.noLoss(honest).ok).toBe(true);
    expect(checkers.ackedDurable(honest, 1).ok).toBe(true);
  });

  it('a partition cuts traffic between groups until healNetwork; the run replays from its header', () => {
    const config = base([
      { kind: 'partition', atMs: 20, groups: [['n1', 'n2'], ['n3']] },
      { kind: 'healNetwork', atMs: 120 },
      { kind: 'cut', atMs: 150, from: 'n1', to: 'n2' },
    ]);
    const lines: string[] = [];
    const r = runSimulation(config, { reducer: toy, trace: { sink: (l) => lines.push(l), version: 't' } });
    expect(r.network.cut).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('"kind":"fault"'))).toHaveLength(3);
    expect(replayTrace(lines.join('\n'), { reducer: toy }).ok).toBe(true);
  });

  it('a schedule naming an unknown node is rejected in words', () => {
    expect(validateConfig(base([{ kind: 'crash', atMs: 1, node: 'n9' }]))).toEqual(["schedule[0]: unknown node 'n9' (nodes are n1..n3)"]);
    expect(() => runSimulation(base([{ kind: 'restart', atMs: -1, node: 'n1' }]), { reducer: toy })).toThrow(/atMs must be a number >= 0/);
  });
});
