// `porcupine cluster --data DIR --json` (what `npm start` runs, with --nodes 3): one JSON object once every
// node serves, curl can send and read, SIGTERM stops every node process (exit 0), and a restart over the same
// DIR reuses its configuration, secret and demo user and still holds the mail. Also: `porcupine node` flag
// validation, and nodes bound to different loopback addresses (the several-machines set-up).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJs, curlList, curlRetr, curlSend, requireBuild, rfc822, run, TestCluster } from './harness.js';

interface ClusterJson {
  nodes: { id: string; smtp: string; pop3: string; http: string; rpc: string }[];
  user: { name: string; password: string; address: string };
}

const dir = mkdtempSync(join(tmpdir(), 'porcupine-cluster-'));
const running: ChildProcess[] = [];

afterAll(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `porcupine cluster`, resolves with its one JSON line (bounded). */
function startCluster(): Promise<{ proc: ChildProcess; json: ClusterJson; stdout: () => string }> {
  requireBuild();
  const proc = spawn(process.execPath, [cliJs, 'cluster', '--nodes', '3', '--data', join(dir, 'data'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(proc);
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no JSON within 60 s; stderr: ${err}`)), 60_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(t);
      try {
        resolve({ proc, json: JSON.parse(out.slice(0, nl)) as ClusterJson, stdout: () => out });
      } catch (e) {
        reject(new Error(`stdout is not one JSON object: ${out} (${String(e)})`));
      }
    });
    proc.on('exit', (code) => reject(new Error(`cluster exited (${code}) before serving; stderr: ${err}`)));
  });
}

function stopCluster(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
    proc.kill('SIGTERM');
  });
}

const split = (hp: string): [string, number] => {
  const i = hp.lastIndexOf(':');
  return [hp.slice(0, i), Number(hp.slice(i + 1))];
};

describe('porcupine cluster', () => {
  it('prints exactly one JSON object, serves curl, stops on SIGTERM, and restarts over the same --data', async () => {
    const first = await startCluster();
    const j = first.json;
    expect(Object.keys(j).sort()).toEqual(['nodes', 'user']);
    expect(j.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    for (const n of j.nodes) {
      expect(Object.keys(n).sort()).toEqual(['http', 'id', 'pop3', 'rpc', 'smtp']);
      for (const k of ['smtp', 'pop3', 'http', 'rpc'] as const) expect(n[k]).toMatch(/^127\.0\.0\.1:[0-9]+$/);
    }
    expect(j.user.address).toBe(`${j.user.name}@localhost`);
    const [sh, sp] = split(j.nodes[0].smtp);
    const sent = curlSend(sh, sp, j.user.address, rfc822('hello', 'Hello, Porcupine!'));
    expect(sent.status, sent.stderr).toBe(0);
    const [ph, pp] = split(j.nodes[2].pop3);
    expect(curlRetr(ph, pp, j.user.name, j.user.password, 1).stdout).toContain('Hello, Porcupine!');
    expect(await stopCluster(first.proc)).toBe(0);
    expect(first.stdout().trim().split('\n')).toHaveLength(1);
    // Every node process is gone: nothing answers on the HTTP ports.
    for (const n of j.nodes) await expect(fetch(`http://${n.http}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();

    const second = await startCluster();
    expect(second.json).toEqual(j);
    const list = curlList(ph, pp, j.user.name, j.user.password);
    expect(list.stdout.trim().split(/\r?\n/)).toHaveLength(1);
    expect(await stopCluster(second.proc)).toBe(0);
  }, 150_000);

  it('rejects bad options with one clear line per mistake (exit 2)', () => {
    const r = run(process.execPath, [cliJs, 'cluster', '--nodes', '0', '--bogus', '--host', '10.0.0.1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--nodes must be an integer from 1 to 9, got '0'/);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
    expect(r.stderr).toMatch(/--host must be a loopback address/);
  });
});

describe('help texts', () => {
  it('cluster --help and user --help document their options; the top-level help lists cluster, node and user', () => {
    const cl = run(process.execPath, [cliJs, 'cluster', '--help']);
    expect(cl.status).toBe(0);
    for (const f of ['--nodes', '--data', '--json', '--replicas', '--ack-replicas', '--host']) expect(cl.stdout).toContain(f);
    const us = run(process.execPath, [cliJs, 'user', '--help']);
    expect(us.status).toBe(0);
    for (const f of ['add', 'passwd', 'remove', 'list', '--node', '--secret-file', '--password-stdin']) expect(us.stdout).toContain(f);
    const top = run(process.execPath, [cliJs, '--help']);
    for (const cmd of ['cluster', 'node', 'user']) expect(top.stdout).toMatch(new RegExp(`^\\s+${cmd}\\s+\\S`, 'm'));
  });
});

describe('porcupine node', () => {
  it('lists every configuration mistake, one line each, and exits 2', () => {
    const r = run(process.execPath, [cliJs, 'node', '--id', 'bad id', '--rpc', 'nohost', '--smtp', '127.0.0.1:99999', '--peers', 'n2=127.0.0.1', '--replicas', '5', '--frob', 'x']);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    for (const want of [
      /unknown option '--frob'/,
      /--id 'bad id' may contain only/,
      /--rpc 'nohost' is not HOST:PORT/,
      /--smtp '127.0.0.1:99999' is not HOST:PORT/,
      /--pop3 is required/,
      /--http is required/,
      /--data is required/,
      /--secret-file is required/,
      /--peers: n2's address '127.0.0.1' is not HOST:PORT/,
      /--replicas must be an integer from 1 to 3, got '5'/,
    ]) expect(lines.some((l) => want.test(l)), String(want)).toBe(true);
    expect(lines.every((l) => l.startsWith('porcupine node: ') || l.startsWith("Run 'porcupine node --help'"))).toBe(true);
  });

  it('--help documents the flags', () => {
    const r = run(process.execPath, [cliJs, 'node', '--help']);
    expect(r.status).toBe(0);
    for (const f of ['--config', '--id', '--rpc', '--smtp', '--pop3', '--http', '--data', '--peers', '--secret-file', '--replicas', '--ack-replicas']) expect(r.stdout).toContain(f);
  });
});

describe('several machines (nodes on different loopback addresses)', () => {
  let c: TestCluster | undefined;
  afterAll(async () => {
    await c?.stop();
  });

  it('nodes bound to 127.0.0.2, .3 and .4 form one cluster: deliver at one, read at another', async () => {
    c = await TestCluster.start({ nodes: 3, hosts: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] });
    await c.waitMembers(['n1', 'n2', 'n3']);
    await c.addUser('remote', 'remote-pw');
    const a = c.node('n1');
    expect(a.host).toBe('127.0.0.2');
    const sent = curlSend(a.host, a.smtp, 'remote@example.org', rfc822('far', 'across machines'));
    expect(sent.status, sent.stderr).toBe(0);
    const b = c.node('n3');
    expect(curlRetr(b.host, b.pop3, 'remote', 'remote-pw', 1).stdout).toContain('across machines');
  }, 120_000);
});
