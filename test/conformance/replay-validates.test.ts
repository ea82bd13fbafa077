// `porcupine replay FILE` re-runs the recorded run and then validates the trace against the mapped specs:
// a kept trace conforms; a trace whose recorded state shows a message vanishing without a Delete is reported
// at that line, with the spec variable `mail` shown as the trace has it and as the spec allows it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../spec/harness.js';

const file = 'traces/mailstore-unreplicated-faults-3-nodes.ndjson';

describe('porcupine replay validates the replayed trace', () => {
  it('a kept trace replays identically and is a behaviour of MailStore (exit 0)', () => {
    const r = runCli(['replay', file]);
    expect(r.stdout).toMatch(/^OK: .* replays identically/m);
    expect(r.stdout).toMatch(new RegExp(`^CONFORMS: ${file.replace(/\./g, '\\.')} is a behaviour of MailStore \\(\\d+ steps\\)$`, 'm'));
    expect(r.code).toBe(0);
  });

  it('a message that vanishes from a mailbox without a Delete: the first step where spec and implementation part ways, as a diff of mail', () => {
    const raw = readFileSync(path.join(repoRoot, file), 'utf8').split('\n');
    // The first non-mailbox event after some node holds mail: drop one id from its recorded state.
    const k = raw.findIndex((l) => {
      if (!l.includes('"action":"AcceptRcpt"')) return false;
      const ev = JSON.parse(l) as { state: { mailboxes: Record<string, Record<string, string[]>> } };
      return Object.values(ev.state.mailboxes).some((byNode) => Object.values(byNode).some((ids) => ids.length > 0));
    });
    expect(k).toBeGreaterThan(0);
    const ev = JSON.parse(raw[k]) as { state: { mailboxes: Record<string, Record<string, string[]>> } };
    const [user, byNode] = Object.entries(ev.state.mailboxes).find(([, b]) => Object.values(b).some((ids) => ids.length > 0))!; // eslint-disable-line @typescript-eslint/no-non-null-assertion
    const [node, ids] = Object.entries(byNode).find(([, x]) => x.length > 0)!; // eslint-disable-line @typescript-eslint/no-non-null-assertion
    byNode[node] = ids.slice(1);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const bad = path.join(dir, 'vanish.ndjson');
    writeFileSync(bad, raw.map((l, j) => (j === k ? JSON.stringify(ev) : l)).join('\n'));
    const r = runCli(['replay', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`DIVERGED at line ${k + 1}`);
    expect(r.stdout).toContain('NOT A BEHAVIOUR of MailStore');
    expect(r.stdout).toContain(`Trace validation failed at line ${k + 1}`);
    // The diff names the variable and shows the vanished id on the spec's side.
    const diff = r.stdout.split('\n').find((l) => l.trim().startsWith('mail: trace '));
    expect(diff, r.stdout).toBeDefined();
    expect(diff).toContain(ids[0]);
    expect(diff!.split(', spec ')[1]).toContain(`${user} |-> {`); // eslint-disable-line @typescript-eslint/no-non-null-assertion
  });
});
