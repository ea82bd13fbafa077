// Node-to-node transport (DESIGN.md §7, docs/runtime-transport.md): authenticated TCP frames, one outbound
// connection per peer that this node sends on, inbound connections it only receives on.
//
// - Outbound: messages wait in a bounded per-peer queue (count and bytes; full → dropped and counted). A
//   connection is opened lazily when there is something to send, with capped exponential backoff and
//   jitter after failures. Frames are written only while the socket accepts them without buffering past
//   its high-water mark, so memory per peer is the queue limit plus one socket buffer.
// - Inbound: the acceptor sends a random challenge; every message frame on that connection carries an
//   HMAC over the challenge, sender, receiver, sequence and payload. A bad length, bad tag, unknown sender,
//   replayed sequence or garbage is dropped and counted and the connection closed; other peers are not
//   affected and nothing throws out of the transport.
import { randomBytes } from 'node:crypto';
import { createServer, isIP, Socket, type Server } from 'node:net';
import type { Message } from '../../pure/io.js';
import type { NodeId } from '../../pure/types.js';
import type { PeerAddress, RuntimeLogger, Transport, TransportStats } from '../contracts.js';
import { decodeChallenge, decodeMessage, encodeChallenge, encodeMessage, frameKey, FrameReader, NONCE_BYTES, type Key } from './frames.js';

export type TransportLogger = RuntimeLogger;

export interface TransportOptions {
  self: NodeId;
  listen: PeerAddress;
  peers: ReadonlyMap<NodeId, PeerAddress>;
  secret: Buffer | string;
  onMessage: (from: NodeId, message: Message) => void;
  /** Most messages queued per peer (default 10,000); more are dropped and counted. */
  queueLimit?: number;
  /** Most payload bytes queued per peer (default 64 MiB). */
  queueBytesLimit?: number;
  /** Largest frame accepted or sent (default 16 MiB: a storeMsg frame carries a whole mail body). */
  maxFrameBytes?: number;
  logger?: TransportLogger;
  /** Backoff after a failed connection: first delay and cap, ms (defaults 50 and 5,000), with jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A connection that has not completed the challenge (outbound) or sent a valid frame (inbound) in this long is closed (default 10,000 ms). */
  handshakeTimeoutMs?: number;
  /** Most inbound connections at once (default 256); more are refused. */
  maxInboundConnections?: number;
  /**
   * An outbound connection whose socket buffer has not drained for this long is closed and re-made (default
   * 15,000 ms): a peer that stopped reading, or a machine that vanished without a reset, would otherwise
   * hold its connection (and every later frame) until TCP gives up many minutes later.
   */
  stallTimeoutMs?: number;
}

export interface TransportStatsDetail extends TransportStats {
  /** Messages to a node not in the peer set (dropped). */
  readonly droppedUnknownPeer: number;
  /** Messages whose frame would exceed maxFrameBytes (dropped). */
  readonly droppedTooLarge: number;
  /** Frames and payload bytes waiting in the per-peer queues now. */
  readonly queuedFrames: number;
  readonly queuedBytes: number;
  /** Bytes handed to sockets and not yet flushed to the kernel, over all peers. */
  readonly socketBufferedBytes: number;
  readonly inboundConnections: number;
  /** Connection attempts that failed (refused, timed out, bad challenge). */
  readonly connectFailures: number;
}

/** TCP keepalive idle time: finds connections to vanished machines while nothing is being sent. */
const KEEPALIVE_MS = 10_000;
/** A connection closed sooner than this after its handshake counts as a failure for the backoff. */
const QUICK_CLOSE_MS = 1_000;

/** Room for a frame's header (version, type, tag, two node ids, sequence) and a batch's brackets. */
const FRAME_OVERHEAD_BYTES = 600;

const silent: TransportLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Counters {
  framesSent: number;
  framesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  droppedQueueFull: number;
  droppedBadFrame: number;
  droppedUnknownPeer: number;
  droppedTooLarge: number;
  reconnects: number;
  connectFailures: number;
}

interface Settings {
  readonly self: NodeId;
  readonly key: Key;
  readonly localAddress: string | undefined;
  readonly queueLimit: number;
  readonly queueBytesLimit: number;
  readonly maxFrameBytes: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly handshakeTimeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly logger: TransportLogger;
  readonly counters: Counters;
}

/** Stands in for a payload already handed to the socket (so the queue array does not keep it alive). */
const SENT = Buffer.alloc(0);
/**
 * Messages queued for one peer leave in batches, one frame each, of at most this many messages and bytes: one
 * header, one HMAC and one parse at the receiver per batch instead of per message (a POP QUIT's thousands of
 * tombstone pushes leave in one reducer step).
 */
const BATCH_MESSAGES = 512;
const BATCH_BYTES = 1 << 20;
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** The sending side towards one peer. */
class PeerLink {
  private queue: Buffer[] = [];
  private queueHead = 0;
  queuedBytes = 0;
  private socket: Socket | undefined;
  /** The challenge nonce of the current connection once received: frames can be sent. */
  private nonce: Buffer | undefined;
  private seq = 0n;
  private failures = 0;
  private everConnected = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  /** The current connection is being closed because it stalled (a failure for the backoff). */
  private stalled = false;
  private closed = false;
  private flushScheduled = false;

  constructor(
    private readonly s: Settings,
    readonly id: NodeId,
    public address: PeerAddress,
  ) {}

  get queuedFrames(): number {
    return this.queue.length - this.queueHead;
  }

  get socketBuffered(): number {
    return this.socket?.writableLength ?? 0;
  }

  enqueue(payload: Buffer): void {
    if (this.queuedFrames >= this.s.queueLimit || this.queuedBytes + payload.length > this.s.queueBytesLimit) {
      this.s.counters.droppedQueueFull++;
      return;
    }
    this.queue.push(payload);
    this.queuedBytes += payload.length;
    if (this.nonce === undefined) return this.connectSoon();
    // One flush per turn of the event loop, not per message: the frames a reducer step (or a burst of steps)
    // sends to this peer leave in one corked write, one syscall, instead of one each.
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** The address changed or the peer was removed: drop the connection (a new one is made lazily). */
  reset(): void {
    this.socket?.destroy();
  }

  private clearStall(): void {
    if (this.stallTimer !== undefined) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  close(): void {
    this.closed = true;
    this.clearStall();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.queue = [];
    this.queueHead = 0;
    this.queuedBytes = 0;
  }

  private connectSoon(): void {
    if (this.closed || this.socket !== undefined || this.retryTimer !== undefined) return;
    if (this.failures === 0) {
      this.connect();
      return;
    }
    const exp = Math.min(this.s.backoffMaxMs, this.s.backoffBaseMs * 2 ** Math.min(this.failures - 1, 30));
    const delay = exp / 2 + Math.random() * (exp / 2); // "equal jitter": spreads reconnect storms, keeps a floor
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.queuedFrames > 0) this.connect();
    }, delay);
  }

  private connect(): void {
    if (this.everConnected) this.s.counters.reconnects++;
    this.everConnected = true;
    const socket = new Socket();
    this.socket = socket;
    this.nonce = undefined;
    const reader = new FrameReader(this.s.maxFrameBytes);
    let failed = false;
    let established = false;
    let establishedAt = 0;
    const fail = (why: string): void => {
      if (failed) return;
      failed = true;
      this.s.counters.connectFailures++;
      this.s.logger.warn({ peer: this.id, address: `${this.address.host}:${this.address.port}`, why }, 'peer connection failed');
      socket.destroy();
    };
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.setTimeout(this.s.handshakeTimeoutMs, () => fail('no challenge from the peer in time'));
    socket.on('data', (chunk: Buffer) => {
      if (this.nonce !== undefined) return; // the acceptor sends one challenge and nothing else
      const bodies = reader.push(chunk);
      if (typeof bodies === 'string') return fail(bodies);
      if (bodies.length === 0) return;
      const c = decodeChallenge(this.s.key, bodies[0]);
      if (!c.ok) return fail(c.why);
      if (c.value.id !== this.id) return fail(`the peer says it is ${c.value.id}, expected ${this.id}`);
      socket.setTimeout(0);
      this.nonce = c.value.nonce;
      established = true;
      establishedAt = Date.now();
      this.flush();
    });
    socket.on('drain', () => {
      this.clearStall();
      this.flush();
    });
    socket.on('error', (e) => fail(e.message));
    socket.on('close', () => {
      this.clearStall();
      if (this.socket === socket) {
        this.socket = undefined;
        this.nonce = undefined;
      }
      // A connection that never got its challenge is a failure (backoff), and so is one the peer closed at
      // once (it refuses our frames: an unknown sender or a bug; no busy reconnect loop). One that worked
      // for a while reconnects at once.
      if (failed || !established || this.stalled || Date.now() - establishedAt < QUICK_CLOSE_MS) this.failures++;
      else this.failures = 0;
      this.stalled = false;
      if (this.queuedFrames > 0) this.connectSoon();
    });
    try {
      socket.connect({ host: this.address.host, port: this.address.port, localAddress: this.s.localAddress });
    } catch (e) {
      fail((e as Error).message); // a malformed address throws here: never out of send()
    }
  }

  /** Writes queued frames while the socket takes them without growing its buffer past the high-water mark. */
  private flush(): void {
    const socket = this.socket;
    const nonce = this.nonce;
    if (socket === undefined || nonce === undefined || socket.destroyed) return;
    socket.cork();
    try {
      while (this.queueHead < this.queue.length && !socket.writableNeedDrain) {
        // The next messages up to the batch limits and what the socket takes below its high-water mark (at least
        // one message, which may be as large as a frame): memory stays the queue plus one socket buffer.
        const room = socket.writableHighWaterMark - socket.writableLength;
        const batchBytes = Math.min(BATCH_BYTES, this.s.maxFrameBytes - FRAME_OVERHEAD_BYTES, room);
        const first = this.queue[this.queueHead];
        let end = this.queueHead + 1;
        let bytes = first.length;
        while (end < this.queue.length && end - this.queueHead < BATCH_MESSAGES && bytes + 1 + this.queue[end].length <= batchBytes) {
          bytes += 1 + this.queue[end].length;
          end++;
        }
        const count = end - this.queueHead;
        let payload: Buffer | Buffer[] = first;
        if (count > 1) {
          payload = [OPEN, first];
          for (let i = this.queueHead + 1; i < end; i++) payload.push(COMMA, this.queue[i]);
          payload.push(CLOSE);
        }
        for (let i = this.queueHead; i < end; i++) {
          this.queuedBytes -= this.queue[i].length;
          this.queue[i] = SENT; // release the payload now, not when the array is next compacted
        }
        this.queueHead = end;
        this.seq++;
        socket.write(encodeMessage(this.s.key, nonce, this.s.self, this.id, this.seq, payload));
        this.s.counters.framesSent++;
        this.s.counters.messagesSent += count;
      }
    } finally {
      socket.uncork();
    }
    if (socket.writableNeedDrain && this.stallTimer === undefined) {
      this.stallTimer = setTimeout(() => {
        this.stallTimer = undefined;
        this.s.logger.warn({ peer: this.id, bufferedBytes: socket.writableLength, queuedFrames: this.queuedFrames }, 'peer stopped reading; reconnecting');
        this.stalled = true;
        socket.destroy();
      }, this.s.stallTimeoutMs);
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }
}

export class TcpTransport implements Transport {
  private readonly links = new Map<NodeId, PeerLink>();
  private peers: ReadonlyMap<NodeId, PeerAddress>;
  private readonly inbound = new Set<Socket>();
  private closed = false;

  private constructor(
    private readonly s: Settings,
    private readonly server: Server,
    readonly address: PeerAddress,
    peers: ReadonlyMap<NodeId, PeerAddress>,
    private readonly onMessage: (from: NodeId, message: Message) => void,
    private readonly maxInbound: number,
  ) {
    this.peers = new Map(peers);
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (e) => s.logger.error({ error: e.message }, 'transport listener error'));
  }

  static async start(o: TransportOptions): Promise<TcpTransport> {
    const counters: Counters = { framesSent: 0, framesReceived: 0, messagesSent: 0, messagesReceived: 0, droppedQueueFull: 0, droppedBadFrame: 0, droppedUnknownPeer: 0, droppedTooLarge: 0, reconnects: 0, connectFailures: 0 };
    // Only a concrete IP can be a source address (a host name or a wildcard cannot).
    const wildcard = isIP(o.listen.host) === 0 || o.listen.host === '0.0.0.0' || o.listen.host === '::';
    const s: Settings = {
      self: o.self,
      key: frameKey(o.secret),
      // Connect from the listen address, so a peer on another loopback address (or machine) sees the node's own.
      localAddress: wildcard ? undefined : o.listen.host,
      queueLimit: positive(o.queueLimit, 10_000, 'queueLimit'),
      queueBytesLimit: positive(o.queueBytesLimit, 64 << 20, 'queueBytesLimit'),
      maxFrameBytes: positive(o.maxFrameBytes, 16 << 20, 'maxFrameBytes'),
      backoffBaseMs: positive(o.backoffBaseMs, 50, 'backoffBaseMs'),
      backoffMaxMs: positive(o.backoffMaxMs, 5_000, 'backoffMaxMs'),
      handshakeTimeoutMs: positive(o.handshakeTimeoutMs, 10_000, 'handshakeTimeoutMs'),
      stallTimeoutMs: positive(o.stallTimeoutMs, 15_000, 'stallTimeoutMs'),
      logger: o.logger ?? silent,
      counters,
    };
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.listen.port, o.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('transport: listener has no TCP address');
    const t = new TcpTransport(s, server, { host: o.listen.host, port: bound.port }, o.peers, o.onMessage, positive(o.maxInboundConnections, 256, 'maxInboundConnections'));
    s.logger.info({ self: o.self, address: `${o.listen.host}:${bound.port}`, peers: [...o.peers.keys()] }, 'transport listening');
    return t;
  }

  send(to: NodeId, message: Message): void {
    if (this.closed) return;
    if (to === this.s.self) {
      // Loopback without the network, still asynchronous (the reducer never sees a re-entrant input).
      setImmediate(() => this.deliver(to, message));
      return;
    }
    const address = this.peers.get(to);
    if (address === undefined) {
      this.s.counters.droppedUnknownPeer++;
      return;
    }
    let payload: Buffer;
    try {
      payload = Buffer.from(JSON.stringify(message), 'utf8');
    } catch (e) {
      this.s.logger.error({ to, kind: message.kind, error: (e as Error).message }, 'message cannot be serialised; dropped');
      this.s.counters.droppedTooLarge++;
      return;
    }
    if (payload.length + FRAME_OVERHEAD_BYTES > this.s.maxFrameBytes) {
      this.s.counters.droppedTooLarge++;
      this.s.logger.warn({ to, kind: message.kind, bytes: payload.length, maxFrameBytes: this.s.maxFrameBytes }, 'message larger than a frame; dropped');
      return;
    }
    let link = this.links.get(to);
    if (link === undefined) this.links.set(to, (link = new PeerLink(this.s, to, address)));
    link.enqueue(payload);
  }

  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void {
    this.peers = new Map(peers);
    for (const [id, link] of this.links) {
      const a = peers.get(id);
      if (a === undefined) {
        link.close();
        this.links.delete(id);
      } else if (a.host !== link.address.host || a.port !== link.address.port) {
        link.address = a;
        link.reset();
      }
    }
  }

  stats(): TransportStatsDetail {
    let queuedFrames = 0;
    let queuedBytes = 0;
    let socketBufferedBytes = 0;
    for (const l of this.links.values()) {
      queuedFrames += l.queuedFrames;
      queuedBytes += l.queuedBytes;
      socketBufferedBytes += l.socketBuffered;
    }
    return { ...this.s.counters, queuedFrames, queuedBytes, socketBufferedBytes, inboundConnections: this.inbound.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.links.values()) l.close();
    for (const sock of this.inbound) sock.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private deliver(from: NodeId, message: Message): void {
    if (this.closed) return;
    try {
      this.onMessage(from, message);
    } catch (e) {
      this.s.logger.error({ from, kind: message.kind, error: (e as Error).message }, 'message handler threw; message dropped');
    }
  }

  private accept(socket: Socket): void {
    if (this.closed || this.inbound.size >= this.maxInbound) {
      socket.destroy();
      return;
    }
    this.inbound.add(socket);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const nonce = randomBytes(NONCE_BYTES);
    const reader = new FrameReader(this.s.maxFrameBytes);
    let sender: NodeId | undefined;
    let lastSeq = 0n;
    let dead = false;
    const refuse = (why: string, fields: object = {}): void => {
      this.s.counters.droppedBadFrame++;
      if (dead) return;
      dead = true;
      this.s.logger.warn({ remote, sender: sender ?? null, why, ...fields }, 'bad frame refused; connection closed');
      socket.destroy();
    };
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.setTimeout(this.s.handshakeTimeoutMs, () => {
      if (sender === undefined) {
        this.s.logger.warn({ remote }, 'inbound connection sent no valid frame in time; closed');
        socket.destroy();
      }
    });
    socket.on('error', () => undefined); // a reset peer: 'close' follows and cleans up
    socket.on('close', () => this.inbound.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      if (dead) return;
      const bodies = reader.push(chunk);
      if (typeof bodies === 'string') return refuse(bodies);
      for (const body of bodies) {
        if (dead) return;
        const d = decodeMessage(this.s.key, nonce, body);
        if (!d.ok) return refuse(d.why);
        const f = d.value;
        if (f.to !== this.s.self) return refuse('frame addressed to another node', { to: f.to });
        if (!this.peers.has(f.from)) return refuse('unknown sender', { from: f.from });
        if (sender !== undefined && f.from !== sender) return refuse('sender changed within a connection', { from: f.from });
        if (f.seq <= lastSeq) return refuse('replayed or old sequence number', { seq: String(f.seq), lastSeq: String(lastSeq) });
        if (sender === undefined) {
          socket.setTimeout(0);
          this.s.logger.info({ remote, sender: f.from }, 'peer connected');
        }
        sender = f.from;
        lastSeq = f.seq;
        let parsed: unknown;
        try {
          parsed = JSON.parse(f.payload.toString('utf8'));
        } catch {
          this.s.counters.droppedBadFrame++;
          this.s.logger.warn({ remote, sender }, 'authenticated frame with a payload that is not JSON; dropped');
          continue;
        }
        this.s.counters.framesReceived++;
        // One message, or a batch of them (an array); in a batch, an item that is not a message is dropped alone.
        for (const item of Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]) {
          if (typeof item !== 'object' || item === null || typeof (item as { kind?: unknown }).kind !== 'string') {
            this.s.counters.droppedBadFrame++;
            this.s.logger.warn({ remote, sender }, 'authenticated frame without a message kind; dropped');
            continue;
          }
          this.s.counters.messagesReceived++;
          this.deliver(f.from, item as Message);
        }
      }
    });
    socket.write(encodeChallenge(this.s.key, this.s.self, nonce));
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`transport option ${name} must be a positive number, got ${v}`);
  return v;
}

export async function startTransport(options: TransportOptions): Promise<TcpTransport> {
  return TcpTransport.start(options);
}
