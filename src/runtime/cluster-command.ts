// `porcupine cluster`: a local cluster of node *processes* (each a child running `porcupine node --config`),
// with an embedded default configuration kept under --data (cluster.json, one config file per node and the
// generated secret), a demo user, and a clean stop on Ctrl-C or SIGTERM. Children that die are restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminRequest } from './admin-client.js';
import { freePorts } from './free-ports.js';

export const CLUSTER_USAGE = `porcupine cluster — start a local Porcupine mail cluster (one process per node)

Usage: porcupine cluster [--nodes N] [--data DIR] [--host ADDR] [--replicas R] [--ack-replicas A] [--log-level L] [--cpu-prof-dir DIR] [--json]

Options:
  --nodes N          number of nodes (default 3; 1–9)
  --data DIR         where configuration, secret, data and logs live (default ./data). An existing DIR is
                     reused: same nodes, ports, secret and demo user
  --host ADDR        loopback address to bind (default 127.0.0.1)
  --replicas R       copies of each message (default min(2, N))
  --ack-replicas A   copies durable before SMTP 250 (default min(2, R))
  --log-level LEVEL  the nodes' log level: debug, info (default), warn or error (applies to a new DIR)
  --cpu-prof-dir DIR run every node under 'node --cpu-prof' and write its V8 CPU profile to DIR at exit
  --json             print one JSON object once every node serves:
                     {"nodes":[{"id","smtp","pop3","http","rpc"}],"user":{"name","password","address"}}
  -h, --help         show this help

Stops cleanly on Ctrl-C or SIGTERM. Node logs (JSON lines) go to DIR/<id>.log.`;

export interface ClusterNode {
  readonly id: string;
  readonly rpc: string;
  readonly smtp: string;
  readonly pop3: string;
  readonly http: string;
}

interface ClusterFile {
  readonly version: 1;
  readonly host: string;
  readonly replicas: number;
  readonly ackReplicas: number;
  readonly nodes: readonly ClusterNode[];
  readonly user: { readonly name: string; readonly password: string; readonly address: string };
}

interface Options {
  nodes: number;
  data: string;
  host: string;
  replicas?: number;
  ackReplicas?: number;
  logLevel: string;
  cpuProfDir?: string;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Options | string[] {
  const o: Options = { nodes: 3, data: './data', host: '127.0.0.1', logLevel: 'info', json: false };
  const errors: string[] = [];
  const int = (name: string, v: string | undefined, min: number, max: number): number | undefined => {
    const n = v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      errors.push(`${name} must be an integer from ${min} to ${max}, got '${v ?? ''}'`);
      return undefined;
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--nodes':
        o.nodes = int(a, argv[++i], 1, 9) ?? o.nodes;
        break;
      case '--data': {
        const v = argv[++i];
        if (v === undefined || v.length === 0) errors.push('--data needs a directory');
        else o.data = v;
        break;
      }
      case '--host': {
        const v = argv[++i];
        if (v === undefined || !/^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(v)) errors.push(`--host must be a loopback address 127.x.y.z, got '${v ?? ''}'`);
        else o.host = v;
        break;
      }
      case '--replicas':
        o.replicas = int(a, argv[++i], 1, 3);
        break;
      case '--ack-replicas':
        o.ackReplicas = int(a, argv[++i], 1, 3);
        break;
      case '--json':
        o.json = true;
        break;
      case '--cpu-prof-dir': {
        const v = argv[++i];
        if (v === undefined || v.length === 0) errors.push('--cpu-prof-dir needs a directory');
        else o.cpuProfDir = resolve(v);
        break;
      }
      case '--log-level': {
        const v = argv[++i];
        if (v !== 'debug' && v !== 'info' && v !== 'warn' && v !== 'error') errors.push(`--log-level must be debug, info, warn or error, got '${v ?? ''}'`);
        else o.logLevel = v;
        break;
      }
      default:
        errors.push(`unknown option '${a}'`);
    }
  }
  const r = o.replicas ?? Math.min(2, o.nodes);
  if (r > o.nodes) errors.push(`--replicas ${r} is more than --nodes ${o.nodes}`);
  if ((o.ackReplicas ?? 0) > r) errors.push(`--ack-replicas ${o.ackReplicas} is more than the ${r} replicas`);
  return errors.length > 0 ? errors : o;
}

const mainJs = (): string => fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Creates DIR's configuration on first use; reads it back afterwards. */
async function loadOrCreate(o: Options, dir: string): Promise<ClusterFile> {
  const file = join(dir, 'cluster.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ClusterFile;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'secret'), randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  const ports = await freePorts(o.host, o.nodes * 4);
  const nodes: ClusterNode[] = Array.from({ length: o.nodes }, (_, i) => ({
    id: `n${i + 1}`,
    rpc: `${o.host}:${ports[i * 4]}`,
    smtp: `${o.host}:${ports[i * 4 + 1]}`,
    pop3: `${o.host}:${ports[i * 4 + 2]}`,
    http: `${o.host}:${ports[i * 4 + 3]}`,
  }));
  const replicas = o.replicas ?? Math.min(2, o.nodes);
  const ackReplicas = o.ackReplicas ?? Math.min(2, replicas);
  const password = randomBytes(9).toString('base64url');
  const c: ClusterFile = { version: 1, host: o.host, replicas, ackReplicas, nodes, user: { name: 'demo', password, address: 'demo@localhost' } };
  for (const n of nodes) {
    const nodeConfig = {
      id: n.id, rpc: n.rpc, smtp: n.smtp, pop3: n.pop3, http: n.http, data: n.id, secretFile: 'secret', domains: ['localhost'],
      peers: Object.fromEntries(nodes.filter((p) => p.id !== n.id).map((p) => [p.id, p.rpc])), replicas, ackReplicas, logLevel: o.logLevel,
    };
    writeFileSync(join(dir, `${n.id}.json`), JSON.stringify(nodeConfig, null, 2) + '\n');
  }
  writeFileSync(file, JSON.stringify(c, null, 2) + '\n', { mode: 0o600 });
  return c;
}

export async function runClusterCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(CLUSTER_USAGE + '\n');
    return 0;
  }
  const parsed = parseArgs(argv);
  if (Array.isArray(parsed)) {
    for (const e of parsed) process.stderr.write(`porcupine cluster: ${e}\n`);
    process.stderr.write(`Run 'porcupine cluster --help' for the options.\n`);
    return 2;
  }
  const dir = resolve(parsed.data);
  const c = await loadOrCreate(parsed, dir);
  const say = (s: string): void => void (parsed.json ? process.stderr : process.stdout).write(s + '\n');
  say(`porcupine cluster: ${c.nodes.length} nodes, data in ${dir}`);
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const start = (id: string): void => {
    const log = createWriteStream(join(dir, `${id}.log`), { flags: 'a' });
    const prof = parsed.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', parsed.cpuProfDir];
    const child = spawn(process.execPath, [...prof, mainJs(), 'node', '--config', join(dir, `${id}.json`)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.set(id, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      // Not asked to stop: a crash (or kill -9). Restart after a pause; the node recovers from its disk.
      say(`porcupine cluster: node ${id} exited (${signal ?? `code ${code}`}); restarting it (log: ${join(dir, `${id}.log`)})`);
      setTimeout(() => !stopping && start(id), 500);
    });
  };
  for (const n of c.nodes) start(n.id);

  const stopAll = async (): Promise<void> => {
    stopping = true;
    const exits = [...children.values()].map(
      (child) =>
        new Promise<void>((res) => {
          if (child.exitCode !== null || child.signalCode !== null) return res();
          const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(t);
            res();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  };
  const stopped = new Promise<number>((res) => {
    const onSignal = (sig: string): void => {
      if (stopping) return;
      say(`porcupine cluster: ${sig}: stopping ${children.size} nodes`);
      void stopAll().then(() => {
        say('porcupine cluster: stopped');
        res(0);
      });
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });

  const secret = Buffer.from(readFileSync(join(dir, 'secret'), 'utf8').trim(), 'utf8');
  const ready = await waitReady(c, secret, () => stopping);
  if (!ready.ok) {
    process.stderr.write(`porcupine cluster: ${ready.error}\n`);
    await stopAll();
    return 1;
  }
  if (parsed.json) {
    process.stdout.write(JSON.stringify({ nodes: c.nodes.map((n) => ({ id: n.id, smtp: n.smtp, pop3: n.pop3, http: n.http, rpc: n.rpc })), user: c.user }) + '\n');
  } else {
    const n1 = c.nodes[0];
    const popOther = c.nodes[c.nodes.length - 1].pop3;
    say('');
    for (const n of c.nodes) say(`  ${n.id}: smtp ${n.smtp}  pop3 ${n.pop3}  status http://${n.http}/  (rpc ${n.rpc})`);
    say('');
    say(`Demo user: ${c.user.name}  password: ${c.user.password}  address: ${c.user.address}`);
    say('');
    say('Send a message (to any node):');
    say(`  printf 'Subject: hello\\r\\n\\r\\nHello, Porcupine!\\r\\n' | curl -s smtp://${n1.smtp} --mail-from me@example.org --mail-rcpt ${c.user.address} -T -`);
    say('List and read it (at any node):');
    say(`  curl -s pop3://${popOther}/ -u ${c.user.name}:${c.user.password}`);
    say(`  curl -s pop3://${popOther}/1 -u ${c.user.name}:${c.user.password}`);
    say(`Status page: http://${n1.http}/   metrics: http://${n1.http}/metrics`);
    say(`Add a user:  porcupine user add alice --node ${n1.http} --secret-file ${join(dir, 'secret')}`);
    say('Ctrl-C stops the cluster.');
  }
  return stopped;
}

/** Waits until every node answers /healthz and the demo user exists (created on first start). */
async function waitReady(c: ClusterFile, secret: Buffer, cancelled: () => boolean): Promise<{ ok: true } | { ok: false; error: string }> {
  const deadline = Date.now() + 90_000;
  const pending = new Set(c.nodes.map((n) => n.id));
  while (pending.size > 0) {
    if (cancelled()) return { ok: false, error: 'stopped while starting' };
    if (Date.now() > deadline) return { ok: false, error: `nodes not serving after 90 s: ${[...pending].join(', ')} (see their logs)` };
    for (const n of c.nodes) {
      if (!pending.has(n.id)) continue;
      try {
        const r = await fetch(`http://${n.http}/healthz`, { signal: AbortSignal.timeout(1000) });
        // Serving and settled: every reconstruction report heard, so an unknown user already gets 550.
        if (r.status === 200 && ((await r.json()) as { rebuildingBuckets?: number }).rebuildingBuckets === 0) pending.delete(n.id);
      } catch {
        // not listening yet
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
  }
  let last = '';
  while (Date.now() < deadline && !cancelled()) {
    const r = await adminRequest(c.nodes[0].http, secret, 'PUT', `/admin/users/${encodeURIComponent(c.user.name)}`, JSON.stringify({ password: c.user.password, mode: 'add' })).catch(
      (e: unknown) => ({ status: 0, body: { error: e instanceof Error ? e.message : String(e) } }),
    );
    if (r.status === 201 || r.status === 409) return { ok: true };
    last = `${r.status} ${JSON.stringify(r.body)}`;
    await new Promise((res) => setTimeout(res, 300));
  }
  return { ok: false, error: `could not create the demo user: ${last}` };
}
