// The seams of the runtime (DESIGN.md §7): the driver (driver.ts) binds the pure node reducer
// (`stepNode`, src/pure/node.ts) to three real parts, each behind one of these interfaces, so each part
// can be built and tested on its own with real sockets and files:
//   storage   — `persist` effects become fsynced log records; boot reads them back;
//   transport — `send` effects become authenticated TCP frames; frames become `message` inputs;
//   gateway   — the SMTP and POP3 front ends turn wire sessions into `client` inputs and await `reply`.
import type { ClientReply, ClientRequest, HardState, HardWrite, Message } from '../pure/io.js';
import type { NodeId, SessionId } from '../pure/types.js';

/**
 * The structured logger the runtime parts write to: a pino logger satisfies it (one JSON line per event);
 * tests pass a collecting stub. `obj` carries the fields, `msg` the human sentence.
 */
export interface RuntimeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Why a durable write failed. All are temporary for clients (SMTP 452, POP -ERR [SYS/TEMP]). */
export type StorageFailure = 'noSpace' | 'ioError' | 'closed';

export class StorageError extends Error {
  constructor(readonly failure: StorageFailure, message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface StorageStats {
  readonly fsyncs: number;
  /** Records made durable by each fsync (group commit batch sizes), most recent last; bounded. */
  readonly recentBatchSizes: readonly number[];
  readonly recordsWritten: number;
  readonly bytesWritten: number;
  /** Records dropped at open because their checksum or length did not hold (a torn tail). */
  readonly tornRecordsDropped: number;
  readonly failedWrites: number;
}

/** A node's hard state on disk under its data directory. */
export interface NodeStorage {
  /** The hard state recovered at open: every durable HardWrite applied in order to emptyHardState(). */
  readonly recovered: HardState;
  /**
   * Makes `write` durable. Resolves once the record and (when a file was created) its directory are fsynced;
   * writes that arrive while an fsync runs share the next one (group commit). Rejects with StorageError and
   * leaves no partial record behind that would be read back at the next open.
   */
  append(write: HardWrite): Promise<void>;
  /** Waits for in-flight writes, fsyncs, closes. Later appends reject with StorageError('closed'). */
  close(): Promise<void>;
  stats(): StorageStats;
  /** Observed fsync latency (ms) of each fsync, for metrics; called by the storage after every fsync. */
  onFsync?: (latencyMs: number, batchSize: number) => void;
}

export interface TransportStats {
  /** Frames written and accepted; a frame carries one message or a batch of them. */
  readonly framesSent: number;
  readonly framesReceived: number;
  /** Messages handed to sockets, and messages delivered to the node. */
  readonly messagesSent: number;
  readonly messagesReceived: number;
  /** Frames dropped because a peer's bounded send queue was full. */
  readonly droppedQueueFull: number;
  /** Frames refused: bad length, bad HMAC, replayed or old sequence number, unknown sender, bad JSON. */
  readonly droppedBadFrame: number;
  readonly reconnects: number;
}

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** Authenticated, best-effort message passing between nodes (the reducer tolerates loss and reordering). */
export interface Transport {
  /** The address actually bound (port 0 in the options means an OS-chosen port). */
  readonly address: PeerAddress;
  /** Queues a message; never throws and never blocks: a full per-peer queue drops it and counts it. */
  send(to: NodeId, message: Message): void;
  /** Replaces the set of known peers (a node can be added at run time). */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void;
  stats(): TransportStats;
  close(): Promise<void>;
}

/** What the SMTP and POP3 front ends need of their node. */
export interface NodeGateway {
  /** A fresh session id for a new connection (unique within this node process). */
  openSession(protocol: 'smtp' | 'pop3', remoteAddress: string): SessionId;
  /** Hands one transaction to the reducer and resolves with its reply (one request at a time per session). */
  request(session: SessionId, request: ClientRequest): Promise<ClientReply>;
  /** The connection closed or timed out: the reducer gets `sessionEnd` and forgets the session. */
  endSession(session: SessionId): void;
}
