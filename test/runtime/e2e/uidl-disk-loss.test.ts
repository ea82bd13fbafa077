// Issue 8: UIDLs stay unique when a node's disk is lost. A client that keeps UIDLs (mpop --keep=on) fetches a
// message, n1's data directory is wiped and n1 restarts empty, mail is delivered again at n1: mpop must fetch
// the new message. Message ids minted without a Message-ID are `${node}-${instance}.${incarnation}-${counter}`,
// where the instance is drawn at a data directory's first boot (src/pure/node.ts), so the fresh disk's ids
// (incarnation 1 again) differ from the lost disk's; before, the new message reused `n1-1-0` and replaced the
// first message's surviving replica, and mpop skipped it as already seen.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, run, TestCluster } from './harness.js';
import { popFetchAll, smtpSend } from './wire-client.js';

let c: TestCluster;
const ids = ['n1', 'n2', 'n3'];
const dir = mkdtempSync(join(tmpdir(), 'mpop-uidl-'));
const mbox = join(dir, 'mbox');

beforeAll(async () => {
  c = await TestCluster.start({ nodes: 3, replicas: 2, ackReplicas: 2 });
  await c.addUser('carol', 'carol-pw');
}, 90_000);

afterAll(async () => {
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** mpop at `id`, keeping messages on the server and remembering UIDLs in one file across runs. */
function mpop(id: string): void {
  const n = c.node(id);
  const m = run('mpop', [
    `--host=${n.host}`, `--port=${n.pop3}`, '--user=carol', '--passwordeval=echo carol-pw', '--auth=user', '--tls=off',
    `--delivery=mbox,${mbox}`, `--uidls-file=${join(dir, 'uidls')}`, '--keep=on', '--received-header=off', '--timeout=20', '--quiet',
  ]);
  expect(m.status, m.stdout + m.stderr).toBe(0);
}

/** A 250 for `body` at `id`: a recipient check right after the user was added (or a node rejoined) may still answer 4xx/550. */
async function deliver(id: string, body: string): Promise<void> {
  const n = c.node(id);
  const codes: number[] = [];
  await eventually(`250 for ${body} (codes so far ${codes.join(',')})`, async () => {
    const code = await smtpSend(n.host, n.smtp, 'carol@example.org', body);
    codes.push(code);
    return code === 250 ? code : undefined;
  }, 30_000, 500);
}

const count = (text: string, s: string) => text.split(s).length - 1;

describe('UIDLs across a lost data directory', () => {
  it('mpop (keeping UIDLs) fetches mail delivered after n1 lost its disk, and the first message survives', async () => {
    writeFileSync(mbox, '');
    await deliver('n1', 'first-before-disk-loss');
    mpop('n2');
    expect(readFileSync(mbox, 'utf8')).toContain('first-before-disk-loss');

    const instanceBefore = (await c.status('n1')).instance;
    expect(await c.terminate('n1')).toBe(0);
    rmSync(c.dataDir('n1'), { recursive: true, force: true });
    mkdirSync(c.dataDir('n1'));
    await c.restart('n1');
    await c.waitMembers(ids);
    const instanceAfter = (await c.status('n1')).instance;
    expect(instanceAfter).not.toBe(instanceBefore); // the new data directory drew its own instance

    await deliver('n1', 'second-after-disk-loss');
    // The listing holds both messages (replication may still be catching up at the node mpop asks).
    const n2 = c.node('n2');
    await eventually('both messages listed at n2', async () => {
      const r = await popFetchAll(n2.host, n2.pop3, 'carol', 'carol-pw');
      return r.ok && r.bodies.some((b) => b.includes('first-before')) && r.bodies.some((b) => b.includes('second-after')) ? true : undefined;
    }, 30_000, 500);
    mpop('n2');
    const text = readFileSync(mbox, 'utf8');
    expect(count(text, 'second-after-disk-loss')).toBe(1);
    expect(count(text, 'first-before-disk-loss')).toBe(1); // fetched once: its UIDL did not change
    const uidls = await popFetchAll(n2.host, n2.pop3, 'carol', 'carol-pw');
    expect(new Set(uidls.bodies).size).toBe(2);
  }, 120_000);
});
