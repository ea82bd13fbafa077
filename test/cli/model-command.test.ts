// `porcupine model` as a user runs it: list the experiments, run one at the short scale into a temp folder
// (its CSV and SVG appear, one progress line per point when stderr is not a terminal, the targets are
// printed), and bad usage answered with one clear line and exit status 2.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const EXPERIMENT_NAMES = ['single-node', 'fast-disks', 'network-limit', 'scaling', 'load-balance', 'heterogeneous', 'failure'];

describe('porcupine model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'porcupine-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('list names every experiment, one per line', () => {
    const r = runCli(['model', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(EXPERIMENT_NAMES);
  });

  it('run single-node --short writes its CSV and SVG, logs each point and prints the targets', () => {
    const out = join(dir, 'results');
    const r = runCli(['model', 'run', 'single-node', '--short', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'single-node.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',').slice(0, 4)).toEqual(['config', 'replication', 'mix', 'nodes']);
    expect(csv).toHaveLength(1 + 5);
    const svg = readFileSync(join(out, 'single-node.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Disk writes per delivery');
    expect(r.stderr.trim().split('\n')).toHaveLength(5);
    expect(r.stderr).toMatch(/^single-node 1\/5 300 MHz, 1 IDE: [\d.]+ msg\/s/);
    expect(r.stdout).toMatch(/single node, 1 IDE disk \[calibrated\]: paper 23 msg\/s, model [\d.]+ msg\/s/);
  });

  it('--help tells the commands and options, and exits 0', () => {
    const r = runCli(['model', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['porcupine model list', 'porcupine model run NAME', '--out DIR', '--short']) expect(r.stdout).toContain(word);
  });

  it('an unknown experiment is one clear line and exit 2', () => {
    const r = runCli(['model', 'run', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`porcupine model: unknown experiment 'nope' (known: ${EXPERIMENT_NAMES.join(', ')}, all)`);
  });

  it('--out without a folder and an unknown option are usage errors', () => {
    expect(runCli(['model', 'run', 'scaling', '--out']).stderr.trim()).toBe('porcupine model: --out needs a folder name');
    const r = runCli(['model', 'run', 'scaling', '--fast']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("porcupine model: unknown option '--fast'");
  });
});
