import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runReplayCommand } from '../../src/cli/replay-command.js';
import { parseFaults, runSimCommand } from '../../src/cli/sim-command.js';

let out: string;
let err: string;

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const smallRun = ['--nodes', '3', '--users', '50', '--messages', '80', '--seed', '4'];

describe('porcupine sim', () => {
  it('--json prints exactly one JSON object with the summary', async () => {
    const code = await runSimCommand([...smallRun, '--json', '--faults', 'dup,reorder=0.2', '--policy', 'random', '--spread', '3']);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const s = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(s).toMatchObject({ seed: 4, nodes: 3, users: 50, attempted: 80 });
    for (const k of ['acknowledged', 'retrievable', 'spread', 'load', 'faults', 'checks', 'ok']) expect(s).toHaveProperty(k);
    expect(code).toBe(s.ok ? 0 : 1);
  });

  it('prints a readable summary by default', async () => {
    const code = await runSimCommand(smallRun);
    expect(out).toMatch(/^attempted\s+80 messages/m);
    expect(out).toMatch(/^acknowledged\s+\d+/m);
    expect(out).toMatch(/^spread\s+users by nodes holding their mail/m);
    expect(out).toMatch(/stored max\/mean/);
    expect(code).toBe(0);
  });

  it.each([
    [['--nodes', '0'], /--nodes must be at least 1/],
    [['--nodes', 'three'], /--nodes needs a whole number, got 'three'/],
    [['--faults', 'fire'], /unknown fault 'fire'/],
    [['--faults', 'loss=2'], /probability/],
    [['--policy', 'best'], /--policy must be dynamic, static or random/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--seed'], /--seed needs a whole number, got nothing/],
    // Issue 13: bounded node-fault rates (crash=1e7 ran out of memory), the right message above 2^53 - 1,
    // and no more copies than nodes.
    [['--faults', 'crash=1e7'], /--faults crash=1e7: the rate must be a number of events per second \(virtual time\) in \[0, 10\]/],
    [['--faults', 'loss,restart=11'], /--faults restart=11: the rate must be/],
    [['--seed', '9007199254740993'], /--seed must be at most 9007199254740991 \(2\^53 - 1\), got 9007199254740993/],
    [['--replicas', '3', '--nodes', '2'], /replicas \(3\) must not exceed nodes \(2\): each copy needs its own node/],
  ])('rejects %j with exit 2 and a clear message', async (argv, msg) => {
    expect(await runSimCommand(argv)).toBe(2);
    expect(err).toMatch(msg);
    expect(out).toBe('');
  });

  it('--nodes 1 with the default R = 2: R lowered to 1 with a warning, and mail is acknowledged (issue 13)', async () => {
    const code = await runSimCommand(['--nodes', '1', '--users', '10', '--messages', '30', '--json']);
    expect(err).toMatch(/^porcupine sim: warning: replication factor lowered to 1 \(the default R = 2 needs at least 2 nodes\)$/m);
    const s = JSON.parse(out) as { attempted: number; acknowledged: number; replication: { replicas: number }; ok: boolean };
    expect(s.replication.replicas).toBe(1);
    expect(s.attempted).toBe(30);
    expect(s.acknowledged).toBe(30);
    expect(code).toBe(0);
  });

  it('a seed up to 2^53 - 1 is accepted', async () => {
    expect(await runSimCommand(['--seed', '9007199254740991', '--nodes', '3', '--users', '5', '--messages', '5', '--json'])).toBe(0);
  });

  it('--help lists every flag it accepts', async () => {
    expect(await runSimCommand(['--help'])).toBe(0);
    for (const f of ['--nodes', '--users', '--messages', '--seed', '--faults', '--trace', '--trace-state', '--config', '--json', '--policy', '--spread', '--distribution']) {
      expect(out).toContain(f);
    }
  });

  it('--config reads a JSON file of overrides (schedules included); flags override it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porcupine-sim-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ nodes: 4, users: 40, messages: 30, schedule: [{ kind: 'crash', atMs: 5, node: 'n3' }] }));
    await runSimCommand(['--config', file, '--messages', '20', '--json']);
    const s = JSON.parse(out) as { nodes: number; attempted: number; faults: { crashes: number; restarts: number } };
    expect(s).toMatchObject({ nodes: 4, attempted: 20, faults: { crashes: 1, restarts: 1 } });
    writeFileSync(file, JSON.stringify({ schedule: [{ kind: 'crash', atMs: 5, node: 'n9' }] }));
    expect(await runSimCommand(['--config', file])).toBe(2);
    expect(err).toMatch(/unknown node 'n9'/);
    writeFileSync(file, '[1,2]');
    expect(await runSimCommand(['--config', file])).toBe(2);
    expect(err).toMatch(/not a JSON object/);
  });

  it('parseFaults gives named faults their default rates and honours =RATE', () => {
    expect(parseFaults('loss,dup=0.3')).toEqual({ lossRate: 0.05, dupRate: 0.3 });
    expect(parseFaults('crash,join=0.5,loss')).toEqual({ lossRate: 0.05, nodeFaultRates: { crash: 0.1, join: 0.5 } });
    expect(() => parseFaults('crash=-1')).toThrow(/events per second/);
  });

  it('--faults with node faults and --replicas/--ack-replicas: the JSON summary reports replication, reconfiguration and anomalies', async () => {
    const code = await runSimCommand([...smallRun, '--json', '--faults', 'crash=0.5,restart=0.3,join=0.5,loseDisk=0.1', '--replicas', '3', '--ack-replicas', '1']);
    const s = JSON.parse(out) as {
      ok: boolean;
      replication: unknown;
      reconfig: { viewsInstalled: number; joins: number; convergeMs: number | null };
      anomalies: { afterBound: unknown; duringFaults: unknown; withinBound: unknown };
      faults: { crashes: number };
    };
    expect(s.replication).toEqual({ replicas: 3, ackReplicas: 1 });
    expect(s.reconfig.viewsInstalled).toBeGreaterThan(1);
    expect(s.reconfig.joins).toBeGreaterThan(0);
    expect(s.faults.crashes).toBeGreaterThan(0);
    expect(s.anomalies.afterBound).toEqual({ duplicates: 0, reappearingDeletes: 0, divergentViews: 0 });
    expect(code).toBe(s.ok ? 0 : 1);
    out = '';
    await runSimCommand([...smallRun, '--replicas', '0']);
    expect(out).toMatch(/^replication\s+off \(unreplicated path\)/m);
    expect(out).toMatch(/^converged\s+/m);
    expect(out).toMatch(/^anomalies\s+while faults active: /m);
  });

  it('rejects a replication factor above 3 and ack replicas above R (exit 2)', async () => {
    expect(await runSimCommand([...smallRun, '--replicas', '4'])).toBe(2);
    expect(err).toMatch(/replicas must be 1, 2 or 3/);
    expect(await runSimCommand([...smallRun, '--replicas', '1', '--ack-replicas', '2'])).toBe(2);
  });
});

describe('porcupine replay', () => {
  it('replays a recorded trace OK and reports a tampered one as diverged (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porcupine-sim-'));
    const file = join(dir, 't.ndjson');
    expect(await runSimCommand([...smallRun, '--faults', 'loss,dup,reorder', '--trace', file])).toBeLessThan(2);
    out = '';
    expect(await runReplayCommand([file])).toBe(0);
    expect(out).toMatch(/^OK: .* replays identically/m);

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const i = lines.findIndex((l) => l.includes('"action":"Deliver"'));
    expect(i).toBeGreaterThan(0);
    lines[i] = lines[i].replace('"action":"Deliver"', '"action":"Delivered"');
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, lines.join('\n') + '\n');
    out = '';
    expect(await runReplayCommand([bad])).toBe(1);
    expect(out).toContain(`DIVERGED at line ${i + 1}`);
  });

  it('usage errors exit 2', async () => {
    expect(await runReplayCommand([])).toBe(2);
    expect(await runReplayCommand(['/nonexistent/trace.ndjson'])).toBe(2);
    expect(err).toMatch(/cannot read/);
  });
});
