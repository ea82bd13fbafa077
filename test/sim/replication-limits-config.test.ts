// SimConfig.node.replicationLimits (issue 13): a run may shorten the replication limits (the protocol's
// defaults stay); bad overrides are refused with one clear line each, and the nodes do use the overrides.
import { describe, expect, it } from 'vitest';
import { makeConfig, runSimulation, validateConfig } from '../../src/sim/index.js';

describe('replication limit overrides in the simulator config', () => {
  it('accepts a consistent override and refuses inconsistent or unknown ones in words', () => {
    expect(validateConfig(makeConfig({ node: { replicas: 2, replicationLimits: { logRetentionMs: 120_000, aliveMarkIntervalMs: 20_000, gcIntervalMs: 10_000 } } }))).toEqual([]);
    // The default alive mark (1 h) is far longer than a 2-minute retention: refused, with the rule.
    expect(validateConfig(makeConfig({ node: { replicas: 2, replicationLimits: { logRetentionMs: 120_000 } } }))).toEqual([
      'replication limits: 2 * aliveMarkIntervalMs + skew < logRetentionMs',
    ]);
    expect(validateConfig(makeConfig({ node: { replicas: 2, replicationLimits: { logRetentionMinutes: 2 } as never } }))[0]).toMatch(/^unknown replication limit logRetentionMinutes \(known: maxClockSkewMs, /);
  });

  it('the nodes run with the overrides: with a 60 s retention, log entries of a node that never comes back expire within the run', () => {
    const limits = { logRetentionMs: 60_000, aliveMarkIntervalMs: 10_000, gcIntervalMs: 5_000, maxPacketLifetimeMs: 20_000 };
    const expires = (over: object): number => {
      let n = 0;
      const c = makeConfig({ seed: 3, nodes: 3, users: 3, messages: 30, node: { replicas: 2, ...over }, schedule: [{ kind: 'leave', atMs: 1_500, node: 'n3' }], workload: { popFraction: 0, arrivalIntervalMs: 100 }, phases: { healMs: 90_000 } });
      runSimulation(c, { trace: { sink: (l) => void (l.includes('"action":"ReplExpire"') && n++), version: 't' } });
      return n;
    };
    expect(expires({ replicationLimits: limits })).toBeGreaterThan(0);
    expect(expires({})).toBe(0); // the default retention is a week
  });
});
