// Bad input on a node's RPC port, from a hostile "peer" speaking the frame format (src/runtime/transport/
// frames.ts): a frame with a wrong HMAC, a replayed frame (same connection and another one) and plain
// garbage. Each is refused and counted; the node keeps serving everyone else and stores nothing it was not
// legitimately asked to store.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeChallenge, encodeMessage, frameKey } from '../../../src/runtime/transport/frames.js';
import { TestCluster } from './harness.js';
import { popFetchAll, smtpSend } from './wire-client.js';

let c: TestCluster;
beforeAll(async () => {
  c = await TestCluster.start({ nodes: 3, replicas: 2, ackReplicas: 2 });
  await c.addUser('victim', 'victim-pw');
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects to n1's RPC port and reads its challenge; returns the socket and the connection's nonce. */
async function dial(): Promise<{ sock: Socket; nonce: Buffer }> {
  const n1 = c.node('n1');
  const sock = connect({ host: n1.host, port: n1.rpc });
  sock.on('error', () => undefined); // the node may reset the connection after a refused frame
  const body = await new Promise<Buffer>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => reject(new Error('no challenge within 5 s')), 5000);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        clearTimeout(t);
        resolve(buf.subarray(4, 4 + buf.readUInt32BE(0)));
      }
    });
    sock.on('error', reject);
  });
  const ch = decodeChallenge(frameKey(c.secret), body);
  if (!ch.ok) throw new Error(ch.why);
  return { sock, nonce: ch.value.nonce };
}

async function badFrames(): Promise<number> {
  const st = await c.status('n1');
  return (st.transport as { droppedBadFrame: number }).droppedBadFrame;
}

function storeMsg(rid: number, user: string, msgId: string, body: string): Buffer {
  return Buffer.from(JSON.stringify({ kind: 'storeMsg', rid, user, msg: { msgId, body, sizeBytes: body.length }, replicas: ['n1'] }));
}

describe('hostile frames on the RPC port', () => {
  it('a frame with a wrong HMAC is refused and counted; nothing is stored', async () => {
    const before = await badFrames();
    const { sock, nonce } = await dial();
    const forged = encodeMessage(frameKey(Buffer.from('not-the-cluster-secret-0123456789abcdef')), nonce, 'n2', 'n1', 1n, storeMsg(900_001, 'victim', 'forged-1', 'forged body'));
    sock.write(forged);
    await sleep(300);
    sock.destroy();
    expect(await badFrames()).toBeGreaterThan(before);
    const n1 = c.node('n1');
    const r = await popFetchAll(n1.host, n1.pop3, 'victim', 'victim-pw');
    expect(r.ok, r.error).toBe(true);
    expect(r.bodies).not.toContain('forged body');
  });

  it('a replayed frame (same sequence number, or on another connection) is refused and counted', async () => {
    const key = frameKey(c.secret);
    const { sock, nonce } = await dial();
    const ring = Buffer.from(JSON.stringify({ kind: 'loadRing', table: [] }));
    const frame = encodeMessage(key, nonce, 'n2', 'n1', 1_000_000n, ring);
    sock.write(frame);
    await sleep(200);
    const afterFirst = await badFrames();
    sock.write(frame); // same bytes, same sequence number
    await sleep(300);
    expect(await badFrames()).toBe(afterFirst + 1);
    sock.destroy();
    const other = await dial();
    other.sock.write(frame); // captured on one connection, replayed on another: the tag covers the nonce
    await sleep(300);
    other.sock.destroy();
    expect(await badFrames()).toBe(afterFirst + 2);
  });

  it('garbage on the RPC port is dropped, and the node keeps delivering and serving', async () => {
    const before = await badFrames();
    const n1 = c.node('n1');
    for (const junk of [Buffer.from('HELO garbage\r\n\r\n'), Buffer.from([0, 0, 0, 8, 9, 9, 9, 9, 9, 9, 9, 9]), Buffer.alloc(70_000, 0xff)]) {
      const s = connect({ host: n1.host, port: n1.rpc });
      s.on('error', () => undefined); // a reset is the expected answer to garbage
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write(junk);
      await sleep(200);
      s.destroy();
    }
    expect(await badFrames()).toBeGreaterThan(before);
    expect(await smtpSend(n1.host, n1.smtp, 'victim@example.org', 'still serving')).toBe(250);
    const n3 = c.node('n3');
    const r = await popFetchAll(n3.host, n3.pop3, 'victim', 'victim-pw');
    expect(r.ok, r.error).toBe(true);
    expect(r.bodies).toEqual(['still serving']);
    expect((await c.healthz('n1'))?.ok).toBe(true);
  });
});
