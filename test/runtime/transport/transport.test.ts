// The node-to-node transport on real sockets (127.0.0.1–127.0.0.3, OS-chosen ports): delivery between three
// nodes on different loopback addresses, a peer restart, a wrong secret, a replayed frame captured from the
// wire, garbage and a 1 GB length prefix, an unknown sender, and a peer that never reads (bounded memory).
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../src/pure/io.js';
import type { PeerAddress, RuntimeLogger } from '../../../src/runtime/contracts.js';
import { encodeChallenge, encodeMessage, frameKey, FrameReader } from '../../../src/runtime/transport/frames.js';
import { startTransport, type TcpTransport, type TransportOptions } from '../../../src/runtime/transport/index.js';

const SECRET = 'cluster-secret-for-tests';
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

interface Node {
  readonly t: TcpTransport;
  readonly got: { from: string; message: Message }[];
  /** What the transport logged: [message, fields]. */
  readonly log: [string, Record<string, unknown>][];
}

async function node(self: string, host: string, extra: Partial<TransportOptions> = {}): Promise<Node> {
  const got: { from: string; message: Message }[] = [];
  const log: [string, Record<string, unknown>][] = [];
  const entry = (obj: object, msg: string): void => void log.push([msg, obj as Record<string, unknown>]);
  const logger: RuntimeLogger = { info: entry, warn: entry, error: entry };
  const t = await startTransport({
    logger,
    self,
    listen: { host, port: 0 },
    peers: new Map(),
    secret: SECRET,
    onMessage: (from, message) => got.push({ from, message }),
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    ...extra,
  });
  closers.push(() => t.close());
  return { t, got, log };
}

function ring(i: number): Message {
  return { kind: 'loadRing', table: [{ node: `n${i}`, load: { pending: i, at: i } }] };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function refusals(n: Node): string[] {
  return n.log.filter(([m]) => m.startsWith('bad frame refused')).map(([, o]) => String(o.why));
}

function peersOf(nodes: Record<string, Node>): Map<string, PeerAddress> {
  return new Map(Object.entries(nodes).map(([id, n]) => [id, n.t.address]));
}

function listen(server: Server, host = '127.0.0.1'): Promise<PeerAddress> {
  return new Promise((resolve) =>
    server.listen(0, host, () => {
      const a = server.address();
      if (a === null || typeof a === 'string') throw new Error('no address');
      resolve({ host, port: a.port });
    }),
  );
}

/** A raw client: connects, reads the challenge frame; `send` writes raw bytes. */
async function rawClient(to: PeerAddress): Promise<{ socket: Socket; challengeNonce: Buffer; closed: Promise<void> }> {
  const socket = connect(to.port, to.host);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  const reader = new FrameReader(1 << 20);
  const body = await new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      const r = reader.push(d);
      if (typeof r === 'string') reject(new Error(r));
      else if (r.length > 0) resolve(r[0]);
    });
  });
  return { socket, challengeNonce: Buffer.from(body.subarray(34, 50)), closed };
}

describe('transport', () => {
  it('three nodes on 127.0.0.1, 127.0.0.2 and 127.0.0.3 exchange messages, in order per pair', async () => {
    const nodes = { n1: await node('n1', '127.0.0.1'), n2: await node('n2', '127.0.0.2'), n3: await node('n3', '127.0.0.3') };
    const peers = peersOf(nodes);
    for (const n of Object.values(nodes)) n.t.setPeers(peers);
    for (let i = 0; i < 50; i++) for (const [from, n] of Object.entries(nodes)) for (const to of Object.keys(nodes)) if (to !== from) n.t.send(to, ring(i));
    await waitFor('100 messages at each node', () => Object.values(nodes).every((n) => n.got.length === 100));
    for (const [id, n] of Object.entries(nodes)) {
      for (const from of Object.keys(nodes).filter((x) => x !== id)) {
        expect(n.got.filter((g) => g.from === from).map((g) => g.message)).toEqual(Array.from({ length: 50 }, (_, i) => ring(i)));
      }
      const st = n.t.stats();
      expect(st).toMatchObject({ messagesSent: 100, messagesReceived: 100, droppedBadFrame: 0, droppedQueueFull: 0 });
      // Sent in one turn of the event loop: messages to one peer share frames (batches), never more frames than messages.
      expect(st.framesSent).toBeGreaterThan(0);
      expect(st.framesSent).toBeLessThan(100);
      expect(st.framesReceived).toBeLessThan(100);
    }
    // A node sees its peers' own loopback addresses (outbound connections bind the listen address).
    expect(nodes.n1.t.stats().inboundConnections).toBe(2);
    const remotes = nodes.n1.log.filter(([m]) => m === 'peer connected').map(([, o]) => `${o.sender}@${String(o.remote).split(':')[0]}`);
    expect(remotes.sort()).toEqual(['n2@127.0.0.2', 'n3@127.0.0.3']);
  });

  it('a batch frame delivers its messages in order, and an item that is not a message is dropped alone', async () => {
    const b = await node('b', '127.0.0.2');
    b.t.setPeers(new Map([['a', { host: '127.0.0.1', port: 1 }]]));
    const raw = await rawClient(b.t.address);
    const batch = Buffer.from(JSON.stringify([ring(1), { nonsense: true }, ring(2), 7, ring(3)]));
    raw.socket.write(encodeMessage(frameKey(SECRET), raw.challengeNonce, 'a', 'b', 1n, batch));
    await waitFor('the batch', () => b.got.length === 3);
    expect(b.got.map((g) => g.message)).toEqual([ring(1), ring(2), ring(3)]);
    expect(b.t.stats()).toMatchObject({ framesReceived: 1, messagesReceived: 3, droppedBadFrame: 2 });
    // The connection stays: a later frame on it is delivered.
    raw.socket.write(encodeMessage(frameKey(SECRET), raw.challengeNonce, 'a', 'b', 2n, Buffer.from(JSON.stringify(ring(4)))));
    await waitFor('the next frame', () => b.got.length === 4);
    raw.socket.destroy();
  });

  it('a burst larger than one batch leaves in several frames and arrives whole and in order', async () => {
    const a = await node('a', '127.0.0.1');
    const b = await node('b', '127.0.0.2');
    a.t.setPeers(new Map([['b', b.t.address]]));
    b.t.setPeers(new Map([['a', a.t.address]]));
    const big = (i: number): Message => ({ kind: 'loadRing', table: [{ node: `n${i}-${'x'.repeat(3000)}`, load: { pending: i, at: i } }] });
    for (let i = 0; i < 2000; i++) a.t.send('b', big(i));
    await waitFor('2000 messages', () => b.got.length === 2000, 30_000);
    expect(b.got.map((g) => g.message)).toEqual(Array.from({ length: 2000 }, (_, i) => big(i)));
    const st = a.t.stats();
    expect(st.messagesSent).toBe(2000);
    // 2000 messages of ~3 KB: a batch is bounded by the socket's high-water mark (a few messages each here),
    // so several frames, and at least two messages per frame on average.
    expect(st.framesSent).toBeGreaterThan(4);
    expect(st.framesSent).toBeLessThanOrEqual(1000);
  });

  it('a peer that restarts (same address) is reconnected to, with backoff while it is down', async () => {
    const a = await node('a', '127.0.0.1');
    let b = await node('b', '127.0.0.2');
    const bAddr = b.t.address;
    a.t.setPeers(new Map([['b', bAddr]]));
    b.t.setPeers(new Map([['a', a.t.address]]));
    a.t.send('b', ring(1));
    await waitFor('first message', () => b.got.length === 1);
    await b.t.close();
    a.t.send('b', ring(2)); // goes to the dead connection or fails to connect: best effort, may be lost
    await new Promise((r) => setTimeout(r, 150));
    b = await node('b', '127.0.0.2', { listen: { host: '127.0.0.2', port: bAddr.port } });
    b.t.setPeers(new Map([['a', a.t.address]]));
    for (let i = 3; i < 13; i++) a.t.send('b', ring(i));
    await waitFor('messages after the restart', () => b.got.some((g) => JSON.stringify(g.message) === JSON.stringify(ring(12))));
    const after = b.got.map((g) => g.message);
    expect(after.slice(-10)).toEqual(Array.from({ length: 10 }, (_, i) => ring(i + 3)));
    expect(a.t.stats().reconnects).toBeGreaterThan(0);
  });

  it('a node with a wrong secret cannot deliver: the challenge fails at the sender, and a frame it signs is refused by the receiver', async () => {
    const good = await node('n1', '127.0.0.1');
    const bad = await node('n2', '127.0.0.2', { secret: 'not-the-secret', handshakeTimeoutMs: 500 });
    good.t.setPeers(new Map([['n2', bad.t.address]]));
    bad.t.setPeers(new Map([['n1', good.t.address]]));
    bad.t.send('n1', ring(1));
    await waitFor('the sender to refuse the challenge', () => bad.t.stats().connectFailures > 0);
    // Bypass the sender's check: sign a frame with the wrong key for a real challenge.
    const raw = await rawClient(good.t.address);
    raw.socket.write(encodeMessage(frameKey('not-the-secret'), raw.challengeNonce, 'n2', 'n1', 1n, Buffer.from(JSON.stringify(ring(1)))));
    await raw.closed;
    expect(good.got).toEqual([]);
    expect(good.t.stats().droppedBadFrame).toBe(1);
    expect(refusals(good)).toEqual(['bad HMAC']);
    expect(bad.log.some(([m, o]) => m === 'peer connection failed' && /bad HMAC on challenge/.test(String(o.why)))).toBe(true);
  });

  it('a frame captured from the wire and replayed is refused, on its own connection (sequence) and on a new one (challenge)', async () => {
    const a = await node('a', '127.0.0.1');
    const b = await node('b', '127.0.0.2');
    b.t.setPeers(new Map([['a', a.t.address]]));
    // A recording proxy between a and b: every byte a sends to b is captured.
    const captured: Buffer[] = [];
    let upstream: Socket | undefined;
    const proxy = createServer((client) => {
      const server = connect(b.t.address.port, b.t.address.host);
      upstream = server;
      client.on('error', () => undefined);
      server.on('error', () => undefined);
      client.on('data', (d: Buffer) => {
        captured.push(Buffer.from(d));
        server.write(d);
      });
      server.pipe(client);
      server.on('close', () => client.destroy());
    });
    closers.push(() => new Promise<void>((r) => proxy.close(() => r())));
    const proxyAddr = await listen(proxy);
    a.t.setPeers(new Map([['b', proxyAddr]]));
    a.t.send('b', ring(7));
    await waitFor('delivery through the proxy', () => b.got.length === 1);
    const frame = Buffer.concat(captured);
    // Replay on the same connection: the sequence number is not above the last one.
    upstream?.write(frame);
    await waitFor('the replay refused', () => b.t.stats().droppedBadFrame === 1);
    // Replay on a fresh connection: its challenge differs, so the tag does not verify.
    const raw = await rawClient(b.t.address);
    raw.socket.write(frame);
    await raw.closed;
    expect(b.t.stats().droppedBadFrame).toBe(2);
    expect(refusals(b)).toEqual(['replayed or old sequence number', 'bad HMAC']);
    expect(b.got).toHaveLength(1);
    expect(b.t.stats().framesReceived).toBe(1);
  });

  it('garbage, a 1 GB length prefix and an unknown sender are refused and counted while a good peer keeps getting through', async () => {
    const n1 = await node('n1', '127.0.0.1');
    const n2 = await node('n2', '127.0.0.2');
    const stranger = await node('n9', '127.0.0.3'); // has the secret but is not one of n1's peers
    n1.t.setPeers(new Map([['n2', n2.t.address]]));
    n2.t.setPeers(new Map([['n1', n1.t.address]]));
    stranger.t.setPeers(new Map([['n1', n1.t.address]]));
    const garbage = await rawClient(n1.t.address);
    const huge = await rawClient(n1.t.address);
    for (let i = 0; i < 200; i++) {
      n2.t.send('n1', ring(i));
      if (i === 50) garbage.socket.write(Buffer.from('EHLO evil.example\r\nMAIL FROM:<x@y>\r\n'.repeat(40)));
      if (i === 100) huge.socket.write(Buffer.from([0x40, 0, 0, 0, 1, 2, 3])); // 1 GiB announced
      if (i === 150) stranger.t.send('n1', ring(999));
    }
    await Promise.all([garbage.closed, huge.closed]);
    await waitFor('all good messages', () => n1.got.length === 200);
    await waitFor('the stranger refused', () => n1.t.stats().droppedBadFrame === 3);
    expect(refusals(n1).sort()).toEqual(['frame length 1073741824 outside 1..16777216', 'frame length 1162366031 outside 1..16777216' /* "EHLO" read as a length */, 'unknown sender']);
    expect(n1.got.every((g) => g.from === 'n2')).toBe(true);
    expect(n1.got.map((g) => g.message)).toEqual(Array.from({ length: 200 }, (_, i) => ring(i)));
  });

  it('a peer that accepts and never reads: the sender drops and counts, memory stays bounded, other peers are served', async () => {
    const key = frameKey(SECRET);
    const held: Socket[] = [];
    // Sends a valid challenge, then never reads: TCP buffers fill, then the sender's queue.
    let sinkConnections = 0;
    const sink = createServer((s) => {
      sinkConnections++;
      held.push(s);
      s.pause();
      s.write(encodeChallenge(key, 'slow', Buffer.alloc(16, 7)));
    });
    // Accepts and never answers at all: the handshake times out, connections are retried with backoff.
    const mute = createServer((s) => held.push(s));
    closers.push(() => {
      for (const s of held) s.destroy();
      return Promise.all([sink, mute].map((srv) => new Promise<void>((r) => srv.close(() => r())))).then(() => undefined);
    });
    const sinkAddr = await listen(sink);
    const muteAddr = await listen(mute);
    const n1 = await node('n1', '127.0.0.1', { queueLimit: 200, queueBytesLimit: 1 << 20, handshakeTimeoutMs: 200, stallTimeoutMs: 300 });
    const n2 = await node('n2', '127.0.0.2');
    n1.t.setPeers(new Map([['slow', sinkAddr], ['mute', muteAddr], ['n2', n2.t.address]]));
    n2.t.setPeers(new Map([['n1', n1.t.address]]));
    const big: Message = { kind: 'fetched', rid: 1, body: 'x'.repeat(20_000), load: { pending: 0, at: 0 } };
    let maxQueued = 0;
    let maxBuffered = 0;
    for (let i = 0; i < 2000; i++) {
      n1.t.send('slow', big);
      n1.t.send('mute', big);
      if (i % 10 === 0) n1.t.send('n2', ring(i / 10));
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 5)); // let the socket drain what it can
      const st = n1.t.stats();
      maxQueued = Math.max(maxQueued, st.queuedBytes);
      maxBuffered = Math.max(maxBuffered, st.socketBufferedBytes);
    }
    await waitFor('n2 served meanwhile', () => n2.got.length === 200);
    await waitFor('the mute peer timed out', () => n1.t.stats().connectFailures > 0);
    const st = n1.t.stats();
    expect(st.droppedQueueFull).toBeGreaterThan(2000);
    // Two peers × 1 MiB of queue, plus at most one socket buffer (high-water mark and one frame).
    expect(maxQueued).toBeLessThanOrEqual(2 << 20);
    expect(maxBuffered).toBeLessThan(64 << 10);
    // The stalled connection is given up and re-made (its peer might have vanished without a reset).
    await waitFor('the stall noticed', () => n1.log.some(([m, o]) => m === 'peer stopped reading; reconnecting' && o.peer === 'slow'));
    await waitFor('a new connection to the stalled peer', () => sinkConnections >= 2);
  });

  it('a node listening on a host name (localhost) connects out without binding a source address', async () => {
    const a = await node('a', 'localhost');
    const b = await node('b', '127.0.0.2');
    a.t.setPeers(new Map([['b', b.t.address]]));
    b.t.setPeers(new Map([['a', a.t.address]]));
    a.t.send('b', ring(1));
    b.t.send('a', ring(2));
    await waitFor('both ways', () => a.got.length === 1 && b.got.length === 1);
  });

  it('a peer that moves to a new address (setPeers) is reached there', async () => {
    const a = await node('a', '127.0.0.1');
    const b1 = await node('b', '127.0.0.2');
    a.t.setPeers(new Map([['b', b1.t.address]]));
    b1.t.setPeers(new Map([['a', a.t.address]]));
    a.t.send('b', ring(1));
    await waitFor('delivery at the first address', () => b1.got.length === 1);
    const b2 = await node('b', '127.0.0.3');
    b2.t.setPeers(new Map([['a', a.t.address]]));
    a.t.setPeers(new Map([['b', b2.t.address]]));
    a.t.send('b', ring(2));
    await waitFor('delivery at the new address', () => b2.got.length === 1);
    expect(b1.got).toHaveLength(1);
  });

  it('on one connection, a frame for another node or from a second sender is refused', async () => {
    const n1 = await node('n1', '127.0.0.1');
    n1.t.setPeers(new Map([['n2', { host: '127.0.0.2', port: 1 }], ['n3', { host: '127.0.0.3', port: 1 }]]));
    const key = frameKey(SECRET);
    const payload = Buffer.from(JSON.stringify(ring(1)));
    const c1 = await rawClient(n1.t.address);
    c1.socket.write(encodeMessage(key, c1.challengeNonce, 'n2', 'n1', 1n, payload));
    c1.socket.write(encodeMessage(key, c1.challengeNonce, 'n3', 'n1', 2n, payload));
    await c1.closed;
    const c2 = await rawClient(n1.t.address);
    c2.socket.write(encodeMessage(key, c2.challengeNonce, 'n2', 'n7', 1n, payload));
    await c2.closed;
    expect(n1.got.map((g) => g.from)).toEqual(['n2']);
    expect(refusals(n1)).toEqual(['sender changed within a connection', 'frame addressed to another node']);
  });

  it('a sender whose frames are refused backs off instead of reconnecting in a busy loop', async () => {
    const n1 = await node('n1', '127.0.0.1');
    const stranger = await node('n9', '127.0.0.2', { backoffBaseMs: 20, backoffMaxMs: 1000 });
    stranger.t.setPeers(new Map([['n1', n1.t.address]]));
    for (let i = 0; i < 60; i++) {
      stranger.t.send('n1', ring(i));
      await new Promise((r) => setTimeout(r, 10));
    }
    // 60 sends over ~600 ms: with backoff (20, 40, 80, 160, 320 ms … plus jitter) a handful of connections.
    const refused = refusals(n1).filter((w) => w === 'unknown sender').length;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(10);
    expect(n1.got).toEqual([]);
  });

  it('the frame reader holds only the bytes received, not the length announced', () => {
    const r = new FrameReader(16 << 20);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(16 << 20);
    expect(r.push(Buffer.concat([head, Buffer.alloc(10)]))).toEqual([]);
    expect(r.buffered).toBe(14);
    const two = Buffer.concat([Buffer.from([0, 0, 0, 2, 7, 8]), Buffer.from([0, 0, 0, 1, 9])]);
    const fresh = new FrameReader(100);
    expect(fresh.push(two.subarray(0, 3))).toEqual([]);
    expect(fresh.push(two.subarray(3))).toEqual([Buffer.from([7, 8]), Buffer.from([9])]);
  });

  it('a message larger than the frame limit is dropped and counted, not sent', async () => {
    const n1 = await node('n1', '127.0.0.1', { maxFrameBytes: 4096 });
    const n2 = await node('n2', '127.0.0.2');
    n1.t.setPeers(new Map([['n2', n2.t.address]]));
    n2.t.setPeers(new Map([['n1', n1.t.address]]));
    n1.t.send('n2', { kind: 'fetched', rid: 1, body: 'x'.repeat(10_000), load: { pending: 0, at: 0 } });
    n1.t.send('n2', ring(1));
    n1.t.send('nobody', ring(2));
    await waitFor('the small one', () => n2.got.length === 1);
    expect(n1.t.stats()).toMatchObject({ droppedTooLarge: 1, droppedUnknownPeer: 1 });
    // A peer with an unusable port: the attempt fails and is counted, nothing throws out of send().
    n1.t.setPeers(new Map([['n2', n2.t.address], ['bad', { host: '127.0.0.1', port: 70_000 }]]));
    expect(() => n1.t.send('bad', ring(3))).not.toThrow();
    await waitFor('the failed attempt counted', () => n1.t.stats().connectFailures > 0);
  });
});
