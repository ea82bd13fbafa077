// A real Postfix relays to the cluster: a private Postfix instance (its own config, queue and data
// directories under a temp dir; smtpd on a free 127.0.0.1 port; `relayhost = [127.0.0.1]:<node's SMTP port>`)
// accepts a message and delivers it to node n1; the message is then read over POP3 at node n3.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../../src/runtime/free-ports.js';
import { eventually, TestCluster } from './harness.js';
import { popFetchAll, smtpSend } from './wire-client.js';
import { privateMasterCf } from './postfix.js';

let c: TestCluster | undefined;
const dir = mkdtempSync(join(tmpdir(), 'porcupine-postfix-'));
let started = false;
let relayPort = 0;


beforeAll(async () => {
  c = await TestCluster.start({ nodes: 3 });
  await c.addUser('relayed', 'relayed-pw');
  [relayPort] = await freePorts('127.0.0.1', 1);
  chmodSync(dir, 0o755); // mkdtemp makes it 0700: the postfix user must reach its data directory
  for (const d of ['etc', 'spool', 'data']) mkdirSync(join(dir, d));
  const uid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  chownSync(join(dir, 'data'), uid, -1);
  writeFileSync(join(dir, 'etc/main.cf'), [
    `queue_directory = ${dir}/spool`, `data_directory = ${dir}/data`, 'meta_directory = /etc/postfix', 'mail_owner = postfix', 'setgid_group = postdrop',
    'inet_interfaces = 127.0.0.1', 'inet_protocols = ipv4', 'myhostname = relay.test', 'mydestination =', 'alias_maps =', 'alias_database =',
    `relayhost = [127.0.0.1]:${c.node('n1').smtp}`, 'mynetworks = 127.0.0.0/8', 'compatibility_level = 3.6', 'smtputf8_enable = no',
    `maillog_file = ${dir}/maillog`, `maillog_file_prefixes = ${dir}`, 'smtp_tls_security_level = none', '',
  ].join('\n'));
  writeFileSync(join(dir, 'etc/master.cf'), privateMasterCf(relayPort));
  execFileSync('postfix', ['-c', join(dir, 'etc'), 'start'], { stdio: 'pipe' });
  started = true;
}, 90_000);

afterAll(async () => {
  if (started) execFileSync('postfix', ['-c', join(dir, 'etc'), 'stop'], { stdio: 'pipe' });
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay through a real Postfix', () => {
  it('Postfix accepts the message and relays it to a node; POP3 at another node returns it', async () => {
    if (c === undefined) throw new Error('cluster did not start');
    const cl = c;
    const code = await eventually('postfix smtpd listening', async () => {
      const r = await smtpSend('127.0.0.1', relayPort, 'relayed@example.org', 'relayed through postfix', 10_000);
      return r === 0 ? undefined : r;
    }, 20_000, 300);
    expect(code).toBe(250);
    const n3 = cl.node('n3');
    let log = '';
    const got = await eventually('the relayed message at n3', async () => {
      log = readFileSync(join(dir, 'maillog'), 'utf8');
      const r = await popFetchAll(n3.host, n3.pop3, 'relayed', 'relayed-pw');
      return r.ok && r.bodies.length > 0 ? r : undefined;
    }, 40_000, 500).catch((e: unknown) => {
      throw new Error(`${String(e)}; postfix log:\n${log}`);
    });
    expect(got.bodies[0]).toContain('relayed through postfix');
    expect(got.messages?.[0]).toMatch(/by relay\.test \(Postfix\)/);
    expect(readFileSync(join(dir, 'maillog'), 'utf8')).toMatch(/status=sent \(250 2\.0\.0 queued as/);
  }, 120_000);
});
