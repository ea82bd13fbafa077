// `porcupine campaign`: runs derived from (seed, index) alone, a replay command that reproduces each run's
// config exactly, progress without a terminal, the closing table, exit codes.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCampaignReport, parseCampaignArgs } from '../../src/cli/campaign-command.js';
import { parseSimArgs } from '../../src/cli/sim-command.js';
import { campaignRun, configOf, simArgsOf, type CampaignOptions } from '../../src/sim/campaign.js';
import { runCli } from './run-cli.js';

const options: CampaignOptions = {
  seed: 9, runs: 50, nodesMin: 10, nodesMax: 30, users: 100, messages: 200,
  faults: [{ kind: 'loss', rate: 0.05 }, { kind: 'dup', rate: 0.05 }, { kind: 'crash', rate: 0.1 }, { kind: 'partition', rate: 0.05 }],
};

describe('porcupine campaign', () => {
  it('derives each run from (seed, index) alone, within the asked sizes, and its replay command rebuilds the same config', () => {
    const runs = Array.from({ length: options.runs }, (_, i) => campaignRun(options, i));
    // The same run whatever else the campaign holds (fewer runs, computed alone).
    expect(campaignRun({ ...options, runs: 1 }, 37)).toEqual(runs[37]);
    for (const r of runs) {
      expect(r.nodes).toBeGreaterThanOrEqual(10);
      expect(r.nodes).toBeLessThanOrEqual(30);
      expect(r.faults.length).toBeGreaterThan(0);
      const replayed = parseSimArgs(simArgsOf(r));
      if (replayed === 'help') throw new Error('unexpected help');
      expect(replayed.config).toEqual(configOf(r));
    }
    expect(new Set(runs.map((r) => r.seed)).size).toBe(runs.length);
    expect(new Set(runs.map((r) => r.faults.map((f) => f.kind).join())).size).toBeGreaterThan(3); // varying mixes
  });

  it('the table counts failures by check and prints each failing run\'s replay command and trace', () => {
    const args = parseCampaignArgs(['--runs', '3', '--seed', '9', '--nodes', '10..30', '--users', '100', '--messages', '200', '--jobs', '1']);
    if (args === 'help') throw new Error('unexpected help');
    const run = (i: number) => campaignRun(args.options, i);
    const ok = { verdict: { index: 0, ok: true, failed: [] }, tracePath: undefined, error: undefined };
    const bad = (i: number, names: string[]) => ({
      run: run(i),
      reply: { verdict: { index: i, ok: false, failed: names.map((name) => ({ name, example: `${name} example` })) }, tracePath: `out/campaign-9-run${i}.ndjson`, error: undefined },
    });
    const text = formatCampaignReport(args, [{ run: run(0), reply: ok }, bad(1, ['noLoss', 'noAnomalyAfterBound']), bad(2, ['noLoss'])], 1234);
    expect(text).toMatch(/^runs {10}3$/m);
    expect(text).toMatch(/^failed {8}2$/m);
    expect(text).toMatch(/^ {2}noLoss +2$/m);
    expect(text).toMatch(/^ {2}noAnomalyAfterBound +1$/m);
    expect(text).toContain(`porcupine sim ${simArgsOf(run(1)).join(' ')}`);
    expect(text).toContain('porcupine replay out/campaign-9-run2.ndjson');
    expect(text.trim().endsWith('FAILED')).toBe(true);
  });

  it.each([
    [['--runs', '0'], /--runs must be at least 1/],
    [['--nodes', '5..3'], /--nodes 5\.\.3: the range must satisfy 1 <= A <= B/],
    [['--nodes', '1..3'], /runs of 1 nodes: replicas \(2\) must not exceed nodes \(1\)/],
    [['--faults', 'crash=1e7'], /events per second .* in \[0, 10\]/],
    [['--seed', '9007199254740993'], /--seed must be at most 9007199254740991/],
  ])('refuses %j with one clear line', (argv, msg) => {
    expect(() => parseCampaignArgs(argv)).toThrow(msg);
  });

  it('runs a small campaign on worker threads: progress lines without a terminal, the table, exit 0', () => {
    const out = mkdtempSync(join(tmpdir(), 'porcupine-campaign-'));
    const r = runCli(['campaign', '--runs', '4', '--seed', '5', '--nodes', '3..5', '--users', '20', '--messages', '30', '--jobs', '2', '--out', out, '--progress-every', '2']);
    expect(r.stderr).toMatch(/^campaign: 2\/4 runs, 0 failed, [\d.]+ s$/m);
    expect(r.stderr).toMatch(/^campaign: 4\/4 runs, 0 failed, [\d.]+ s$/m);
    expect(r.stdout).toMatch(/^campaign seed 5: 4 runs of 3\.\.5 nodes, 20 users, 30 messages; faults from loss=0\.05,/m);
    expect(r.stdout).toMatch(/^passed {8}4$/m);
    expect(r.stdout).toMatch(/on 2 worker threads/);
    expect(r.stdout.trim().endsWith('OK')).toBe(true);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual([]); // traces are kept for failing runs only
  });

  it('--help tells what it does and every option', () => {
    const r = runCli(['campaign', '--help']);
    for (const f of ['--runs', '--seed', '--nodes A..B', '--faults', '--users', '--messages', '--jobs', '--out', '--progress-every', 'Exit status']) expect(r.stdout).toContain(f);
    expect(r.code).toBe(0);
  });
});
