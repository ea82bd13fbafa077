// Node faults (issues 4 and 5): join, leave, permanent disk loss, the random generator behind
// `--faults crash,restart,partition,join,leave,churn,loseDisk`, and what the summary reports about them.
import { describe, expect, it } from 'vitest';
import {
  checkers, makeConfig, noAnomalyAfterBound, randomFaults, replayTrace, runSimulation, summarize, validateConfig,
  type DeepPartial, type NodeReducer, type ScheduledFault, type SimConfig,
} from '../../src/sim/index.js';
import { fullReplica } from './fake-reducers.js';

const real = (schedule: ScheduledFault[], over: DeepPartial<SimConfig> = {}): SimConfig =>
  makeConfig({ seed: 5, nodes: 4, users: 10, messages: 30, schedule, workload: { popFraction: 0.2, deleteProbability: 0.3, arrivalIntervalMs: 200 }, ...over });

const failed = (c: SimConfig): string[] => {
  const r = runSimulation(c);
  return [...checkers.checkAll(r), noAnomalyAfterBound(r)].filter((x) => !x.ok && !x.soft).map((x) => `${x.name}: ${x.examples[0]}`);
};

describe('node faults on the real node (R = 2 by default)', () => {
  it('join: a new node with an empty disk is admitted by a view and serves the final check; nothing is lost', () => {
    const c = real([{ kind: 'join', atMs: 1000, node: 'n5' }]);
    const r = runSimulation(c);
    expect(r.nodesUp).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(r.reconfig.joins).toBe(1);
    expect(r.history.listings.some((l) => l.final && l.node === 'n5' && l.error === undefined)).toBe(true);
    expect(r.reconfig.membershipChanges).toBeGreaterThanOrEqual(2); // the boot view, then the one with n5
    expect(r.reconfig.convergeMs).not.toBeNull();
    expect(failed(c)).toEqual([]);
  });

  it('leave: the node stops for good (the heal phase does not restart it) and its mail is still listed (R = 2)', () => {
    const c = real([{ kind: 'leave', atMs: 3000, node: 'n2' }]);
    const r = runSimulation(c);
    expect(r.nodesUp).toEqual(['n1', 'n3', 'n4']);
    expect(r.reconfig.leaves).toBe(1);
    expect(failed(c)).toEqual([]);
  });

  it('loseDisk: one disk lost for good loses no acknowledged mail with R = 2; the node comes back empty', () => {
    const c = real([{ kind: 'loseDisk', atMs: 4000, node: 'n3' }]);
    const r = runSimulation(c);
    expect(r.reconfig.disksLost).toBe(1);
    expect(r.nodesUp).toHaveLength(4);
    expect(summarize(r, []).reconfig.lostWithReplicas).toBe(0);
    expect(failed(c)).toEqual([]);
  });

  it('losing both disks that held a message loses it, and the checkers count it apart instead of as loss', () => {
    const c = real([{ kind: 'loseDisk', atMs: 4000, node: 'n1' }, { kind: 'loseDisk', atMs: 4001, node: 'n2' }], { messages: 60 });
    const r = runSimulation(c);
    const lost = summarize(r, []).reconfig.lostWithReplicas;
    expect(lost).toBeGreaterThan(0);
    expect(checkers.noLoss(r).ok).toBe(true);
  });

  it('the unreplicated path is still there: replicas 0 acknowledges after one copy, and loses mail with a lost disk', () => {
    const c = real([{ kind: 'loseDisk', atMs: 4000, node: 'n1' }], { node: { replicas: 0 } });
    const r = runSimulation(c);
    expect(checkers.ackedDurable(r, 2).ok).toBe(false); // one copy at the ack: not enough for R = 2's promise
    expect(checkers.checkAll(r).find((x) => x.name === 'ackedDurable')?.ok).toBe(true); // the default asks 1 here
    expect(summarize(r, []).reconfig.lostWithReplicas).toBeGreaterThan(0);
  });

  it('a partition healed only by the heal phase: the summary reports views, membership changes and convergence', () => {
    const c = real([{ kind: 'partition', atMs: 500, groups: [['n1', 'n2'], ['n3', 'n4']] }]);
    const r = runSimulation(c);
    const s = summarize(r, []);
    expect(s.reconfig.viewsInstalled).toBeGreaterThanOrEqual(3); // boot, two sides, the merge
    expect(s.reconfig.convergeMs).toBeGreaterThan(0);
    expect(s.reconfig.convergeMs).toBeLessThan(c.phases.healMs);
    expect(s.anomalies?.afterBound).toEqual({ duplicates: 0, reappearingDeletes: 0, divergentViews: 0 });
  });

  it('a run with joins, leaves and disk losses replays from its trace header', () => {
    const c = real([{ kind: 'join', atMs: 500, node: 'n5' }, { kind: 'loseDisk', atMs: 1500, node: 'n2' }, { kind: 'leave', atMs: 2500, node: 'n4' }], { messages: 15 });
    const lines: string[] = [];
    runSimulation(c, { trace: { sink: (l) => lines.push(l), version: 't' } });
    expect(lines.filter((l) => l.includes('"kind":"fault"'))).toHaveLength(3);
    expect(replayTrace(lines.join('\n'))).toMatchObject({ ok: true });
  });
});

describe('the checkers with replication', () => {
  it('ackedDurable asks for ackReplicas copies by default: a node acking after one copy fails it at R = 2', () => {
    const toy = fullReplica() as NodeReducer<unknown>;
    const c = makeConfig({ nodes: 3, users: 20, messages: 40, seed: 7, phases: { warmupMs: 10, healMs: 1000 } });
    const r = runSimulation(c, { reducer: toy });
    const acked = checkers.checkAll(r).find((x) => x.name === 'ackedDurable');
    expect(acked?.ok).toBe(false);
    expect(acked?.examples[0]).toMatch(/with 1 durable copies \(< 2\)/);
    expect(checkers.checkAll(r, { ackedCopiesMin: 1 }).find((x) => x.name === 'ackedDurable')?.ok).toBe(true);
  });
});

describe('random node faults', () => {
  const cfg = (rates: Record<string, number>, seed = 9): SimConfig => makeConfig({ seed, nodes: 5, messages: 100, faults: { nodeFaultRates: rates } });

  it('are a pure function of the seed, and each kind draws from its own stream', () => {
    const a = randomFaults(cfg({ crash: 0.5, restart: 0.5 }));
    expect(randomFaults(cfg({ crash: 0.5, restart: 0.5 }))).toEqual(a);
    expect(a.some((f) => f.kind === 'crash')).toBe(true);
    expect(randomFaults(cfg({ crash: 0.5, restart: 0.5 }, 10))).not.toEqual(a);
    // Adding partitions does not move the crashes.
    const withPartitions = randomFaults(cfg({ crash: 0.5, restart: 0.5, partition: 0.3 }));
    expect(withPartitions.filter((f) => f.kind === 'crash')).toEqual(a.filter((f) => f.kind === 'crash'));
    expect(randomFaults(cfg({}))).toEqual([]);
  });

  it('never stop a node that is not running, keep two running, and name joiners n6, n7, ... in order', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const faults = randomFaults(cfg({ crash: 0.4, restart: 0.2, leave: 0.3, churn: 0.4, join: 0.2, loseDisk: 0.2, partition: 0.2 }, seed));
      const running = new Set(['n1', 'n2', 'n3', 'n4', 'n5']);
      let next = 6;
      for (const f of faults) {
        if (f.kind === 'join') expect(f.node).toBe(`n${next++}`), running.add(f.node);
        if (f.kind === 'crash' || f.kind === 'leave') expect(running.delete(f.node), `${seed}: ${f.kind} ${f.node}`).toBe(true);
        if (f.kind === 'restart') running.add(f.node);
        if (f.kind === 'loseDisk') expect(running.has(f.node)).toBe(true);
        expect(running.size).toBeGreaterThanOrEqual(2);
      }
      expect(validateConfig({ ...cfg({}), schedule: faults })).toEqual([]);
    }
  });

  it('rates turn into a run whose summary counts the faults (churn: leaves and joins)', () => {
    const r = runSimulation(makeConfig({ seed: 2, nodes: 5, users: 50, messages: 200, faults: { nodeFaultRates: { churn: 0.3 } } }));
    expect(r.reconfig.leaves).toBeGreaterThan(0);
    expect(r.reconfig.joins).toBe(r.reconfig.leaves);
    expect(r.schedule.filter((f) => f.kind === 'join')).toHaveLength(r.reconfig.joins);
  });

  it('validateConfig rejects a join that names an existing node, and a bad replication factor', () => {
    expect(validateConfig(makeConfig({ nodes: 3, schedule: [{ kind: 'join', atMs: 1, node: 'n2' }] }))).toEqual([
      "schedule[0]: a joining node must be a new n<k> with k > 3, got 'n2'",
    ]);
    expect(validateConfig(makeConfig({ node: { replicas: 4 } }))[0]).toMatch(/replicas must be 1, 2 or 3/);
    expect(validateConfig(makeConfig({ node: { replicas: 2, ackReplicas: 3 } }))[0]).toMatch(/ack replicas must be between 1 and/);
  });
});
