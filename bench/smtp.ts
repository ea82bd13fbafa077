// Benchmark (issue 8): durable SMTP deliveries per second into a local 3-node Porcupine cluster (R = 2,
// ackReplicas 2; a 250 means two fsynced copies) against Postfix on the same machine delivering to a Maildir,
// both driven by Postfix's smtp-source with 4.7 KB messages, one message per connection and many; plus POP3
// retrieve-and-delete per second against Dovecot. Each figure is the median of --runs interleaved runs.
//   npm run bench:smtp   (or: npx tsc -p tsconfig.json && node dist/bench/smtp.js [--messages M] [--sessions S]
//                         [--runs R] [--pop-messages P] [--profile] [--only smtp|pop])   (--help: every flag)
// --profile writes V8 CPU profiles of the node processes (node --cpu-prof) and prints where n1's time goes.
// Postfix and Dovecot run as private instances (own config, queue and mail directories in a temp dir, free
// ports on 127.0.0.1); nothing of the machine's own mail set-up is touched.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { adminRequest } from '../src/runtime/admin-client.js';
import { freePorts } from '../src/runtime/free-ports.js';
import { popFetchAll, pool, smtpSend } from '../test/runtime/e2e/wire-client.js';
import { benchFlags } from './flags.js';
import { privateMasterCf } from '../test/runtime/e2e/postfix.js';

const { values: flags } = benchFlags({
  name: 'bench:smtp',
  usage: ['npm run bench:smtp -- [options]', 'node dist/bench/smtp.js [options]   (after npx tsc -p tsconfig.json)'],
  description:
    'Durable SMTP deliveries per second into a local 3-node cluster (R = 2, ackReplicas 2) against Postfix delivering\n' +
    "to a Maildir, both driven by Postfix's smtp-source with 4.7 KB messages; POP3 retrieve-and-delete per second against\n" +
    'Dovecot, on a fresh cluster as Dovecot starts from fresh Maildirs. Each figure is the median of --runs interleaved\n' +
    'runs after one unmeasured warm-up round. Needs smtp-source and postfix (SMTP half), dovecot (POP3 half) installed.',
  options: {
    messages: { type: 'number', default: 20_000, integer: true, min: 1, placeholder: 'M', help: 'SMTP messages per run' },
    sessions: { type: 'number', default: 32, integer: true, min: 1, placeholder: 'S', help: 'parallel SMTP sessions in all, split over the targets (smtp-source -s)' },
    runs: { type: 'number', default: 3, integer: true, min: 1, placeholder: 'R', help: 'interleaved runs per figure (the median is reported)' },
    'pop-messages': { type: 'number', default: 4_000, integer: true, min: 1, placeholder: 'P', help: 'messages retrieved and deleted per POP3 run' },
    profile: { type: 'boolean', help: "write V8 CPU profiles of the node processes and print one node's self time" },
    only: { type: 'string', choices: ['smtp', 'pop'], defaultText: 'both', help: 'measure only SMTP or only POP3' },
    'pop-same-cluster': {
      type: 'boolean',
      help: 'run POP3 on the cluster the SMTP runs filled, not a fresh one (the nodes then hold all that mail in memory)',
    },
  },
});
const messages = flags.messages;
const sessions = flags.sessions;
const runs = flags.runs;
const popMessages = flags['pop-messages'];
const profile = flags.profile;
const only = flags.only;
const keepCluster = flags['pop-same-cluster'];
const msgBytes = 4700;
const popUsers = 8;
const root = resolve(import.meta.dirname, '../..');
const cliJs = join(root, 'dist/src/cli/main.js');

function need(cmd: string, pkg: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${cmd} not found: install it with 'apt-get install ${pkg}'`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the Porcupine cluster (porcupine cluster --json, node processes) ----

interface Cluster {
  proc: ChildProcess;
  nodes: { id: string; smtp: string; pop3: string; http: string }[];
  secret: Buffer;
}

async function startCluster(dir: string): Promise<Cluster> {
  const prof = profile ? ['--cpu-prof-dir', join(dir, 'profiles')] : [];
  const proc = spawn(process.execPath, [cliJs, 'cluster', '--nodes', '3', '--replicas', '2', '--ack-replicas', '2', '--log-level', 'warn', ...prof, '--data', dir, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((res, rej) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) res(out.split('\n')[0]);
    });
    proc.once('exit', (code) => rej(new Error(`porcupine cluster exited (${code})`)));
  });
  const j = JSON.parse(line) as { nodes: Cluster['nodes'] };
  const secret = Buffer.from(readFileSync(join(dir, 'secret'), 'utf8').trim());
  return { proc, nodes: j.nodes, secret };
}

async function stopCluster(c: Cluster): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  await new Promise<void>((res) => {
    c.proc.once('exit', () => res());
    c.proc.kill('SIGTERM');
  });
}

async function addUser(c: Cluster, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await adminRequest(c.nodes[0].http, c.secret, 'PUT', `/admin/users/${name}`, JSON.stringify({ password: 'pw', mode: 'add' }));
    if (r.status === 201 || r.status === 409) return;
    await sleep(200);
  }
  throw new Error(`could not create user ${name}`);
}

// ---- Postfix, delivering to a Maildir (virtual(8) fsyncs each delivery before it is done) ----


function startPostfix(dir: string, port: number): () => void {
  chmodSync(dir, 0o755);
  for (const d of ['etc', 'spool', 'data', 'mail']) mkdirSync(join(dir, d));
  chownSync(join(dir, 'data'), uidOf('postfix'), -1);
  chownSync(join(dir, 'mail'), 65534, 65534);
  writeFileSync(join(dir, 'etc/main.cf'), [
    `queue_directory = ${dir}/spool`, `data_directory = ${dir}/data`, 'meta_directory = /etc/postfix', 'mail_owner = postfix', 'setgid_group = postdrop',
    'inet_interfaces = 127.0.0.1', 'inet_protocols = ipv4', 'myhostname = bench.test', 'mydestination =', 'alias_maps =', 'alias_database =',
    'mynetworks = 127.0.0.0/8', 'compatibility_level = 3.6', 'smtputf8_enable = no', `maillog_file = ${dir}/maillog`, `maillog_file_prefixes = ${dir}`,
    // Every recipient of bench.test goes to one Maildir (trailing slash), owned by nobody.
    'virtual_mailbox_domains = localhost', `virtual_mailbox_base = ${dir}/mail`, 'virtual_mailbox_maps = static:bench/',
    'virtual_uid_maps = static:65534', 'virtual_gid_maps = static:65534', 'virtual_destination_concurrency_limit = 20', '',
  ].join('\n'));
  writeFileSync(join(dir, 'etc/master.cf'), privateMasterCf(port));
  execFileSync('postfix', ['-c', join(dir, 'etc'), 'start'], { stdio: 'pipe' });
  return () => void spawnSync('postfix', ['-c', join(dir, 'etc'), 'stop'], { stdio: 'pipe' });
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

// ---- Dovecot (POP3 only), Maildirs under the temp dir ----

function startDovecot(dir: string, port: number): () => void {
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'dovecot.conf'), `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
passdb {
  driver = static
  args = password=pw
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${port}
  }
}
service anvil {
  chroot =
}
`);
  execFileSync('dovecot', ['-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' }); // the daemon keeps inherited pipes open
  return () => void spawnSync('dovecot', ['-c', join(dir, 'dovecot.conf'), 'stop'], { stdio: 'pipe' });
}

function fillMaildir(dir: string, user: string, n: number, body: string): void {
  const md = join(dir, 'mail', user, 'Maildir');
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(md, d), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(md, 'new', `${Date.now()}.${i}.bench`), body);
  execFileSync('chown', ['-R', '65534:65534', join(dir, 'mail', user)]);
}

// ---- load generators ----

/** smtp-source processes in parallel (one per target), `total` messages split evenly; returns messages/s. */
function smtpSource(targets: readonly string[], total: number, manyPerConnection: boolean, to: string): Promise<number> {
  const t0 = performance.now();
  const per = Math.ceil(total / targets.length);
  const s = Math.max(1, Math.round(sessions / targets.length));
  return Promise.all(
    targets.map(
      (target) =>
        new Promise<void>((res, rej) => {
          const args = [...(manyPerConnection ? ['-d'] : []), '-s', String(s), '-m', String(per), '-l', String(msgBytes), '-f', 'bench@example.com', '-t', to, target];
          const p = spawn('smtp-source', args, { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
          p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`smtp-source ${args.join(' ')}: exit ${code}: ${err.trim()}`))));
        }),
    ),
  ).then(() => (per * targets.length) / ((performance.now() - t0) / 1000));
}

/** POP3 retrieve-and-delete: one session per user, all users at once; returns messages/s. */
async function popRetrieveDelete(targets: readonly string[], users: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const got = await pool(users, users.length, async (u, i) => {
    const [host, port] = targets[i % targets.length].split(':');
    const r = await popFetchAll(host, Number(port), u, 'pw', true, 300_000);
    if (!r.ok) throw new Error(`POP3 ${u} at ${targets[i % targets.length]}: ${r.error}`);
    return r.bodies.length;
  });
  const n = got.reduce((a, b) => a + b, 0);
  return n / ((performance.now() - t0) / 1000);
}

// ---- profile summary ----

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples?: number[];
  timeDeltas?: number[];
}

function summariseProfile(file: string): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const self = new Map<string, number>();
  let total = 0;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const deltas = p.timeDeltas ?? [];
  (p.samples ?? []).forEach((id, i) => {
    const n = byId.get(id);
    if (n === undefined) return;
    const url = n.callFrame.url.replace(/^file:\/\/.*\/(dist|node_modules)\//, '$1/');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    const dt = deltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20);
  return top.map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`).join('\n');
}

// ---- main ----

async function main(): Promise<number> {
  const missing = [
    ...(only !== 'pop' ? [need('smtp-source', 'postfix'), need('postfix', 'postfix')] : []),
    ...(only !== 'smtp' ? [need('dovecot', 'dovecot-pop3d')] : []),
  ].filter((x) => x !== undefined);
  if (missing.length > 0) {
    for (const m of missing) process.stderr.write(`bench:smtp: ${m}\n`);
    return 1;
  }
  if (!existsSync(cliJs)) throw new Error(`${cliJs} missing: build first (npm run bench:smtp does)`);
  const tmp = mkdtempSync(join(tmpdir(), 'porcupine-bench-'));
  chmodSync(tmp, 0o755);
  const stops: (() => void)[] = [];
  let cluster: Cluster | undefined;
  const clusterDirs: string[] = [];
  try {
    const [postfixPort, dovecotPort] = await freePorts('127.0.0.1', 2);
    mkdirSync(join(tmp, 'postfix'));
    mkdirSync(join(tmp, 'dovecot'));
    const say = (m: string) => void process.stdout.write(`bench:smtp: ${m}\n`);
    // Only the peer the chosen half measures is started (--only).
    if (only !== 'pop') {
      say(`starting Postfix (127.0.0.1:${postfixPort}) in ${tmp}`);
      stops.push(startPostfix(join(tmp, 'postfix'), postfixPort));
    }
    if (only !== 'smtp') {
      say(`starting Dovecot (127.0.0.1:${dovecotPort}) in ${tmp}`);
      stops.push(startDovecot(join(tmp, 'dovecot'), dovecotPort));
    }
    const freshCluster = async (name: string): Promise<Cluster> => {
      say(`starting a 3-node cluster (porcupine cluster --json) in ${name}/`);
      clusterDirs.push(join(tmp, name));
      cluster = await startCluster(join(tmp, name));
      say('cluster serving; creating users');
      return cluster;
    };
    let c = await freshCluster('cluster');
    await addUser(c, 'bench');
    const clusterSmtp = c.nodes.map((n) => n.smtp);
    const postfixSmtp = [`127.0.0.1:${postfixPort}`];
    const rows: string[] = [];
    if (only !== 'pop') {
      process.stdout.write(`bench:smtp: ${messages} messages of ${msgBytes} B per run, ${sessions} sessions, median of ${runs} interleaved runs\n`);
      // Warm-up (JIT, connections, page cache), not measured.
      await smtpSource(clusterSmtp, Math.min(600, messages), true, 'bench@localhost');
      await smtpSource(postfixSmtp, Math.min(600, messages), true, 'bench@localhost');
      for (const many of [false, true]) {
        const cl: number[] = [];
        const pf: number[] = [];
        for (let r = 0; r < runs; r++) {
          cl.push(await smtpSource(clusterSmtp, messages, many, 'bench@localhost'));
          pf.push(await smtpSource(postfixSmtp, messages, many, 'bench@localhost'));
          process.stdout.write(`  run ${r + 1} (${many ? 'many per connection' : 'one per connection'}): cluster ${cl[r].toFixed(0)}/s, postfix ${pf[r].toFixed(0)}/s\n`);
        }
        const [a, b] = [median(cl), median(pf)];
        rows.push(`SMTP ${many ? 'many msgs/connection' : '1 msg/connection   '}  cluster ${a.toFixed(0).padStart(6)}/s   postfix ${b.toFixed(0).padStart(6)}/s   ratio ${(a / b).toFixed(2)}`);
      }
    }
    if (only !== 'smtp') {
      // POP3 starts from a fresh cluster, as Dovecot starts from fresh Maildirs: after the SMTP runs the nodes
      // hold every message those runs delivered (six runs of --messages, in the JS heap: the reducer's state
      // holds bodies), which Dovecot never sees. docs/performance-runtime.md gives the figure without the restart.
      if (only !== 'pop' && !keepCluster) {
        await stopCluster(c);
        cluster = undefined;
        c = await freshCluster('cluster-pop');
      }
      for (let u = 0; u < popUsers; u++) await addUser(c, `pop${u}`);
      // POP3: fill the mailboxes (not timed), then retrieve and delete everything, one session per user.
      const body = `Subject: pop bench\r\n\r\n${'x'.repeat(msgBytes - 30)}\r\n`;
      const per = Math.ceil(popMessages / popUsers);
      const popCl: number[] = [];
      const popDv: number[] = [];
      const users = Array.from({ length: popUsers }, (_, u) => `pop${u}`);
      /** Fills every mailbox with `perUser` messages on both sides (not timed), then times retrieve+delete on each. */
      const popRound = async (perUser: number): Promise<[number, number]> => {
        const jobs = users.flatMap((u, ui) => Array.from({ length: perUser }, (_, i) => ({ u, node: c.nodes[(ui + i) % c.nodes.length] })));
        const codes = await pool(jobs, 32, (j) => {
          const [h, p] = j.node.smtp.split(':');
          return smtpSend(h, Number(p), `${j.u}@localhost`, body, 30_000, true);
        });
        if (codes.some((x) => x !== 250)) throw new Error(`filling POP mailboxes: codes ${[...new Set(codes)].join(',')}`);
        const cl = await popRetrieveDelete(c.nodes.map((n) => n.pop3), users);
        for (const u of users) fillMaildir(join(tmp, 'dovecot'), u, perUser, body);
        return [cl, await popRetrieveDelete([`127.0.0.1:${dovecotPort}`], users)];
      };
      // Warm-up (JIT of the POP3 and fetch paths on a fresh cluster, Dovecot's caches), not measured, as for SMTP:
      // without it the first run measures the compiler, at about half the speed of the runs after it.
      await popRound(Math.min(per, 60));
      for (let r = 0; r < runs; r++) {
        const [cl, dv] = await popRound(per);
        popCl.push(cl);
        popDv.push(dv);
        process.stdout.write(`  POP3 run ${r + 1}: cluster ${cl.toFixed(0)}/s, dovecot ${dv.toFixed(0)}/s\n`);
      }
      const [pa, pb] = [median(popCl), median(popDv)];
      rows.push(`POP3 retrieve+delete     cluster ${pa.toFixed(0).padStart(6)}/s   dovecot ${pb.toFixed(0).padStart(6)}/s   ratio ${(pa / pb).toFixed(2)}`);
    }
    process.stdout.write('\n' + rows.join('\n') + '\n');
    process.stdout.write(`goals: cluster >= postfix (ratio >= 1.00); POP3 >= half of dovecot (ratio >= 0.50)\n`);
  } finally {
    if (cluster !== undefined) await stopCluster(cluster);
    for (const s of stops) s();
    if (profile) {
      for (const cdir of clusterDirs) {
        const dir = join(cdir, 'profiles');
        const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
        // The largest profiles are the nodes' (the supervisor is idle); show the first node's.
        const sized = files.map((f) => ({ f, n: readFileSync(join(dir, f)).length })).sort((a, b) => b.n - a.n);
        if (sized.length > 0) {
          process.stdout.write(`\nCPU profile of one node (self time, top 20; ${join(dir, sized[0].f)}):\n${summariseProfile(join(dir, sized[0].f))}\n`);
          process.stdout.write(`profiles kept in ${dir}\n`);
        }
      }
    } else {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:smtp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
