// A real 3-node cluster (R = 2, ackReplicas 2) used by ordinary mail software: deliver with curl, Python's
// smtplib and swaks, retrieve with curl, Python's poplib and mpop, at different nodes; the status page,
// metrics and the admin API; bad input at the node level.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJs, curlList, curlRetr, curlSend, eventually, pythonPopAll, pythonSend, rfc822, run, TestCluster } from './harness.js';

let c: TestCluster;

beforeAll(async () => {
  c = await TestCluster.start({ nodes: 3, replicas: 2, ackReplicas: 2 });
  await c.addUser('alice', 'alice-pw');
  await c.addUser('bob', 'bob-pw', 'n2');
}, 90_000);

afterAll(async () => {
  await c?.stop();
});

const addr = (id: string) => c.node(id);

/**
 * The tests before these block the event loop in spawnSync (curl, mpop, the CLI) for longer than the node's
 * HTTP keep-alive timeout: let this process see the idle sockets the node closed meanwhile, or fetch may pick
 * one to reuse and fail with "other side closed".
 */
async function idleSocketsClosed(): Promise<void> {
  await new Promise((r) => setTimeout(r, 100));
}

describe('ordinary clients against a 3-node cluster', () => {
  it('curl delivers at n1 (250) and curl lists and retrieves the same body at n3', () => {
    const n1 = addr('n1');
    const sent = curlSend(n1.host, n1.smtp, 'alice@example.org', rfc822('curl', 'Hello from curl'));
    expect(sent.status, sent.stderr).toBe(0);
    const n3 = addr('n3');
    const list = curlList(n3.host, n3.pop3, 'alice', 'alice-pw');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.trim().split(/\r?\n/)).toHaveLength(1);
    const body = curlRetr(n3.host, n3.pop3, 'alice', 'alice-pw', 1);
    expect(body.stdout).toContain('Subject: curl');
    expect(body.stdout).toContain('Hello from curl');
  });

  it('Python smtplib delivers at n2 and Python poplib retrieves and deletes at n1; the deleted messages stay gone', () => {
    const n2 = addr('n2');
    expect(pythonSend(n2.host, n2.smtp, 'bob@example.org', ['py one', 'py two'])).toEqual([250, 250]);
    const n1 = addr('n1');
    const got = pythonPopAll(n1.host, n1.pop3, 'bob', 'bob-pw', true);
    expect(got.ok, got.error).toBe(true);
    expect(got.bodies.map((b) => b.trim()).sort()).toEqual(['py one', 'py two']);
    expect(new Set(got.uidls).size).toBe(2);
    const again = pythonPopAll(addr('n3').host, addr('n3').pop3, 'bob', 'bob-pw');
    expect(again.ok, again.error).toBe(true);
    expect(again.bodies).toEqual([]);
  });

  it('swaks delivers at n3 and mpop retrieves the message at n2 into an mbox', () => {
    const n3 = addr('n3');
    const s = run('swaks', ['--server', `${n3.host}:${n3.smtp}`, '--to', 'alice@example.org', '--from', 'tester@example.com', '--body', 'Hello from swaks', '--header', 'Subject: swaks', '--timeout', '20']);
    expect(s.status, s.stdout + s.stderr).toBe(0);
    expect(s.stdout).toMatch(/<-\s+250 2\.0\.0 queued/);
    const n2 = addr('n2');
    const dir = mkdtempSync(join(tmpdir(), 'mpop-'));
    const mbox = join(dir, 'mbox');
    writeFileSync(mbox, '');
    const m = run('mpop', [
      `--host=${n2.host}`, `--port=${n2.pop3}`, '--user=alice', '--passwordeval=echo alice-pw', '--auth=user', '--tls=off',
      `--delivery=mbox,${mbox}`, `--uidls-file=${join(dir, 'uidls')}`, '--keep=on', '--received-header=off', '--timeout=20', '--quiet',
    ]);
    expect(m.status, m.stdout + m.stderr).toBe(0);
    const text = readFileSync(mbox, 'utf8');
    expect(text).toContain('Hello from swaks');
    expect(text).toContain('Hello from curl'); // alice's first message, delivered at n1
  });

  it('the status page, /status.json, /metrics and /healthz describe the node', async () => {
    await idleSocketsClosed();
    const n1 = addr('n1');
    const html = await (await fetch(`http://${n1.host}:${n1.http}/`)).text();
    expect(html).toContain('<h1>Porcupine node n1');
    expect(html).toContain('Load table');
    const st = await c.status('n1');
    expect(st).toMatchObject({ id: 'n1', ready: true });
    expect((st.members as string[]).sort()).toEqual(['n1', 'n2', 'n3']);
    const metrics = await (await fetch(`http://${n1.host}:${n1.http}/metrics`)).text();
    expect(metrics).toMatch(/porcupine_deliveries_total\{code="250"\} [1-9]/);
    expect(metrics).toMatch(/porcupine_fsync_seconds_count [1-9]/);
    expect(metrics).toContain('porcupine_group_commit_batch_records_bucket');
    expect(metrics).toMatch(/porcupine_rpc_sent_total\{kind="storeMsg"\}|porcupine_rpc_sent_total\{kind="replPush"\}/);
    expect(metrics).toContain('porcupine_frames_dropped');
    expect(metrics).toMatch(/porcupine_transport_messages\{direction="received"\} [1-9]/);
    expect(metrics).toContain('porcupine_reconfigurations_total');
    const health = await fetch(`http://${n1.host}:${n1.http}/healthz`);
    expect(health.status).toBe(200);
    // The whole cluster is in the view: n1 may say a user does not exist, and has heard every report.
    expect(await health.json()).toMatchObject({ ok: true, id: 'n1', authoritative: true, rebuildingBuckets: 0 });
  });
});

describe('administration through the CLI and the signed admin API', () => {
  const user = (...args: string[]) => run(process.execPath, [cliJs, 'user', ...args, '--node', `${addr('n2').host}:${addr('n2').http}`, '--secret-file', c.secretFile]);

  it('user add / passwd / list / remove, each a clear answer', () => {
    expect(user('add', 'carol', '--password-stdin').status).not.toBe(0); // empty stdin: refused
    const add = run(process.execPath, [cliJs, 'user', 'add', 'carol', '--password-stdin', '--node', `${addr('n2').host}:${addr('n2').http}`, '--secret-file', c.secretFile], 'carol-pw\n');
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain('user carol added');
    const dup = user('add', 'carol');
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('exists');
    const n3 = addr('n3');
    expect(curlList(n3.host, n3.pop3, 'carol', 'carol-pw').status).toBe(0);
    const pw = run(process.execPath, [cliJs, 'user', 'passwd', 'carol', '--password-stdin', '--node', `${addr('n1').host}:${addr('n1').http}`, '--secret-file', c.secretFile], 'new-pw\n');
    expect(pw.status, pw.stderr).toBe(0);
    expect(curlList(n3.host, n3.pop3, 'carol', 'carol-pw').status).not.toBe(0);
    expect(curlList(n3.host, n3.pop3, 'carol', 'new-pw').status).toBe(0);
    const list = user('list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['alice', 'bob', 'carol']));
    const rm = user('remove', 'carol');
    expect(rm.status, rm.stderr).toBe(0);
    const n1 = addr('n1');
    const refused = curlSend(n1.host, n1.smtp, 'carol@example.org', rfc822('x', 'to a removed user'));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/550/);
    expect(user('remove', 'carol').stderr).toContain('no such user');
    expect(user('frobnicate', 'x').status).toBe(2);
  });

  it('an admin request with a wrong signature, no signature or a tampered body is refused (401) and changes nothing', async () => {
    await idleSocketsClosed();
    const n1 = addr('n1');
    const url = `http://${n1.host}:${n1.http}/admin/users/mallory`;
    const body = JSON.stringify({ password: 'x', mode: 'add' });
    expect((await fetch(url, { method: 'PUT', body })).status).toBe(401);
    expect((await fetch(url, { method: 'PUT', body, headers: { 'x-porcupine-auth': `${Date.now()}.${'0'.repeat(64)}` } })).status).toBe(401);
    const { signAdminRequest } = await import('../../../src/runtime/admin-auth.js');
    const sig = signAdminRequest(c.secret, 'PUT', '/admin/users/mallory', body);
    expect((await fetch(url, { method: 'PUT', body: body.replace('"x"', '"y"'), headers: { 'x-porcupine-auth': sig } })).status).toBe(401);
    const rcpt = curlSend(n1.host, n1.smtp, 'mallory@example.org', rfc822('x', 'y'));
    expect(rcpt.stderr).toMatch(/550/);
  });
});

describe('bad input at the node level', () => {
  it('unknown users and names with /, .., NUL are refused at RCPT and nothing is stored', async () => {
    const n2 = addr('n2');
    const before = await c.status('n2');
    for (const rcpt of ['nobody@example.org', 'a/b@example.org', '..@example.org', '../etc@example.org']) {
      const r = curlSend(n2.host, n2.smtp, rcpt, rfc822('x', 'y'));
      expect(r.status, rcpt).not.toBe(0);
      expect(r.stderr, rcpt).toMatch(/55[0-3]|501/);
    }
    // A NUL in the address: smtplib sends it raw; the server refuses the command.
    const codes = run('python3', ['-c', `
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
s.ehlo('t'); s.mail('t@example.com')
print(s.docmd('RCPT TO:<al\\x00ice@example.org>')[0]); s.quit()`, n2.host, String(n2.smtp)]);
    expect(Number(codes.stdout.trim())).toBeGreaterThanOrEqual(500);
    const after = await c.status('n2');
    expect(after.fragments).toEqual(before.fragments);
    // POP logins with such names fail cleanly too.
    for (const name of ['a/b', '..', 'nobody']) expect(curlList(n2.host, n2.pop3, name, 'x').status).not.toBe(0);
  });

  it('a password-guessing loop from one address never logs in, and another user from another address is still served', () => {
    const n1 = addr('n1');
    const guess = run('python3', ['-c', `
import poplib, sys, time
ok = 0; fails = 0
t0 = time.time()
for i in range(30):
    try:
        p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=15, source_address=('127.0.0.9', 0))
        p.user('alice')
        try:
            p.pass_('guess%d' % i); ok += 1
        except poplib.error_proto:
            fails += 1
        try: p.quit()
        except Exception: pass
    except Exception:
        fails += 1
    if time.time() - t0 > 40: break
print(ok, fails)`, n1.host, String(n1.pop3)], undefined, 60_000);
    const [ok, fails] = guess.stdout.trim().split(' ').map(Number);
    expect(ok, guess.stderr).toBe(0);
    expect(fails).toBeGreaterThan(0);
    const other = pythonPopAll(n1.host, n1.pop3, 'bob', 'bob-pw');
    expect(other.ok, other.error).toBe(true);
  });
});

export { eventually };
