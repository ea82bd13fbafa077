// End-to-end harness: real `porcupine node` processes (the built CLI in dist/) on 127.0.0.x, real data
// directories under a temp dir, real clients (curl, Python, swaks, mpop). Every process started here is
// killed by `stop()` (call it in afterAll, also when a test failed).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { adminRequest } from '../../../src/runtime/admin-client.js';
import { freePorts } from '../../../src/runtime/free-ports.js';

// The repository root, whether this file runs from test/ (vitest) or from dist/test/ (a built script).
const up3 = resolve(import.meta.dirname, '../../..');
export const repoRoot = basename(up3) === 'dist' ? dirname(up3) : up3;
export const cliJs = join(repoRoot, 'dist/src/cli/main.js');

export function requireBuild(): void {
  if (!existsSync(cliJs)) throw new Error(`${cliJs} is missing: run 'npx tsc -p tsconfig.json' (npm test builds first)`);
}

export interface NodeAddrs {
  readonly id: string;
  readonly host: string;
  readonly rpc: number;
  readonly smtp: number;
  readonly pop3: number;
  readonly http: number;
}

export interface ClusterOptions {
  readonly nodes?: number;
  /** One loopback address per node (default all 127.0.0.1). */
  readonly hosts?: readonly string[];
  readonly replicas?: number;
  readonly ackReplicas?: number;
  /** Extra config keys for every node. */
  readonly extra?: Record<string, unknown>;
  /** Write each node's NDJSON trace to DIR/<id>.trace.ndjson. */
  readonly traces?: boolean;
  /** Data directory of each node (default DIR/<id>); used to put a node on a small tmpfs. */
  readonly dataDirOf?: (id: string) => string | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class TestCluster {
  readonly dir: string;
  readonly secretFile: string;
  readonly secret: Buffer;
  readonly nodes: NodeAddrs[] = [];
  readonly procs = new Map<string, ChildProcess>();
  readonly exits = new Map<string, { code: number | null; signal: string | null }>();

  private constructor(readonly opts: ClusterOptions) {
    requireBuild();
    this.dir = mkdtempSync(join(tmpdir(), 'porcupine-e2e-'));
    this.secret = Buffer.from(randomBytes(32).toString('hex'));
    this.secretFile = join(this.dir, 'secret');
    writeFileSync(this.secretFile, this.secret.toString() + '\n', { mode: 0o600 });
  }

  static async start(opts: ClusterOptions = {}): Promise<TestCluster> {
    const c = new TestCluster(opts);
    try {
      const n = opts.nodes ?? 3;
      for (let i = 0; i < n; i++) {
        const host = opts.hosts?.[i] ?? '127.0.0.1';
        const [rpc, smtp, pop3, http] = await freePorts(host, 4);
        c.nodes.push({ id: `n${i + 1}`, host, rpc, smtp, pop3, http });
      }
      for (const node of c.nodes) c.writeConfig(node);
      for (const node of c.nodes) c.spawnNode(node.id);
      await c.waitHealthy();
      // Tests start once every node sees every other as a member (no reconfiguration still under way).
      await c.waitMembers(c.nodes.map((x) => x.id));
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  configFile(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  dataDir(id: string): string {
    return this.opts.dataDirOf?.(id) ?? join(this.dir, id);
  }

  traceFile(id: string): string {
    return join(this.dir, `${id}.trace.ndjson`);
  }

  logFile(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  node(id: string): NodeAddrs {
    const n = this.nodes.find((x) => x.id === id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  private writeConfig(n: NodeAddrs): void {
    const peers = Object.fromEntries(this.nodes.filter((p) => p.id !== n.id).map((p) => [p.id, `${p.host}:${p.rpc}`]));
    const cfg = {
      id: n.id, rpc: `${n.host}:${n.rpc}`, smtp: `${n.host}:${n.smtp}`, pop3: `${n.host}:${n.pop3}`, http: `${n.host}:${n.http}`,
      data: this.dataDir(n.id), secretFile: this.secretFile, peers, domains: ['example.org'],
      replicas: this.opts.replicas ?? 2, ackReplicas: this.opts.ackReplicas ?? 2, ...this.opts.extra,
      ...(this.opts.traces === true ? { trace: this.traceFile(n.id) } : {}),
    };
    mkdirSync(this.dataDir(n.id), { recursive: true });
    writeFileSync(this.configFile(n.id), JSON.stringify(cfg, null, 2));
  }

  spawnNode(id: string): ChildProcess {
    const out = openSync(this.logFile(id), 'a');
    const child = spawn(process.execPath, [cliJs, 'node', '--config', this.configFile(id)], { stdio: ['ignore', out, out] });
    this.procs.set(id, child);
    this.exits.delete(id);
    child.on('exit', (code, signal) => this.exits.set(id, { code, signal }));
    return child;
  }

  /** kill -9: no chance to flush anything. */
  async kill9(id: string): Promise<void> {
    const p = this.procs.get(id);
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM and wait; returns the exit code. */
  async terminate(id: string, timeoutMs = 20_000): Promise<number | null> {
    const p = this.procs.get(id);
    if (p === undefined) return null;
    if (p.exitCode !== null || p.signalCode !== null) return p.exitCode;
    const gone = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    const code = await gone;
    clearTimeout(t);
    return code;
  }

  async restart(id: string): Promise<void> {
    this.spawnNode(id);
    await this.waitHealthy([id]);
  }

  async healthz(id: string): Promise<{ ok: boolean; members?: string[]; rebuildingBuckets?: number; authoritative?: boolean } | undefined> {
    const n = this.node(id);
    try {
      const r = await fetch(`http://${n.host}:${n.http}/healthz`, { signal: AbortSignal.timeout(2000) });
      return (await r.json()) as { ok: boolean; members?: string[]; rebuildingBuckets?: number; authoritative?: boolean };
    } catch {
      return undefined;
    }
  }

  async status(id: string): Promise<Record<string, unknown>> {
    const n = this.node(id);
    const r = await fetch(`http://${n.host}:${n.http}/status.json`, { signal: AbortSignal.timeout(5000) });
    return (await r.json()) as Record<string, unknown>;
  }

  async waitHealthy(ids: readonly string[] = this.nodes.map((n) => n.id), timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const left = new Set(ids);
    while (left.size > 0) {
      for (const id of [...left]) {
        const exit = this.exits.get(id);
        if (exit !== undefined) {
          // The log goes with the temp dir: quote its last lines (a reducer exception, exit 70, logs its stack).
          const log = existsSync(this.logFile(id)) ? readFileSync(this.logFile(id), 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
          throw new Error(`node ${id} exited (${exit.signal ?? exit.code}) while starting; log: ${this.logFile(id)}\n${log}`);
        }
        if ((await this.healthz(id))?.ok === true) left.delete(id);
      }
      if (left.size === 0) return;
      if (Date.now() > deadline) throw new Error(`nodes not healthy after ${timeoutMs} ms: ${[...left].join(', ')}`);
      await sleep(100);
    }
  }

  /**
   * Waits until every listed node sees exactly `members` as the membership and, when that is the whole
   * cluster, has heard every reconstruction report (so an unknown user gets 550 at once, not the temporary
   * 451 of a new manager).
   */
  async waitMembers(members: readonly string[], ids: readonly string[] = members, timeoutMs = 45_000): Promise<void> {
    const want = [...members].sort().join(',');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(
        ids.map(async (id) => {
          const h = await this.healthz(id);
          // A node that may not deny a user's existence (cut off from R or more nodes) stays "rebuilding" by
          // design; the node says which it is (`authoritative`), so the rule lives in the reducer alone.
          const settled = h?.authoritative === false || h?.rebuildingBuckets === 0;
          return settled ? h?.members?.slice().sort().join(',') : `${id} rebuilding ${h?.rebuildingBuckets}`;
        }),
      );
      if (views.every((v) => v === want)) return;
      if (Date.now() > deadline) throw new Error(`membership not ${want} after ${timeoutMs} ms: ${JSON.stringify(views)}`);
      await sleep(200);
    }
  }

  async admin(id: string, method: string, path: string, body = ''): Promise<{ status: number; body: unknown }> {
    const n = this.node(id);
    return adminRequest(`${n.host}:${n.http}`, this.secret, method, path, body);
  }

  /** Creates a user, retrying while the cluster settles (503). */
  async addUser(name: string, password: string, via = 'n1', timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.admin(via, 'PUT', `/admin/users/${encodeURIComponent(name)}`, JSON.stringify({ password, mode: 'add' }));
      if (r.status === 201) return;
      if (r.status !== 503 || Date.now() > deadline) throw new Error(`add user ${name}: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(250);
    }
  }

  /** Stops every node gracefully (SIGTERM, then SIGKILL after 10 s); the directory stays. */
  async stopNodes(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((id) => this.terminate(id, 10_000).catch(() => undefined)));
  }

  /** Stops every node (SIGTERM, then SIGKILL after 10 s) and removes the temp dir unless KEEP_E2E=1. */
  async stop(): Promise<void> {
    await this.stopNodes();
    if (process.env.KEEP_E2E === '1') process.stderr.write(`e2e cluster kept in ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client program with a timeout (never hangs a test). */
export function run(cmd: string, args: readonly string[], input?: string, timeoutMs = 30_000): RunResult {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error !== undefined ? String(r.error) : '') };
}

export function runAsync(cmd: string, args: readonly string[], input?: string, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolveRun) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (status) => {
      clearTimeout(t);
      resolveRun({ status, stdout, stderr });
    });
    p.stdin.end(input ?? '');
  });
}

/** A message as curl uploads it: headers, blank line, body; CRLF line endings. */
export function rfc822(subject: string, body: string, messageId?: string): string {
  const head = [`From: tester@example.com`, `To: someone@example.org`, `Subject: ${subject}`];
  if (messageId !== undefined) head.push(`Message-ID: <${messageId}>`);
  return `${head.join('\r\n')}\r\n\r\n${body}\r\n`;
}

export function curlSend(host: string, port: number, to: string, message: string): RunResult {
  return run('curl', ['-sS', '--max-time', '20', `smtp://${host}:${port}`, '--mail-from', 'tester@example.com', '--mail-rcpt', to, '-T', '-'], message);
}

export function curlSendAsync(host: string, port: number, to: string, message: string): Promise<RunResult> {
  return runAsync('curl', ['-sS', '--max-time', '20', `smtp://${host}:${port}`, '--mail-from', 'tester@example.com', '--mail-rcpt', to, '-T', '-'], message);
}

/** POP3 listing via curl: [[number, size], ...]. */
export function curlList(host: string, port: number, user: string, password: string): RunResult {
  return run('curl', ['-sS', '--max-time', '20', `pop3://${host}:${port}/`, '-u', `${user}:${password}`]);
}

export function curlRetr(host: string, port: number, user: string, password: string, n: number): RunResult {
  return run('curl', ['-sS', '--max-time', '20', `pop3://${host}:${port}/${n}`, '-u', `${user}:${password}`]);
}

/**
 * Python poplib: every message's body (after the blank line), and optionally DELE + QUIT. Output is JSON so
 * the test reads it exactly.
 */
export function pythonPopAll(host: string, port: number, user: string, password: string, dele = false): { ok: boolean; bodies: string[]; uidls: string[]; error?: string } {
  const script = `
import json, poplib, sys
try:
    p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=20)
    p.user(sys.argv[3]); p.pass_(sys.argv[4])
    n = len(p.list()[1])
    uidls = [l.decode().split(' ', 1)[1] for l in p.uidl()[1]]
    bodies = []
    for i in range(1, n + 1):
        lines = p.retr(i)[1]
        text = b'\\r\\n'.join(lines).decode('utf-8', 'replace')
        bodies.append(text.split('\\r\\n\\r\\n', 1)[1] if '\\r\\n\\r\\n' in text else text)
        if sys.argv[5] == '1': p.dele(i)
    q = p.quit().decode()
    print(json.dumps({'ok': q.startswith('+OK'), 'bodies': bodies, 'uidls': uidls, 'quit': q}))
except Exception as e:
    print(json.dumps({'ok': False, 'bodies': [], 'uidls': [], 'error': repr(e)}))
`;
  const r = run('python3', ['-c', script, host, String(port), user, password, dele ? '1' : '0'], undefined, 120_000);
  try {
    return JSON.parse(r.stdout) as { ok: boolean; bodies: string[]; uidls: string[]; error?: string };
  } catch {
    return { ok: false, bodies: [], uidls: [], error: `python: ${r.stderr || r.stdout}` };
  }
}

/** Python smtplib: sends one message per body; returns the SMTP code of each (0 on a connection error). */
export function pythonSend(host: string, port: number, to: string, bodies: readonly string[]): number[] {
  const script = `
import json, smtplib, sys
bodies = json.loads(sys.stdin.read())
codes = []
for b in bodies:
    try:
        s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=20)
        s.ehlo('tester')
        s.mail('tester@example.com')
        s.rcpt(sys.argv[3])
        code, _ = s.data(('Subject: py\\r\\n\\r\\n' + b + '\\r\\n').encode())
        codes.append(code)
        s.quit()
    except smtplib.SMTPResponseException as e:
        codes.append(e.smtp_code)
    except Exception as e:
        codes.append(0)
print(json.dumps(codes))
`;
  const r = run('python3', ['-c', script, host, String(port), to], JSON.stringify(bodies), 120_000);
  try {
    return JSON.parse(r.stdout) as number[];
  } catch {
    throw new Error(`python smtplib failed: ${r.stderr}`);
  }
}

/** Polls `fn` until it returns a defined value (bounded). */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
