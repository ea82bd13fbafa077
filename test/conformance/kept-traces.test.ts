// Every kept trace of traces/ is a behaviour of spec/MailStore.tla as recorded (CI replays them too:
// test/traces/replay-recorded.test.ts), and together they exercise every action of the spec except the few
// the simulator's workload and short runs cannot reach (listed, so a trace that reaches one updates the list).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/tla/trace/index.js';
import { mailStoreActions, replicationActions, validateSimTrace } from '../../src/conformance/index.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot, specPath } from '../spec/harness.js';

const kept = readdirSync(path.join(repoRoot, 'traces')).filter((f) => f.endsWith('.ndjson')).sort();

/**
 * Actions no kept trace exercises, and why: the workload sends no wrong password (AuthFail) and no profile
 * write (SetProfile). (ReplExpire, ReplQuarantine and ReplTrust: traces/replication-long-outage-r2-5-nodes.ndjson,
 * an outage past a shortened log retention.)
 */
const NOT_REACHED = ['AuthFail', 'SetProfile'];

/**
 * PorcupineReplication actions no kept trace exercises: none. The long-outage run (a node cut off by a partition
 * and one down, each past the shortened log retention) reaches ReplExpire, ReplQuarantine and ReplTrust.
 */
const REPLICATION_NOT_REACHED: string[] = [];
const replicationSpec = path.join(repoRoot, 'spec/PorcupineReplication.tla');

describe('kept traces against spec/MailStore.tla', () => {
  const exercised = new Map<string, number>();
  for (const file of kept) {
    it(`traces/${file} is a behaviour of MailStore`, async () => {
      const v = await validateSimTrace(specPath, readFileSync(path.join(repoRoot, 'traces', file), 'utf8'));
      expect(v.result.ok, v.result.ok ? '' : describeFailure(v.result.failure).join('\n')).toBe(true);
      expect(v.result.steps).toBeGreaterThan(100);
      for (const ev of v.mapped.events) exercised.set(ev.action ?? '', (exercised.get(ev.action ?? '') ?? 0) + 1);
    });
  }

  it('together they exercise every MailStore action but the listed unreachable ones', () => {
    expect(mailStoreActions.filter((a) => !exercised.has(a)).sort()).toEqual(NOT_REACHED);
  });

  it('porcupine tla coverage lists every action with its step count', () => {
    const r = runCli(['tla', 'coverage', 'spec/MailStore.tla', ...kept.map((f) => `traces/${f}`)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Coverage of MailStore by ${kept.length} valid trace\\(s\\), \\d+ steps:$`));
    const counted = new Map(lines.slice(1, -1).map((l) => l.trim().split(/\s+/) as [string, string]));
    expect([...counted.keys()].sort()).toEqual([...mailStoreActions].sort());
    for (const [a, n] of exercised) expect(Number(counted.get(a)), a).toBe(n);
    expect(lines.at(-1)).toBe(`Never exercised (${NOT_REACHED.length}): ${NOT_REACHED.join(', ')}`);
    const strict = runCli(['tla', 'coverage', 'spec/MailStore.tla', 'traces/no-faults-3-nodes.ndjson', '--require-all']);
    expect(strict.code).toBe(1);
  });
});

describe('kept traces against spec/PorcupineReplication.tla (one behaviour per replicated message)', () => {
  const exercised = new Map<string, number>();
  for (const file of kept) {
    it(`traces/${file} is a behaviour of PorcupineReplication`, async () => {
      const v = await validateSimTrace(replicationSpec, readFileSync(path.join(repoRoot, 'traces', file), 'utf8'));
      expect(v.result.ok, v.result.ok ? '' : describeFailure(v.result.failure).join('\n')).toBe(true);
      // Each behaviour starts with a state (the nodes up at the object's first event), not a step.
      for (const ev of v.mapped.events) if (ev.action !== undefined) exercised.set(ev.action, (exercised.get(ev.action) ?? 0) + 1);
    });
  }

  it('together they exercise every PorcupineReplication action but the listed unreachable ones', () => {
    expect(replicationActions.filter((a) => !exercised.has(a)).sort()).toEqual(REPLICATION_NOT_REACHED);
    // The runs kept for this spec: the takeover run (ReplTakeover) and the long-outage run (ReplExpire, ReplQuarantine, ReplTrust).
    for (const a of ['ReplTakeover', 'ReplExpire', 'ReplQuarantine', 'ReplTrust']) expect(exercised.get(a), a).toBeGreaterThan(0);
  });

  it('porcupine tla coverage counts the same steps', () => {
    const r = runCli(['tla', 'coverage', 'spec/PorcupineReplication.tla', ...kept.map((f) => `traces/${f}`)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const counted = new Map(lines.slice(1, -1).map((l) => l.trim().split(/\s+/) as [string, string]));
    for (const [a, n] of exercised) expect(Number(counted.get(a)), a).toBe(n);
    expect(lines.at(-1)).toBe(REPLICATION_NOT_REACHED.length === 0 ? 'Every action of PorcupineReplication was exercised.' : `Never exercised (${REPLICATION_NOT_REACHED.length}): ${REPLICATION_NOT_REACHED.join(', ')}`);
  });
});
