import { describe, expect, it } from 'vitest';
import { checkers, makeConfig, replayTrace, runSimulation, summarize, type DeepPartial, type NodeReducer, type SimConfig } from '../../src/sim/index.js';
import { fullReplica } from './fake-reducers.js';

const small = (over: DeepPartial<SimConfig> = {}): SimConfig =>
  // The toy keeps one local copy per node and acks after it: the unreplicated path's contract (ackReplicas 1).
  makeConfig({ nodes: 3, users: 20, messages: 60, seed: 7, node: { replicas: 0 }, phases: { warmupMs: 10, healMs: 1000 }, ...over });

const toy = fullReplica() as NodeReducer<unknown>;

function traceOf(config: SimConfig, reducer = toy): string {
  const lines: string[] = [];
  runSimulation(config, { reducer, trace: { sink: (l) => lines.push(l), version: 'test' } });
  return lines.join('\n') + '\n';
}

describe('runSimulation with a toy full-replica node', () => {
  it('without faults every acknowledged message is retrievable from every node and every check passes', () => {
    const r = runSimulation(small(), { reducer: toy });
    const checks = checkers.checkAll(r, { spreadMaxNodes: 3 });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checkers.spreadBound(r, 2)).toMatchObject({ ok: false, soft: true });
    expect(summarize(r, [...checks, checkers.spreadBound(r, 2)]).ok).toBe(true); // soft: warned, not failed
    const s = summarize(r, checks);
    expect(s.attempted).toBe(60);
    expect(s.acknowledged).toBe(60);
    expect(s.retrievable + s.deletedByClients).toBe(60);
    expect(s.spread).toEqual({ 3: r.holders.size });
    expect(r.history.listings.filter((l) => l.final).length).toBe(3 * r.history.touchedUsers.size);
    expect(r.phases.workloadCompleted && r.phases.finalCheckCompleted).toBe(true);
  });

  it('message loss makes the toy (which never retries) lose replicas, and noLoss/listingsAgree say so', () => {
    const r = runSimulation(small({ faults: { lossRate: 0.3 } }), { reducer: toy });
    expect(r.network.lost).toBeGreaterThan(0);
    expect(checkers.noLoss(r).ok).toBe(false);
    expect(checkers.noLoss(r).examples[0]).toMatch(/missing from n\d's listing/);
    expect(checkers.listingsAgree(r).ok).toBe(false);
  });

  it('duplication is harmless to an idempotent store (no duplicate listing entries)', () => {
    const r = runSimulation(small({ faults: { dupRate: 0.5 } }), { reducer: toy });
    expect(r.network.duplicated).toBeGreaterThan(0);
    expect(checkers.exactlyOnceListing(r).ok).toBe(true);
    expect(checkers.noLoss(r).ok).toBe(true);
  });

  it('a reducer that throws stops the run and fails noReducerThrew', () => {
    const r = runSimulation(small(), { reducer: fullReplica({ throwOnData: 3 }) as NodeReducer<unknown> });
    const c = checkers.noReducerThrew(r);
    expect(c.ok).toBe(false);
    expect(c.examples[0]).toContain('planted failure');
  });

  it('an invariant violation stops the run and is reported with its step', () => {
    const r = runSimulation(small(), { reducer: toy, invariant: (w) => (w.counters.steps >= 50 ? 'too many steps' : undefined) });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatch(/^step 50 at n\d: too many steps$/);
    expect(r.steps).toBe(50);
  });

  it('a wrong body is caught by byteIdenticalBodies', () => {
    const r = runSimulation(small(), { reducer: toy });
    const first = [...r.history.acked.values()].find((m) => !r.history.deleted.has(m.msgId));
    expect(first).toBeDefined();
    const listing = r.history.listings.find((l) => l.final && l.msgIds.includes(first!.msgId));
    listing!.bodies.set(first!.msgId, first!.body + 'x');
    expect(checkers.byteIdenticalBodies(r).ok).toBe(false);
  });
});

describe('traces and replay', () => {
  it('same seed gives identical trace bytes; another seed a different trace', () => {
    const config = small({ faults: { lossRate: 0.05, dupRate: 0.05, reorderRate: 0.1 }, trace: { checkpointEverySteps: 50 } });
    const a = traceOf(config);
    expect(traceOf(config)).toBe(a);
    expect(traceOf({ ...config, seed: 8 })).not.toBe(a);
    const lines = a.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kind: 'header', spec: 'Porcupine', seed: 7, version: 'test' });
    const events = lines.filter((l) => 'action' in l);
    expect(events.length).toBeGreaterThan(0);
    expect(Object.keys(events[0])).toEqual(['i', 't', 'node', 'action', 'args', 'state']);
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'end' });
    expect(lines.some((l) => l.kind === 'checkpoint')).toBe(true);
  });

  it('replay of an untouched trace is OK', () => {
    const text = traceOf(small({ trace: { checkpointEverySteps: 50 } }));
    const v = replayTrace(text, { reducer: toy });
    expect(v).toMatchObject({ ok: true, recordedVersion: 'test' });
    expect(v.linesCompared).toBe(text.trim().split('\n').length);
  });

  it('replay detects a tampered event, a tampered digest, a missing line, a truncated trace and a tampered header', () => {
    const text = traceOf(small({ trace: { checkpointEverySteps: 50 } }));
    const lines = text.trim().split('\n');
    const evIdx = lines.findIndex((l) => l.includes('"action":"Ack"'));
    const tamperedEvent = [...lines];
    tamperedEvent[evIdx] = tamperedEvent[evIdx].replace('"action":"Ack"', '"action":"Nack"');
    const v1 = replayTrace(tamperedEvent.join('\n'), { reducer: toy });
    expect(v1.ok).toBe(false);
    expect(v1.divergence?.line).toBe(evIdx + 1);
    expect(v1.divergence?.what).toContain('Nack');

    const cpIdx = lines.findIndex((l) => l.startsWith('{"kind":"checkpoint"'));
    const tamperedDigest = [...lines];
    tamperedDigest[cpIdx] = tamperedDigest[cpIdx].replace(/"n2":"[0-9a-f]+"/, '"n2":"0000000000000000"');
    const v2 = replayTrace(tamperedDigest.join('\n'), { reducer: toy });
    expect(v2.divergence?.line).toBe(cpIdx + 1);
    expect(v2.divergence?.what).toMatch(/digests differ .* n2/);

    const missing = [...lines.slice(0, -3), ...lines.slice(-1)]; // lines removed before the end line
    const v3 = replayTrace(missing.join('\n'), { reducer: toy });
    expect(v3.ok).toBe(false);
    expect(v3.divergence?.line).toBe(lines.length - 2); // where the end line now stands
    // Cut off: not a divergence but an unreadable trace (the CLI exits 2), whether at a line end or mid-line.
    expect(() => replayTrace(lines.slice(0, -3).join('\n'), { reducer: toy })).toThrow(/truncated: it ends at line \d+ without its "end" line/);
    expect(() => replayTrace(text.slice(0, Math.floor(text.length / 2)), { reducer: toy })).toThrow(/not JSON: the trace is truncated/);

    const otherSeed = [lines[0].replaceAll('"seed":7', '"seed":9'), ...lines.slice(1)];
    expect(replayTrace(otherSeed.join('\n'), { reducer: toy }).ok).toBe(false);
    const inconsistent = [lines[0].replace('"seed":7', '"seed":9'), ...lines.slice(1)];
    expect(replayTrace(inconsistent.join('\n'), { reducer: toy }).divergence?.what).toMatch(/disagrees/);
  });

  it('replay of a trace from a different reducer diverges (behaviour changed)', () => {
    const text = traceOf(small());
    const v = replayTrace(text, { reducer: fullReplica({ ackBeforeDurable: true }) as NodeReducer<unknown> });
    expect(v.ok).toBe(false);
  });

  it('rejects a file that is not a trace, in words', () => {
    expect(() => replayTrace('hello\n')).toThrow(/not JSON/);
    expect(() => replayTrace('{"a":1}\n')).toThrow(/not a simulation trace header/);
    expect(() => replayTrace('')).toThrow(/empty/);
  });
});
