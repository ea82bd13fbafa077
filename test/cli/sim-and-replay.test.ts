// `porcupine sim … --json` and `porcupine replay` as real processes: the JSON summary is one object with
// the promised fields, a run is reproducible from its seed, a recorded trace replays, and a trace that was
// altered is reported as diverged (exit 1) at the line that changed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const small = ['sim', '--nodes', '3', '--users', '6', '--messages', '12', '--seed', '5'];

interface Summary {
  seed: number;
  nodes: number;
  users: number;
  attempted: number;
  acknowledged: number;
  retrievable: number;
  faults: { lost: number; duplicated: number; reordered: number };
  checks: { name: string; ok: boolean }[];
  ok: boolean;
}

function simJson(args: readonly string[]): { code: number | null; summary: Summary; stdout: string } {
  const r = runCli([...args, '--json']);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines, 'exactly one line of JSON on stdout').toHaveLength(1);
  return { code: r.code, summary: JSON.parse(lines[0]) as Summary, stdout: r.stdout };
}

describe('porcupine sim --json', () => {
  it('prints one JSON summary; a healthy run passes every check and exits 0', () => {
    const { code, summary } = simJson(small);
    expect(summary).toMatchObject({ seed: 5, nodes: 3, users: 6, attempted: 12, ok: true });
    expect(summary.acknowledged).toBe(12);
    expect(summary.retrievable).toBeLessThanOrEqual(summary.acknowledged);
    expect(summary.checks.length).toBeGreaterThan(5);
    expect(summary.checks.every((c) => c.ok)).toBe(true);
    expect(code).toBe(0);
  });

  it('is reproducible: the same flags print the same bytes', () => {
    const args = [...small, '--faults', 'loss=0.05,dup,reorder', '--policy', 'random'];
    expect(simJson(args).stdout).toBe(simJson(args).stdout);
  });

  it('--faults injects the named faults (counted in the summary)', () => {
    const { summary } = simJson([...small, '--faults', 'loss=0.1,dup=0.1,reorder=0.2']);
    expect(summary.faults.lost).toBeGreaterThan(0);
    expect(summary.faults.duplicated).toBeGreaterThan(0);
    expect(summary.faults.reordered).toBeGreaterThan(0);
  });
});

describe('porcupine replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'porcupine-cli-'));

  it('a trace written by sim --trace replays identically (exit 0)', () => {
    const file = join(dir, 'run.ndjson');
    const sim = runCli([...small, '--trace', file]);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toContain(`replay: porcupine replay ${file}`);
    const r = runCli(['replay', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: .* replays identically \(\d+ lines\)$/m);
  });

  it('an altered trace diverges (exit 1) at the altered line', () => {
    const file = join(dir, 'altered.ndjson');
    expect(runCli([...small, '--trace', file]).code).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n');
    const k = lines.findIndex((l) => l.includes('"action":"Deliver"'));
    expect(k).toBeGreaterThan(0);
    lines[k] = lines[k].replace('"action":"Deliver"', '"action":"Drop"');
    writeFileSync(file, lines.join('\n'));
    const r = runCli(['replay', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`DIVERGED at line ${k + 1}:`);
  });

  it('a truncated trace is an unreadable trace (exit 2, as --help says), not a divergence', () => {
    const file = join(dir, 'cut.ndjson');
    expect(runCli([...small, '--trace', file]).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2))); // cut mid-line, as a killed writer leaves it
    const r = runCli(['replay', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^porcupine replay: .*cut\.ndjson: line \d+ is not JSON: the trace is truncated/m);
    writeFileSync(file, text.split('\n').slice(0, 30).join('\n') + '\n'); // cut at a line end
    const r2 = runCli(['replay', file]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('the trace is truncated: it ends at line 30 without its "end" line');
    expect(runCli(['replay', '--help']).stdout).toContain('Exit status: 0 identical, 1 diverged, 2 bad usage or unreadable trace');
  });

  it('a recorded regression trace in traces/ replays as a process too', () => {
    const r = runCli(['replay', 'traces/no-faults-3-nodes.ndjson']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK: traces/no-faults-3-nodes.ndjson replays identically');
  });
});
