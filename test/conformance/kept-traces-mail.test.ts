// Every kept trace of traces/ is a behaviour of spec/PorcupineMail.tla as recorded (CI replays them too:
// test/traces/replay-recorded.test.ts), traces/mail-maps-loss-crash-4-nodes.ndjson alone exercises every
// step of the mail maps (notices, views installed, reports) and the unreplicated mailbox writes, and
// together they exercise every action but those the workload and short runs cannot reach (the same as
// MailStore's: kept-traces.test.ts says why).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/tla/trace/index.js';
import { mailArgs, validateSimTrace } from '../../src/conformance/index.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../spec/harness.js';

const spec = path.join(repoRoot, 'spec/PorcupineMail.tla');
const kept = readdirSync(path.join(repoRoot, 'traces')).filter((f) => f.endsWith('.ndjson')).sort();
const actions = Object.keys(mailArgs([])).sort();
const NOT_REACHED = ['AuthFail', 'SetProfile'];
const MAIL_MAPS = 'mail-maps-loss-crash-4-nodes.ndjson';
const MAIL_MAP_STEPS = ['AddFragment', 'DropFragment', 'ReconstructSoftState', 'ApplyReport', 'Store', 'StoreDuplicate', 'Delete', 'Crash', 'Restart'];

describe('kept traces against spec/PorcupineMail.tla', () => {
  const exercised = new Map<string, number>();
  for (const file of kept) {
    it(`traces/${file} is a behaviour of PorcupineMail`, async () => {
      const v = await validateSimTrace(spec, readFileSync(path.join(repoRoot, 'traces', file), 'utf8'));
      expect(v.result.ok, v.result.ok ? '' : describeFailure(v.result.failure).join('\n')).toBe(true);
      expect(v.result.steps).toBeGreaterThan(100);
      for (const ev of v.mapped.events) exercised.set(ev.action ?? '', (exercised.get(ev.action ?? '') ?? 0) + 1);
    });
  }

  it('together they exercise every PorcupineMail action but the listed unreachable ones', () => {
    expect(actions.filter((a) => !exercised.has(a))).toEqual(NOT_REACHED);
  });

  it(`porcupine tla validate takes traces/${MAIL_MAPS} as recorded`, () => {
    const r = runCli(['tla', 'validate', 'spec/PorcupineMail.tla', `traces/${MAIL_MAPS}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Trace is a behaviour of PorcupineMail: \d+ events validated/);
  });

  it(`porcupine tla coverage shows traces/${MAIL_MAPS} exercising every mail-map step`, () => {
    const r = runCli(['tla', 'coverage', 'spec/PorcupineMail.tla', `traces/${MAIL_MAPS}`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Coverage of PorcupineMail by 1 valid trace\(s\), \d+ steps:$/);
    const counted = new Map(lines.slice(1, -1).map((l) => l.trim().split(/\s+/) as [string, string]));
    expect([...counted.keys()].sort()).toEqual(actions);
    for (const a of MAIL_MAP_STEPS) expect(Number(counted.get(a)), a).toBeGreaterThan(0);
  });
});
