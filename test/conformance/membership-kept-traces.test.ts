// Every kept trace of traces/ is a behaviour of spec/PorcupineMembership.tla as recorded (CI replays them too:
// test/traces/replay-recorded.test.ts), and traces/membership-faults-4-nodes.ndjson alone exercises every
// membership action of the spec (the life cycle, detection, the three rounds, contention, stale drops);
// `porcupine tla coverage` shows it. The other actions of the spec are the no-op steps of other protocols'
// events, which MailStore's kept traces cover (kept-traces.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/tla/trace/index.js';
import { validateSimTrace } from '../../src/conformance/index.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../spec/harness.js';

const spec = path.join(repoRoot, 'spec/PorcupineMembership.tla');
const kept = readdirSync(path.join(repoRoot, 'traces')).filter((f) => f.endsWith('.ndjson')).sort();
const membershipTrace = 'membership-faults-4-nodes.ndjson';

/** The actions that change the spec's state or guard it: everything but the other protocols' no-op events. */
const MEMBERSHIP_ACTIONS = [
  'AbandonProposal', 'AcceptEpoch', 'Boot', 'CommitEpoch', 'Crash', 'DetectChange', 'DropStale', 'InstallView', 'ProposeEpoch', 'Restart', 'SuspectPeer',
];

describe('kept traces against spec/PorcupineMembership.tla', () => {
  for (const file of kept) {
    it(`traces/${file} is a behaviour of PorcupineMembership`, async () => {
      const v = await validateSimTrace(spec, readFileSync(path.join(repoRoot, 'traces', file), 'utf8'));
      expect(v.result.ok, v.result.ok ? '' : describeFailure(v.result.failure).join('\n')).toBe(true);
      expect(v.result.steps).toBeGreaterThan(100);
    });
  }

  it(`porcupine tla coverage: traces/${membershipTrace} exercises every membership action`, () => {
    const r = runCli(['tla', 'coverage', 'spec/PorcupineMembership.tla', `traces/${membershipTrace}`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Coverage of PorcupineMembership by 1 valid trace\(s\), \d+ steps:$/);
    const counted = new Map(lines.slice(1, -1).map((l) => l.trim().split(/\s+/) as [string, string]));
    for (const a of MEMBERSHIP_ACTIONS) expect(Number(counted.get(a)), a).toBeGreaterThan(0);
    // Contention happened: two coordinators at once, one gave its proposal up.
    expect(Number(counted.get('AbandonProposal'))).toBeGreaterThan(0);
  });
});
