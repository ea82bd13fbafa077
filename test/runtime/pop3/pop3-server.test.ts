// The POP3 front end on real sockets, driven by real clients (curl, Python's poplib, mpop) and raw sockets,
// against an in-memory test double of the node (test/runtime/front-end/test-node.ts).
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { startPop3Server, type Pop3Options } from '../../../src/runtime/pop3/index.js';
import { LoginThrottle } from '../../../src/runtime/pop3/throttle.js';
import { TestNode } from '../front-end/test-node.js';
import { RawClient, eventually, removeDir, run, selfSignedCertificate } from '../front-end/wire.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const fast = { failureDelayMs: 20 };

async function start(node: TestNode, options: Partial<Pop3Options> = {}) {
  const server = await startPop3Server({ host: '127.0.0.1', port: 0, gateway: node, closeTimeoutMs: 2_000, loginThrottle: fast, ...options });
  cleanups.push(() => server.close());
  return server;
}

const dotted = 'Subject: dots\r\nMessage-ID: <d@x>\r\n\r\n.leading\r\n..two\r\n.\r\nmiddle\r\n...\r\nend\r\n';

function nodeWithMail(): TestNode {
  const node = new TestNode();
  node.addUser('alice', 'alice-pw');
  node.addUser('bob', 'bob-pw');
  node.addUser('carol', 'carol-pw');
  node.store('alice', 'Subject: one\r\n\r\nfirst body\r\n');
  node.store('alice', dotted);
  node.store('alice', 'Subject: three\r\nX-Long: a\r\n\r\nl1\r\nl2\r\nl3\r\n');
  return node;
}

async function connect(port: number, localAddress?: string): Promise<RawClient> {
  const c = await RawClient.connect(port, '127.0.0.1', localAddress);
  cleanups.push(async () => c.destroy());
  await c.waitFor(/^\+OK .*\r\n/);
  return c;
}

async function login(port: number, user = 'alice', password = 'alice-pw'): Promise<RawClient> {
  const c = await connect(port);
  await c.command(`USER ${user}`, /^\+OK /m);
  await c.command(`PASS ${password}`, /^\+OK /m);
  return c;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'porcupine-pop3-'));
  cleanups.push(() => removeDir(dir));
  return dir;
}

/** A multi-line response ends with CRLF . CRLF. */
const multi = /\r\n\.\r\n$/;

describe('POP3 front end with real clients', () => {
  it('curl lists, retrieves and deletes (DELE applied at QUIT)', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const base = `pop3://127.0.0.1:${server.address.port}`;
    const list = await run('curl', ['-sS', '-u', 'alice:alice-pw', `${base}/`]);
    expect(list.stderr).toBe('');
    expect(list.stdout).toBe('1 28\r\n2 74\r\n3 41\r\n');
    const retr = await run('curl', ['-sS', '-u', 'alice:alice-pw', `${base}/2`]);
    expect(retr.stdout).toBe(dotted);
    const dele = await run('curl', ['-sS', '-u', 'alice:alice-pw', '-X', 'DELE', '-I', `${base}/1`]);
    expect(dele.stderr).toBe('');
    expect(dele.code).toBe(0);
    expect(node.mailboxes.get('alice')?.map((m) => m.body)).toEqual([dotted, 'Subject: three\r\nX-Long: a\r\n\r\nl1\r\nl2\r\nl3\r\n']);
    const wrong = await run('curl', ['-sS', '-u', 'alice:nope', `${base}/`]);
    expect(wrong.code).toBe(67); // CURLE_LOGIN_DENIED
  });

  it("Python's poplib: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, QUIT round-trip the dotted body byte for byte", async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const script = [
      'import poplib, json',
      `p = poplib.POP3("127.0.0.1", ${server.address.port}, timeout=10)`,
      'p.user("alice"); p.pass_("alice-pw")',
      'out = {"stat": list(p.stat()), "uidl": [x.decode() for x in p.uidl()[1]]}',
      'out["retr"] = b"\\r\\n".join(p.retr(2)[1]).decode() + "\\r\\n"',
      'out["top0"] = [x.decode() for x in p.top(3, 0)[1]]',
      'out["top1"] = [x.decode() for x in p.top(3, 1)[1]]',
      'p.dele(1); out["statAfterDele"] = list(p.stat())',
      'try:\n    p.retr(1)\nexcept poplib.error_proto as e:\n    out["retrDeleted"] = str(e)',
      'p.rset(); out["statAfterRset"] = list(p.stat())',
      'p.dele(3); out["quit"] = p.quit().decode()',
      'print(json.dumps(out))',
    ].join('\n');
    const r = await run('python3', ['-c', script]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.stat).toEqual([3, 28 + 74 + 41]);
    expect(out.uidl).toEqual(['1 n1-1-1', '2 n1-1-2', '3 n1-1-3']);
    expect(out.retr).toBe(dotted);
    expect(out.top0).toEqual(['Subject: three', 'X-Long: a', '']);
    expect(out.top1).toEqual(['Subject: three', 'X-Long: a', '', 'l1']);
    expect(out.statAfterDele).toEqual([2, 74 + 41]);
    expect(out.retrDeleted).toBe("b'-ERR message 1 already deleted'");
    expect(out.statAfterRset).toEqual([3, 28 + 74 + 41]);
    expect(out.quit).toMatch(/^\+OK bye \(1 messages deleted\)/);
    expect(node.mailboxes.get('alice')?.map((m) => m.msgId)).toEqual(['n1-1-1', 'n1-1-2']);
  });

  it('mpop (auth user, tls off) retrieves every message into a maildir and deletes them from the node', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const dir = await tempDir();
    const maildir = path.join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true });
    const rc = path.join(dir, 'mpoprc');
    await writeFile(
      rc,
      [
        'defaults', 'tls off', 'auth user', 'keep off', 'uidls_file ' + path.join(dir, 'uidls'),
        'account test', 'host 127.0.0.1', `port ${server.address.port}`, 'user alice', 'password alice-pw', `delivery maildir ${maildir}`, '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const r = await run('mpop', ['-C', rc, '-q', 'test']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = await readdir(path.join(maildir, 'new'));
    expect(files).toHaveLength(3);
    const bodies = await Promise.all(files.map((f) => readFile(path.join(maildir, 'new', f), 'latin1')));
    // mpop stores with LF line endings and adds its own Received header; the rest is the stored message.
    const stored = ['Subject: one\r\n\r\nfirst body\r\n', dotted, 'Subject: three\r\nX-Long: a\r\n\r\nl1\r\nl2\r\nl3\r\n'];
    expect(bodies.map((b) => b.replace(/^Received: .*\n([ \t].*\n)*/, '')).sort()).toEqual(stored.map((b) => b.replace(/\r\n/g, '\n')).sort());
    expect(node.mailboxes.get('alice')).toEqual([]);
  });

  it('STLS with a key and certificate: poplib.stls() then login and RETR over TLS; CAPA offers STLS only before', async () => {
    const node = nodeWithMail();
    const cert = await selfSignedCertificate();
    cleanups.push(() => removeDir(cert.dir));
    const server = await start(node, { tls: { key: cert.key, cert: cert.cert } });
    const script = [
      'import poplib, ssl, json',
      `ctx = ssl.create_default_context(cafile=${JSON.stringify(cert.certFile)})`,
      `p = poplib.POP3("127.0.0.1", ${server.address.port}, timeout=10)`,
      'before = sorted(p.capa().keys())',
      'p.stls(context=ctx)',
      'after = sorted(p.capa().keys())',
      'p.user("alice"); p.pass_("alice-pw")',
      'body = b"\\r\\n".join(p.retr(1)[1]).decode()',
      'cipher = p.sock.cipher()[1]',
      'p.quit()',
      'print(json.dumps({"before": before, "after": after, "body": body, "cipher": cipher}))',
    ].join('\n');
    const r = await run('python3', ['-c', script]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { before: string[]; after: string[]; body: string; cipher: string };
    expect(out.before).toContain('STLS');
    expect(out.after).not.toContain('STLS');
    expect(out.before).toEqual(expect.arrayContaining(['TOP', 'USER', 'UIDL', 'RESP-CODES', 'PIPELINING', 'IMPLEMENTATION']));
    expect(out.before).not.toContain('APOP');
    expect(out.body).toBe('Subject: one\r\n\r\nfirst body');
    expect(out.cipher).toMatch(/^TLS/);
  });
});

describe('POP3 protocol details (raw sockets)', () => {
  it('byte-stuffing on the wire: lines starting with "." get one more ".", and the response ends CRLF.CRLF', async () => {
    const server = await start(nodeWithMail());
    const c = await login(server.address.port);
    const reply = await c.command('RETR 2', multi);
    expect(reply).toBe(`+OK 74 octets\r\nSubject: dots\r\nMessage-ID: <d@x>\r\n\r\n..leading\r\n...two\r\n..\r\nmiddle\r\n....\r\nend\r\n.\r\n`);
  });

  it('a body that does not end with CRLF still ends its response with CRLF.CRLF', async () => {
    const node = nodeWithMail();
    node.store('bob', 'no newline at the end');
    const server = await start(node);
    const c = await login(server.address.port, 'bob', 'bob-pw');
    expect(await c.command('RETR 1', multi)).toBe('+OK 21 octets\r\nno newline at the end\r\n.\r\n');
  });

  it('message numbers refer to the listing fixed at login; deleted ones are hidden; bad numbers are refused', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await login(server.address.port);
    node.store('alice', 'arrived later\r\n'); // not in this session's maildrop (RFC 1939 §8)
    expect(await c.command('STAT', /\r\n/)).toBe('+OK 3 143\r\n');
    expect(await c.command('DELE 2', /\r\n/)).toBe('+OK message 2 deleted\r\n');
    expect(await c.command('LIST', multi)).toBe('+OK 2 messages\r\n1 28\r\n3 41\r\n.\r\n');
    expect(await c.command('UIDL', multi)).toBe('+OK 2 messages\r\n1 n1-1-1\r\n3 n1-1-3\r\n.\r\n');
    expect(await c.command('LIST 2', /\r\n/)).toBe('-ERR message 2 already deleted\r\n');
    expect(await c.command('DELE 2', /\r\n/)).toBe('-ERR message 2 already deleted\r\n');
    expect(await c.command('RETR 4', /\r\n/)).toBe('-ERR no such message, only 3 in maildrop\r\n');
    for (const bad of ['RETR 0', 'RETR -1', 'RETR x', 'RETR', 'RETR 1 2', 'TOP 1', 'TOP 1 x']) expect(await c.command(bad, /\r\n/)).toMatch(/^-ERR /);
    expect(await c.command('UIDL 3', /\r\n/)).toBe('+OK 3 n1-1-3\r\n');
    expect(await c.command('NOOP', /\r\n/)).toBe('+OK\r\n');
    expect(await c.command('RSET', /\r\n/)).toMatch(/^\+OK maildrop has 3 messages/);
    expect(await c.command('LIST 2', /\r\n/)).toBe('+OK 2 74\r\n');
  });

  it('TOP n 0 gives the header section and the blank line only', async () => {
    const server = await start(nodeWithMail());
    const c = await login(server.address.port);
    expect(await c.command('TOP 3 0', multi)).toBe('+OK top of message follows\r\nSubject: three\r\nX-Long: a\r\n\r\n.\r\n');
    expect(await c.command('TOP 3 2', multi)).toBe('+OK top of message follows\r\nSubject: three\r\nX-Long: a\r\n\r\nl1\r\nl2\r\n.\r\n');
    expect(await c.command('TOP 3 99', multi)).toBe('+OK top of message follows\r\nSubject: three\r\nX-Long: a\r\n\r\nl1\r\nl2\r\nl3\r\n.\r\n');
  });

  it('UIDLs are stable across sessions, and a msgId outside RFC 1939 §7 gets a stable digest that fits', async () => {
    const node = nodeWithMail();
    node.store('bob', 'x\r\n', 'has space and ünïcode and is longer than seventy characters altogether, surely');
    const server = await start(node);
    const uidls = async (): Promise<string> => {
      const c = await login(server.address.port, 'bob', 'bob-pw');
      const reply = await c.command('UIDL', multi);
      await c.command('QUIT', /\r\n/);
      return reply;
    };
    const first = await uidls();
    expect(first).toMatch(/^\+OK 1 messages\r\n1 h[0-9a-f]{40}\r\n\.\r\n$/);
    expect(await uidls()).toBe(first);
  });

  it('uidlNamespace prefixes every UIDL, so a fresh cluster reusing msgIds shows new UIDLs', async () => {
    const server = await start(nodeWithMail(), { uidlNamespace: 'k7f3' });
    const c = await login(server.address.port);
    expect(await c.command('UIDL', multi)).toBe('+OK 3 messages\r\n1 k7f3.n1-1-1\r\n2 k7f3.n1-1-2\r\n3 k7f3.n1-1-3\r\n.\r\n');
    await expect(startPop3Server({ host: '127.0.0.1', port: 0, gateway: nodeWithMail(), uidlNamespace: 'has space' })).rejects.toThrow(/uidlNamespace/);
  });

  it('a connection that ends without QUIT deletes nothing; QUIT enters UPDATE and deletes', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await login(server.address.port);
    await c.command('DELE 1', /\r\n/);
    c.destroy();
    await eventually(() => node.ended.length === 1, 'the node is told the session ended');
    expect(node.mailboxes.get('alice')).toHaveLength(3);
    expect(node.requests.some((r) => r.request.kind === 'popQuit')).toBe(false);
    const d = await login(server.address.port);
    await d.command('DELE 1', /\r\n/);
    expect(await d.command('QUIT', /\r\n/)).toBe('+OK bye (1 messages deleted)\r\n');
    expect(await d.closedWithin(5_000)).toBe(true);
    expect(node.mailboxes.get('alice')).toHaveLength(2);
  });

  it('pipelined commands in one write are answered in order, one transaction at a time at the node', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await connect(server.address.port);
    c.send('CAPA\r\nUSER alice\r\nPASS alice-pw\r\nSTAT\r\nRETR 1\r\nDELE 3\r\nLIST\r\nQUIT\r\n');
    await c.waitFor(/bye/);
    const t = c.text();
    const order = ['+OK capability list follows', '+OK send PASS', '+OK maildrop has 3 messages', '+OK 3 143', '+OK 28 octets', '+OK message 3 deleted', '+OK 2 messages', '+OK bye'];
    let at = 0;
    for (const line of order) {
      const i = t.indexOf(line, at);
      expect(i, line).toBeGreaterThanOrEqual(at);
      at = i;
    }
    expect(node.overlapping).toBe(0);
  });

  it('commands outside their state are refused; APOP and AUTH are not supported', async () => {
    const server = await start(nodeWithMail());
    const c = await connect(server.address.port);
    expect(await c.command('STAT', /\r\n/)).toBe('-ERR not authenticated\r\n');
    expect(await c.command('PASS x', /\r\n/)).toBe('-ERR send USER first\r\n');
    expect(await c.command('APOP alice 0123456789abcdef0123456789abcdef', /\r\n/)).toMatch(/^-ERR APOP is not supported/);
    expect(await c.command('AUTH PLAIN', /\r\n/)).toMatch(/^-ERR AUTH is not supported/);
    expect(await c.command('STLS', /\r\n/)).toBe('-ERR STLS is not available\r\n');
    const d = await login(server.address.port);
    expect(await d.command('USER bob', /\r\n/)).toBe('-ERR already authenticated\r\n');
  });
});

describe('POP3 front end refuses what it must', () => {
  it('a 1 MB line gets -ERR line too long and the connection is closed; the server keeps serving others', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await connect(server.address.port);
    c.send(`USER ${'a'.repeat(1024 * 1024)}\r\n`);
    await c.waitFor(/^-ERR line too long/m);
    expect(await c.closedWithin(5_000)).toBe(true);
    expect(node.requests).toHaveLength(0);
    const other = await login(server.address.port);
    expect(await other.command('STAT', /\r\n/)).toMatch(/^\+OK 3 /);
  });

  it('a line of maxLineLength octets (with CRLF) is read, one octet more is refused', async () => {
    const server = await start(nodeWithMail(), { maxLineLength: 40 });
    const c = await connect(server.address.port);
    expect(await c.command(`USER ${'a'.repeat(40 - 2 - 5)}`, /\r\n/)).toBe('+OK send PASS\r\n');
    c.send(`USER ${'a'.repeat(40 - 2 - 4)}\r\n`);
    await c.waitFor(/-ERR line too long/);
  });

  it('NUL bytes in a command line are refused and never reach the node', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await connect(server.address.port);
    expect(await c.command('USER ali\0ce', /\r\n/)).toBe('-ERR command contains a NUL byte\r\n');
    expect(await c.command('USER alice', /\r\n/)).toBe('+OK send PASS\r\n');
    expect(await c.command('PASS alice-pw\0', /\r\n/)).toBe('-ERR command contains a NUL byte\r\n');
    expect(node.requests).toHaveLength(0);
  });

  it("user names with '/', '..' are handed to the node as given and refused by it ([AUTH]); nothing else uses them", async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await connect(server.address.port);
    for (const name of ['../alice', 'a/b', '..']) {
      await c.command(`USER ${name}`, /\r\n/);
      // '..' is made of allowed characters: an unknown user, refused like a wrong password.
      expect(await c.command('PASS x', /\r\n/)).toMatch(name === '..' ? /^-ERR \[AUTH\] authentication failed/ : /^-ERR \[AUTH\] bad user name/);
    }
    expect(node.requests.map((r) => r.request)).toEqual(['../alice', 'a/b', '..'].map((user) => ({ kind: 'popAuth', user, password: 'x' })));
  });

  it('ten unrecognised commands close the connection', async () => {
    const server = await start(nodeWithMail());
    const c = await connect(server.address.port);
    for (let i = 0; i < 9; i++) expect(await c.command(`XYZZY${i}`, /\r\n/)).toBe('-ERR unknown command\r\n');
    expect(await c.command('XYZZY9', /\r\n/)).toMatch(/^-ERR too many unrecognised commands/);
    expect(await c.closedWithin(5_000)).toBe(true);
  });

  it('connections per address: one over the limit is refused; another address is still served', async () => {
    const server = await start(nodeWithMail(), { maxConnectionsPerAddress: 2 });
    await connect(server.address.port);
    await connect(server.address.port);
    const third = await RawClient.connect(server.address.port);
    cleanups.push(async () => third.destroy());
    await third.waitFor(/^-ERR \[SYS\/TEMP\] too many connections/);
    expect(await third.closedWithin(5_000)).toBe(true);
    await connect(server.address.port, '127.0.0.2');
    expect(server.stats().connectionsRefused).toBe(1);
  });

  it('password guessing: after maxFailuresPerUser the user is refused without asking the node; others are still served', async () => {
    const node = nodeWithMail();
    const server = await start(node, { loginThrottle: { failureDelayMs: 30, maxFailuresPerUser: 3, maxFailuresPerAddress: 6 } });
    const c = await connect(server.address.port);
    for (let i = 0; i < 3; i++) {
      await c.command('USER alice', /\r\n/);
      const t0 = Date.now();
      expect(await c.command(`PASS guess${i}`, /\r\n/)).toBe('-ERR [AUTH] authentication failed\r\n');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(25); // the failure delay (a lower bound, never flaky)
    }
    await c.command('USER alice', /\r\n/);
    const asked = node.requests.length;
    expect(await c.command('PASS alice-pw', /\r\n/)).toMatch(/^-ERR \[SYS\/TEMP\] too many failed logins for this user/);
    expect(await c.closedWithin(5_000)).toBe(true);
    expect(node.requests.length).toBe(asked); // the node was not asked
    // alice is refused from another address too; bob is served from both.
    const other = await connect(server.address.port, '127.0.0.2');
    await other.command('USER alice', /\r\n/);
    expect(await other.command('PASS alice-pw', /\r\n/)).toMatch(/^-ERR \[SYS\/TEMP\]/);
    expect(await (await login(server.address.port, 'bob', 'bob-pw')).command('STAT', /\r\n/)).toBe('+OK 0 0\r\n');
    expect(server.stats()).toMatchObject({ loginsFailed: 3, loginsThrottled: 2 });
  });

  it('password guessing across many user names: the address is refused after maxFailuresPerAddress; other addresses are served', async () => {
    const node = nodeWithMail();
    const server = await start(node, { loginThrottle: { failureDelayMs: 1, maxFailuresPerUser: 3, maxFailuresPerAddress: 4 } });
    const c = await connect(server.address.port, '127.0.0.3');
    for (let i = 0; i < 4; i++) {
      await c.command(`USER user${i}`, /\r\n/);
      expect(await c.command('PASS x', /\r\n/)).toMatch(/^-ERR \[AUTH\]/);
    }
    await c.command('USER carol', /\r\n/);
    expect(await c.command('PASS carol-pw', /\r\n/)).toMatch(/^-ERR \[SYS\/TEMP\] too many failed logins for your address/);
    const elsewhere = await login(server.address.port, 'carol', 'carol-pw');
    expect(await elsewhere.command('STAT', /\r\n/)).toBe('+OK 0 0\r\n');
  });

  it('the throttle forgets a window once it has passed, clears a user on success, and keeps at most maxTracked entries', () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailuresPerUser: 2, maxFailuresPerAddress: 1_000_000, windowMs: 1_000, maxTracked: 100 }, () => now);
    t.failed('Alice', 'a1');
    t.failed('alice', 'a1');
    expect(t.refusal('ALICE', 'a2')).toBe('user');
    now = 1_000;
    expect(t.refusal('alice', 'a2')).toBeUndefined();
    t.failed('alice', 'a1');
    t.succeeded('alice');
    t.failed('alice', 'a1');
    expect(t.refusal('alice', 'a1')).toBeUndefined();
    for (let i = 0; i < 10_000; i++) t.failed(`u${i}`, `addr${i}`);
    expect(t.tracked()).toEqual({ users: 100, addresses: 100 });
  });

  it("the node's temporary failures become -ERR [SYS/TEMP]; a [SYS/TEMP] login failure is not counted as a guess", async () => {
    const node = nodeWithMail();
    const server = await start(node, { loginThrottle: { failureDelayMs: 1, maxFailuresPerUser: 1 } });
    node.override.set('popAuth', { kind: 'popAuth', ok: false, text: '[SYS/TEMP] user manager unavailable' });
    const c = await connect(server.address.port);
    for (let i = 0; i < 3; i++) {
      await c.command('USER alice', /\r\n/);
      expect(await c.command('PASS alice-pw', /\r\n/)).toBe('-ERR [SYS/TEMP] user manager unavailable\r\n');
    }
    node.override.delete('popAuth');
    const d = await login(server.address.port);
    node.override.set('popRetr', { kind: 'popRetr', ok: false, text: 'mailbox node unavailable' });
    expect(await d.command('RETR 1', /\r\n/)).toBe('-ERR [SYS/TEMP] mailbox node unavailable\r\n');
    node.override.set('popQuit', { kind: 'popQuit', ok: false, deleted: 0, text: '[SYS/TEMP] some messages were not deleted' });
    expect(await d.command('QUIT', /\r\n/)).toBe('-ERR [SYS/TEMP] some messages were not deleted\r\n');
  });

  it("control characters in the node's reply text cannot split a response", async () => {
    const node = nodeWithMail();
    const server = await start(node);
    const c = await login(server.address.port);
    node.override.set('popRetr', { kind: 'popRetr', ok: false, text: 'gone\r\n+OK injected' });
    expect(await c.command('RETR 1', /\r\n/)).toBe('-ERR [SYS/TEMP] gone  +OK injected\r\n');
    expect(await c.command('NOOP', /\r\n/)).toBe('+OK\r\n');
  });

  it('maxConnections in all: one more from any address is refused', async () => {
    const server = await start(nodeWithMail(), { maxConnections: 2 });
    await connect(server.address.port);
    await connect(server.address.port, '127.0.0.2');
    const third = await RawClient.connect(server.address.port, '127.0.0.1', '127.0.0.3');
    cleanups.push(async () => third.destroy());
    await third.waitFor(/^-ERR \[SYS\/TEMP\] too many connections/);
  });

  it('an unusable TLS key or certificate is one clear error at start', async () => {
    await expect(startPop3Server({ host: '127.0.0.1', port: 0, gateway: nodeWithMail(), tls: { key: 'not a key', cert: 'not a cert' } })).rejects.toThrow(
      /^pop3: unusable TLS key or certificate: /,
    );
  });

  it('a port already in use is one clear error naming the address', async () => {
    const server = await start(nodeWithMail());
    await expect(startPop3Server({ host: '127.0.0.1', port: server.address.port, gateway: nodeWithMail() })).rejects.toThrow(
      `pop3: cannot listen on 127.0.0.1:${server.address.port}: listen EADDRINUSE`,
    );
  });

  it('a node that cannot open a session: the connection is refused with -ERR [SYS/TEMP]; the server stays up', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    node.refuseSessions = true;
    const c = await RawClient.connect(server.address.port);
    cleanups.push(async () => c.destroy());
    await c.waitFor(/^-ERR \[SYS\/TEMP\] service not available/);
    expect(await c.closedWithin(5_000)).toBe(true);
    node.refuseSessions = false;
    expect(await (await login(server.address.port)).command('STAT', /\r\n/)).toMatch(/^\+OK 3 /);
  });

  it('a listing failure after a good password ends the session with -ERR [SYS/TEMP]', async () => {
    const node = nodeWithMail();
    const server = await start(node);
    node.override.set('popList', { kind: 'popList', ok: false, messages: [], text: '[SYS/TEMP] fragments unreachable' });
    const c = await connect(server.address.port);
    await c.command('USER alice', /\r\n/);
    expect(await c.command('PASS alice-pw', /\r\n/)).toBe('-ERR [SYS/TEMP] cannot list the maildrop: fragments unreachable\r\n');
    expect(await c.closedWithin(5_000)).toBe(true);
  });
});

describe('POP3 front end: timeouts, TLS upgrade and shutdown', () => {
  it('idle timeout: -ERR autologout, connection closed, session ended, marked deletes not applied', async () => {
    const node = nodeWithMail();
    const server = await start(node, { idleTimeoutMs: 200 });
    const c = await login(server.address.port);
    await c.command('DELE 1', /\r\n/);
    await c.waitFor(/-ERR \[SYS\/TEMP\] autologout/, 5_000);
    expect(await c.closedWithin(5_000)).toBe(true);
    await eventually(() => node.ended.length === 1, 'endSession');
    expect(node.mailboxes.get('alice')).toHaveLength(3);
    expect(server.stats().idleTimeouts).toBe(1);
  });

  const injections: Record<string, string> = {
    'one command': 'USER alice\r\n',
    'a pipeline long enough to pause reading': `USER alice\r\n${'NOOP\r\n'.repeat(100)}`,
  };
  for (const [name, injected] of Object.entries(injections)) {
    it(`plaintext sent after STLS in the same packet (${name}) is discarded, not run inside the TLS session`, async () => {
      const node = nodeWithMail();
      const cert = await selfSignedCertificate();
      cleanups.push(() => removeDir(cert.dir));
      const server = await start(node, { tls: { key: cert.key, cert: cert.cert } });
      const c = await connect(server.address.port);
      c.socket.removeAllListeners('data');
      const plain = c.socket;
      const upgraded = new Promise<string>((resolve, reject) => {
        let seen = '';
        plain.on('data', (d: Buffer) => {
          seen += d.toString('latin1');
          if (!seen.includes('+OK begin TLS')) return;
          plain.removeAllListeners('data');
          const secure = tls.connect({ socket: plain, ca: cert.cert, servername: 'localhost' }, () => {
            let text = '';
            secure.on('data', (x: Buffer) => {
              text += x.toString('latin1');
              if (text.includes('\r\n')) resolve(text);
            });
            secure.write('PASS alice-pw\r\n');
          });
          secure.on('error', reject);
        });
      });
      plain.write(`STLS\r\n${injected}`);
      expect(await upgraded).toBe('-ERR send USER first\r\n');
      expect(node.requests).toHaveLength(0);
    });
  }

  it('close() lets an in-flight RETR finish, tells idle connections, then resolves and refuses new ones', async () => {
    const node = nodeWithMail();
    const server = await startPop3Server({ host: '127.0.0.1', port: 0, gateway: node, closeTimeoutMs: 5_000 });
    const idle = await connect(server.address.port);
    const busy = await login(server.address.port);
    node.delayMs = 300;
    busy.send('RETR 1\r\n');
    await eventually(() => node.requests.some((r) => r.request.kind === 'popRetr'), 'RETR reaches the node');
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(4_000);
    await busy.waitFor(/\+OK 28 octets\r\nSubject: one\r\n\r\nfirst body\r\n\.\r\n-ERR \[SYS\/TEMP\] server shutting down/);
    await idle.waitFor(/-ERR \[SYS\/TEMP\] server shutting down/);
    expect(await RawClient.connect(server.address.port).then(() => 'connected', () => 'refused')).toBe('refused');
  });
});
