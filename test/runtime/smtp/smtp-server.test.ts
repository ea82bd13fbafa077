// The SMTP front end on real sockets, driven by real clients (curl, Python's smtplib, swaks) and raw
// sockets, against an in-memory test double of the node (test/runtime/front-end/test-node.ts).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer, type SmtpOptions } from '../../../src/runtime/smtp/index.js';
import { TestNode } from '../front-end/test-node.js';
import { RawClient, eventually, removeDir, run, selfSignedCertificate } from '../front-end/wire.js';

const domain = 'example.org';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function start(node: TestNode, options: Partial<SmtpOptions> = {}) {
  const server = await startSmtpServer({ host: '127.0.0.1', port: 0, gateway: node, domains: [domain], closeTimeoutMs: 2_000, ...options });
  cleanups.push(() => server.close());
  return server;
}

function nodeWithUsers(): TestNode {
  const node = new TestNode();
  node.addUser('alice', 'alice-pw');
  node.addUser('bob', 'bob-pw');
  return node;
}

/** A raw connection that has been greeted (220), closed after the test. */
async function greeted(port: number, localAddress?: string): Promise<RawClient> {
  const c = await RawClient.connect(port, '127.0.0.1', localAddress);
  cleanups.push(async () => c.destroy());
  await c.waitFor(/^220 .*\r\n/);
  return c;
}

/** Opens a raw session up to the DATA prompt for alice. */
async function rawToData(port: number): Promise<RawClient> {
  const c = await greeted(port);
  await c.command('EHLO client.test', /^250 .*\r\n/m);
  await c.command('MAIL FROM:<sender@other.test>', /^250 /m);
  await c.command(`RCPT TO:<alice@${domain}>`, /^250 /m);
  await c.command('DATA', /^354 /m);
  return c;
}

async function tempDir(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(path.join(tmpdir(), 'porcupine-smtp-'));
  cleanups.push(() => removeDir(dir));
  return dir;
}

describe('SMTP front end with real clients', () => {
  it('curl delivers a message; the node gets the body with CRLF line endings and the Message-ID', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const dir = await tempDir();
    const file = path.join(dir, 'mail.txt');
    await writeFile(file, 'From: sender@other.test\r\nTo: alice@example.org\r\nMessage-ID: <m1@other.test>\r\nSubject: hi\r\n\r\nhello from curl\r\n.dot line\r\n');
    const r = await run('curl', ['-sS', '--url', `smtp://127.0.0.1:${server.address.port}`, '--mail-from', 'sender@other.test', '--mail-rcpt', `alice@${domain}`, '-T', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const stored = node.mailboxes.get('alice') ?? [];
    expect(stored).toHaveLength(1);
    expect(stored[0].body).toBe('From: sender@other.test\r\nTo: alice@example.org\r\nMessage-ID: <m1@other.test>\r\nSubject: hi\r\n\r\nhello from curl\r\n.dot line\r\n');
    expect(stored[0].sender).toBe('sender@other.test');
    const data = node.requests.find((x) => x.request.kind === 'smtpData')?.request;
    expect(data).toMatchObject({ kind: 'smtpData', recipients: ['alice'], clientMsgId: '<m1@other.test>' });
  });

  it("Python's smtplib delivers to two recipients; lines starting with '.' and '..' arrive unchanged", async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const script = [
      'import smtplib, sys',
      `s = smtplib.SMTP("127.0.0.1", ${server.address.port}, timeout=10)`,
      'msg = "Subject: dots\\r\\n\\r\\n.leading\\r\\n..two\\r\\n.\\r\\nend\\r\\n"',
      `refused = s.sendmail("py@other.test", ["alice@${domain}", "bob@${domain}"], msg)`,
      'print("refused", refused)',
      's.quit()',
    ].join('\n');
    const r = await run('python3', ['-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('refused {}');
    for (const user of ['alice', 'bob']) {
      expect(node.mailboxes.get(user)?.map((m) => m.body)).toEqual(['Subject: dots\r\n\r\n.leading\r\n..two\r\n.\r\nend\r\n']);
    }
  });

  it('swaks delivers, and gets 550 for an unknown user', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const ok = await run('swaks', ['--server', '127.0.0.1', '--port', String(server.address.port), '--from', 'sw@other.test', '--to', `bob@${domain}`, '--body', 'from swaks', '--h-Subject', 'swaks test']);
    expect(ok.code).toBe(0);
    expect(node.mailboxes.get('bob')).toHaveLength(1);
    expect(node.mailboxes.get('bob')?.[0].body).toMatch(/Subject: swaks test\r\n[\s\S]*\r\n\r\nfrom swaks\r\n/);
    const unknown = await run('swaks', ['--server', '127.0.0.1', '--port', String(server.address.port), '--from', 'sw@other.test', '--to', `nobody@${domain}`]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).toMatch(/<\*\* 550 5\.1\.1 no such user/);
  });

  it('STARTTLS with a key and certificate: curl --ssl-reqd delivers over TLS, and EHLO offers STARTTLS', async () => {
    const node = nodeWithUsers();
    const tls = await selfSignedCertificate();
    cleanups.push(() => removeDir(tls.dir));
    const server = await start(node, { tls: { key: tls.key, cert: tls.cert } });
    const c = await greeted(server.address.port);
    expect(await c.command('EHLO x', /^250 /m)).toMatch(/STARTTLS/);
    const dir = await tempDir();
    const file = path.join(dir, 'mail.txt');
    await writeFile(file, 'Subject: secret\r\n\r\nover tls\r\n');
    const r = await run('curl', ['-sS', '--ssl-reqd', '--cacert', tls.certFile, '--url', `smtp://127.0.0.1:${server.address.port}`, '--mail-from', 'a@other.test', '--mail-rcpt', `alice@${domain}`, '-T', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(node.mailboxes.get('alice')?.map((m) => m.body)).toEqual(['Subject: secret\r\n\r\nover tls\r\n']);
  });

  it("STARTTLS with Python's smtplib.starttls(): the session after the upgrade delivers over TLS", async () => {
    const node = nodeWithUsers();
    const tls = await selfSignedCertificate();
    cleanups.push(() => removeDir(tls.dir));
    const server = await start(node, { tls: { key: tls.key, cert: tls.cert } });
    const script = [
      'import smtplib, ssl',
      `ctx = ssl.create_default_context(cafile=${JSON.stringify(tls.certFile)})`,
      `s = smtplib.SMTP("127.0.0.1", ${server.address.port}, timeout=10)`,
      's.ehlo(); s.starttls(context=ctx); s.ehlo()',
      'print(s.sock.version())',
      `s.sendmail("py@other.test", ["bob@${domain}"], "Subject: tls\\r\\n\\r\\nsecret\\r\\n")`,
      's.quit()',
    ].join('\n');
    const r = await run('python3', ['-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^TLSv1\.[23]$/);
    expect(node.mailboxes.get('bob')?.map((m) => m.body)).toEqual(['Subject: tls\r\n\r\nsecret\r\n']);
  });

  it('receivedHeader: a Received trace header (RFC 5321 §4.4) is prepended; without it the body is as sent', async () => {
    const node = nodeWithUsers();
    const server = await start(node, { receivedHeader: true, hostname: 'n1.example.org' });
    const c = await rawToData(server.address.port);
    expect(await c.command('Subject: t\r\n\r\nbody\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    const [stored] = node.mailboxes.get('alice') ?? [];
    expect(stored.body).toMatch(
      /^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby n1\.example\.org \(Porcupine-TS\) with ESMTP id \S+;\r\n\t\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\nSubject: t\r\n\r\nbody\r\n$/,
    );
  });

  it('without TLS material STARTTLS is neither offered nor accepted, and AUTH is not offered', async () => {
    const server = await start(nodeWithUsers());
    const c = await greeted(server.address.port);
    const ehlo = await c.command('EHLO x', /^250 /m);
    expect(ehlo).not.toMatch(/STARTTLS|AUTH/);
    expect(ehlo).toMatch(/SIZE \d+/);
    expect(await c.command('STARTTLS', /^5\d\d /m)).toMatch(/^5\d\d /m);
  });
});

describe('SMTP front end refuses what it must', () => {
  it('recipients: unknown user 550, bad name 553, other domain 550 (no relay), no domain 501; only in-domain ones reach the node', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const c = await greeted(server.address.port);
    await c.command('EHLO x', /^250 /m);
    await c.command('MAIL FROM:<a@other.test>', /^250 /m);
    expect(await c.command(`RCPT TO:<nobody@${domain}>`, /^\d{3} /m)).toMatch(/^550 5\.1\.1 no such user/m);
    expect(await c.command(`RCPT TO:<a/b@${domain}>`, /^\d{3} /m)).toMatch(/^553 5\.1\.3 bad recipient name/m);
    expect(await c.command('RCPT TO:<alice@elsewhere.test>', /^\d{3} /m)).toMatch(/^550 5\.7\.1 relaying denied/m);
    expect(await c.command('RCPT TO:<alice@EXAMPLE.ORG>', /^\d{3} /m)).toMatch(/^250 /m);
    // smtp-server itself refuses an address without a domain (only <postmaster> may omit it).
    expect(await c.command('RCPT TO:<alice>', /^\d{3} /m)).toMatch(/^501 /m);
    // Only the two recipients in the cluster's domain reached the node.
    expect(node.requests.map((r) => r.request)).toEqual([
      { kind: 'smtpRcpt', user: 'nobody' },
      { kind: 'smtpRcpt', user: 'a/b' },
      { kind: 'smtpRcpt', user: 'alice' },
    ]);
    expect(server.stats().recipientsRefused).toBe(3);
  });

  it('a message over maxMessageBytes gets 552 and is not stored; the connection goes on and the next one is', async () => {
    const node = nodeWithUsers();
    const server = await start(node, { maxMessageBytes: 1_000 });
    const c = await rawToData(server.address.port);
    expect(await c.command(`${'x'.repeat(3_000)}\r\n.`, /^\d{3} /m)).toMatch(/^552 /m);
    expect(node.delivered()).toHaveLength(0);
    await c.command('MAIL FROM:<a@other.test>', /^250 /m);
    await c.command(`RCPT TO:<alice@${domain}>`, /^250 /m);
    await c.command('DATA', /^354 /m);
    expect(await c.command('small\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    expect(node.delivered().map((m) => m.body)).toEqual(['small\r\n']);
    expect(server.stats().messagesTooBig).toBe(1);
  });

  it('the same mailbox named twice (any case) is delivered to once', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const c = await greeted(server.address.port);
    await c.command('EHLO x', /^250 /m);
    await c.command('MAIL FROM:<a@other.test>', /^250 /m);
    await c.command(`RCPT TO:<alice@${domain}>`, /^250 /m);
    await c.command(`RCPT TO:<ALICE@${domain}>`, /^250 /m);
    await c.command('DATA', /^354 /m);
    expect(await c.command('once\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    expect(node.requests.find((r) => r.request.kind === 'smtpData')?.request).toMatchObject({ recipients: ['ALICE'] });
    expect(node.mailboxes.get('alice')).toHaveLength(1);
  });

  it('more than maxRecipients recipients: 452 for the extra ones, the rest delivered', async () => {
    const node = nodeWithUsers();
    const server = await start(node, { maxRecipients: 2 });
    const c = await greeted(server.address.port);
    await c.command('EHLO x', /^250 /m);
    await c.command('MAIL FROM:<a@other.test>', /^250 /m);
    await c.command(`RCPT TO:<alice@${domain}>`, /^250 /m);
    await c.command(`RCPT TO:<bob@${domain}>`, /^250 /m);
    expect(await c.command(`RCPT TO:<alice+x@${domain}>`, /^\d{3} /m)).toMatch(/^452 4\.5\.3 too many recipients/m);
    await c.command('DATA', /^354 /m);
    expect(await c.command('two\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    expect(node.delivered()).toHaveLength(2);
  });

  it('a 1 MB command line gets 421 and the connection is closed; the server keeps serving others', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const c = await greeted(server.address.port);
    c.send(`EHLO ${'a'.repeat(1024 * 1024)}\r\n`);
    await c.waitFor(/^421 .*too long/m);
    expect(await c.closedWithin(5_000)).toBe(true);
    const other = await rawToData(server.address.port);
    expect(await other.command('still here\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
  });

  it('a command line of maxLineLength octets is accepted, one octet more is refused', async () => {
    const server = await start(nodeWithUsers(), { maxLineLength: 100 });
    const c = await greeted(server.address.port);
    const ok = `EHLO ${'a'.repeat(100 - 2 - 5)}`; // 98 octets + CRLF
    expect(await c.command(ok, /^250 /m)).toMatch(/^250 /m);
    c.send(`NOOP ${'a'.repeat(100 - 2 - 4)}\r\n`); // 99 octets + CRLF
    await c.waitFor(/^421 /m);
  });

  it('ten unrecognised commands end the connection with 421', async () => {
    const server = await start(nodeWithUsers());
    const c = await greeted(server.address.port);
    for (let i = 0; i < 9; i++) await c.command(`BOGUS${i}`, /^500 /m);
    await c.command('BOGUS9', /^421 /m);
    expect(await c.closedWithin(5_000)).toBe(true);
  });

  it('maxUnrecognisedCommands: the third unrecognised command ends the connection when the limit is 3', async () => {
    const server = await start(nodeWithUsers(), { maxUnrecognisedCommands: 3 });
    const c = await greeted(server.address.port);
    await c.command('BOGUS1', /^500 /m);
    await c.command('NOOP', /^250 /m);
    await c.command('BOGUS2', /^500 /m);
    await c.command('BOGUS3', /^421 /m);
    expect(await c.closedWithin(5_000)).toBe(true);
  });

  it('maxUnrecognisedCommands above smtp-server\'s own 10 is honoured too', async () => {
    const server = await start(nodeWithUsers(), { maxUnrecognisedCommands: 12 });
    const c = await greeted(server.address.port);
    for (let i = 1; i < 12; i++) await c.command(`BOGUS${i}`, /^500 /m);
    await c.command('BOGUS12', /^421 /m);
    expect(await c.closedWithin(5_000)).toBe(true);
  });

  it('connections per address: one over the limit gets 421; another address is still served', async () => {
    const node = nodeWithUsers();
    const server = await start(node, { host: '127.0.0.1', maxConnectionsPerAddress: 2 });
    const held = [await greeted(server.address.port), await greeted(server.address.port)];
    const third = await RawClient.connect(server.address.port);
    cleanups.push(async () => third.destroy());
    await third.waitFor(/^421 .*too many connections/);
    expect(await third.closedWithin(5_000)).toBe(true);
    await greeted(server.address.port, '127.0.0.2');
    held[0].destroy();
    await eventually(() => server.stats().connectionsOpen === 2, 'the closed connection frees its slot');
    await greeted(server.address.port);
    expect(server.stats().connectionsRefused).toBe(1);
  });
});

describe('SMTP front end: end-of-data smuggling never splits a message', () => {
  // Each form is followed, in the same write, by a complete second transaction and then the real end of data.
  const forms: Record<string, string> = {
    'LF.CRLF': '\n.\r\n',
    'LF.LF': '\n.\n',
    'CRLF.LF': '\r\n.\n',
    'CR.CRLF': '\r.\r\n',
    'CRLF.CR': '\r\n.\r',
    'CR.CR': '\r.\r',
    'bare CR': '\r',
    'bare LF': '\n',
  };
  const smuggled = `MAIL FROM:<evil@other.test>\r\nRCPT TO:<bob@${domain}>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n`;

  for (const [name, form] of Object.entries(forms)) {
    it(`${name}: with the normalise policy one message reaches the node, CRLF only, the smuggled part inside it`, async () => {
      const node = nodeWithUsers();
      const server = await start(node, { bareLineEndings: 'normalise' });
      const c = await rawToData(server.address.port);
      c.send(`Subject: outer\r\n\r\nbody${form}${smuggled}.\r\nQUIT\r\n`);
      await c.waitFor(/^221 /m);
      expect(c.text().match(/^250 2\.0\.0 stored/gm)).toHaveLength(1);
      expect(node.requests.filter((r) => r.request.kind === 'smtpData')).toHaveLength(1);
      expect(node.mailboxes.get('bob')).toHaveLength(0);
      const [stored] = node.mailboxes.get('alice') ?? [];
      expect(stored.body).toContain('Subject: smuggled');
      expect(stored.body).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    });

    it(`${name}: with the reject policy the message is refused with 550 and nothing reaches the node`, async () => {
      const node = nodeWithUsers();
      const server = await start(node, { bareLineEndings: 'reject' });
      const c = await rawToData(server.address.port);
      c.send(`Subject: outer\r\n\r\nbody${form}${smuggled}.\r\nQUIT\r\n`);
      await c.waitFor(/^221 /m);
      expect(c.text()).toMatch(/^550 5\.5\.2 .*bare CR or LF/m);
      expect(c.text()).not.toMatch(/^250 2\.0\.0/m);
      expect(node.delivered()).toHaveLength(0);
      expect(node.requests.filter((r) => r.request.kind === 'smtpData')).toHaveLength(0);
    });
  }

  it('a body line that is a single dot, sent dot-stuffed, stays inside the message', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const c = await rawToData(server.address.port);
    c.send(`..\r\n${smuggled}.\r\nQUIT\r\n`);
    await c.waitFor(/^221 /m);
    expect(node.delivered().map((m) => m.body)).toEqual([`.\r\n${smuggled}`]);
  });
});

describe('SMTP front end survives its clients', () => {
  it('a TCP reset in the middle of DATA does not end the process; nothing is delivered; the session ends', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const c = await rawToData(server.address.port);
    c.send('Subject: half\r\n\r\nhalf a messa');
    await new Promise((resolve) => setTimeout(resolve, 50));
    c.socket.resetAndDestroy();
    await eventually(() => node.ended.length === 1, 'the node is told the session ended');
    const next = await rawToData(server.address.port);
    expect(await next.command('whole\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
    expect(node.delivered().map((m) => m.body)).toEqual(['whole\r\n']);
  });

  it('an idle connection gets 421 after idleTimeoutMs and the node is told the session ended', async () => {
    const node = nodeWithUsers();
    const server = await start(node, { idleTimeoutMs: 200 });
    const c = await greeted(server.address.port);
    await c.waitFor(/^421 .*[Tt]imeout/m, 5_000);
    expect(await c.closedWithin(5_000)).toBe(true);
    await eventually(() => node.ended.length === 1, 'endSession');
  });

  it('the node failing a transaction (a rejected promise) is a 451, not a crash', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    node.request = () => Promise.reject(new Error('driver down'));
    const c = await greeted(server.address.port);
    await c.command('EHLO x', /^250 /m);
    await c.command('MAIL FROM:<a@other.test>', /^250 /m);
    expect(await c.command(`RCPT TO:<alice@${domain}>`, /^\d{3} /m)).toMatch(/^451 /m);
  });

  it('maxConnections in all: one more from any address gets 421', async () => {
    const server = await start(nodeWithUsers(), { maxConnections: 2 });
    await greeted(server.address.port);
    await greeted(server.address.port, '127.0.0.2');
    const third = await RawClient.connect(server.address.port, '127.0.0.1', '127.0.0.3');
    cleanups.push(async () => third.destroy());
    await third.waitFor(/^421 4\.7\.0 too many connections/);
  });

  it('an unusable TLS key or certificate is one clear error at start', async () => {
    await expect(startSmtpServer({ host: '127.0.0.1', port: 0, gateway: nodeWithUsers(), domains: [domain], tls: { key: 'not a key', cert: 'not a cert' } })).rejects.toThrow(
      /^smtp: unusable TLS key or certificate: /,
    );
  });

  it('a port already in use is one clear error naming the address', async () => {
    const server = await start(nodeWithUsers());
    await expect(startSmtpServer({ host: '127.0.0.1', port: server.address.port, gateway: nodeWithUsers(), domains: [domain] })).rejects.toThrow(
      `smtp: cannot listen on 127.0.0.1:${server.address.port}: listen EADDRINUSE`,
    );
  });

  it('a node that cannot open a session: the connection gets 421; the server stays up', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    node.refuseSessions = true;
    const c = await RawClient.connect(server.address.port);
    cleanups.push(async () => c.destroy());
    await c.waitFor(/^421 4\.3\.0 service not available/);
    expect(await c.closedWithin(5_000)).toBe(true);
    node.refuseSessions = false;
    const next = await rawToData(server.address.port);
    expect(await next.command('ok\r\n.', /^\d{3} /m)).toMatch(/^250 /m);
  });

  it("the node's temporary failure (452 disk full) goes back to the client as is", async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    node.override.set('smtpData', { kind: 'smtpData', code: 452, text: '4.3.1 insufficient storage', results: [] });
    const c = await rawToData(server.address.port);
    expect(await c.command('x\r\n.', /^\d{3} /m)).toMatch(/^452 4\.3\.1 insufficient storage/m);
  });

  it('close() lets an in-flight DATA finish with 250, closes idle connections at once, then resolves', async () => {
    const node = nodeWithUsers();
    const server = await startSmtpServer({ host: '127.0.0.1', port: 0, gateway: node, domains: [domain], closeTimeoutMs: 5_000 });
    const idle = await greeted(server.address.port);
    const busy = await rawToData(server.address.port);
    node.delayMs = 300;
    busy.send('in flight\r\n.\r\n');
    await eventually(() => node.requests.some((r) => r.request.kind === 'smtpData'), 'DATA reaches the node');
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(busy.text()).toMatch(/^250 2\.0\.0 stored/m);
    expect(idle.text()).toMatch(/^421 /m);
    expect(node.delivered().map((m) => m.body)).toEqual(['in flight\r\n']);
    expect(await RawClient.connect(server.address.port).then(() => 'connected', () => 'refused')).toBe('refused');
  });

  it('pipelined commands in one write are answered in order, one transaction at a time at the node', async () => {
    const node = nodeWithUsers();
    const server = await start(node);
    const c = await greeted(server.address.port);
    await c.command('EHLO x', /^250 /m);
    c.send(`MAIL FROM:<a@other.test>\r\nRCPT TO:<alice@${domain}>\r\nRCPT TO:<bob@${domain}>\r\nDATA\r\n`);
    await c.waitFor(/^354 /m);
    c.send('piped\r\n.\r\nQUIT\r\n');
    await c.waitFor(/^221 /m);
    expect(node.delivered()).toHaveLength(2);
    expect(node.overlapping).toBe(0);
  });
});
