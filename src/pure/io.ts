// The node reducer's inputs and effects: everything that happens to a node is an Input, everything it
// wants done is an Effect, and both are plain serialisable data (DESIGN.md §3, STYLE.md habit 2).
// The drivers — src/sim (deterministic world) and src/runtime (sockets, files, timers) — know only this
// file, `HardWrite`/`applyHardWrite` (disk) and `Message` as opaque JSON-able data.
import type { Message } from './messages.js';
import type { HardState, HardWrite } from './hard-state.js';
import type { ClientReply, ClientRequest } from './client.js';
import type { NodeId, SessionId } from './types.js';
import type { MembershipBugs } from './membership/bugs.js';
import type { ReplicationBugs } from './replication/bugs.js';
import type { ReplicationLimits } from './replication/limits.js';

export type { Message, HardState, HardWrite, ClientReply, ClientRequest };

/** Identifies a pending timer of one node; setting a timer with the same key replaces it. */
export type TimerKey = string;
/** Identifies one durable write of one node; the `persisted` input echoes it. */
export type PersistId = number;

export type Input =
  /** The node (re)starts with the hard state read back from its disk; all soft state is fresh. */
  | { readonly kind: 'boot'; readonly self: NodeId; readonly hard: HardState; readonly config: NodeConfig }
  /** A request from a client session at this node's front end (SMTP or POP proxy). */
  | { readonly kind: 'client'; readonly session: SessionId; readonly request: ClientRequest }
  /** A message from another node (RPC request or reply). The network may lose, duplicate or reorder. */
  | { readonly kind: 'message'; readonly from: NodeId; readonly message: Message }
  | { readonly kind: 'timer'; readonly timer: TimerKey }
  /** A `persist` effect has reached the disk durably (fsync of file and directory). */
  | { readonly kind: 'persisted'; readonly id: PersistId }
  /** A `checkPassword` effect finished (the runtime uses scrypt; the simulator a cheap stand-in). */
  | { readonly kind: 'passwordChecked'; readonly id: number; readonly ok: boolean }
  /**
   * A `persist` effect could not be made durable (disk full, I/O error, storage closed). The waiting request
   * gets a temporary failure (SMTP 452, POP QUIT -ERR [SYS/TEMP]) and is never acknowledged; the runtime
   * restarts the node from its disk once writes succeed again (docs/decisions.md "A failed durable write").
   */
  | { readonly kind: 'persistFailed'; readonly id: PersistId; readonly reason: PersistFailure };

/** Why a durable write failed; every reason is temporary for clients. */
export type PersistFailure = 'noSpace' | 'ioError' | 'closed';

export type Effect =
  | { readonly kind: 'send'; readonly to: NodeId; readonly message: Message }
  /** Make `write` durable; `persisted { id }` comes back once it is. Later writes may be merged by the disk. */
  | { readonly kind: 'persist'; readonly id: PersistId; readonly write: HardWrite }
  | { readonly kind: 'reply'; readonly session: SessionId; readonly reply: ClientReply }
  | { readonly kind: 'setTimer'; readonly timer: TimerKey; readonly afterMs: number }
  | { readonly kind: 'cancelTimer'; readonly timer: TimerKey }
  /** Check a password against an opaque verifier off the reducer (CPU-heavy: scrypt in the runtime). */
  | { readonly kind: 'checkPassword'; readonly id: number; readonly password: string; readonly verifier: string }
  /** A spec-named event for traces and checkers (TLA+ action name, STYLE.md habit 8). Never affects behaviour. */
  | { readonly kind: 'trace'; readonly action: string; readonly args: Readonly<Record<string, unknown>> };

export interface StepResult<S> {
  readonly state: S;
  readonly effects: readonly Effect[];
}

/** Per-node configuration fixed at boot. Limits live in each module's limits.ts; these are the choices. */
export interface NodeConfig {
  /** The nodes of the cluster at boot, in any order (the membership issue makes this dynamic). */
  readonly nodes: readonly NodeId[];
  readonly loadPolicy: 'dynamic' | 'static' | 'random';
  /** Soft upper bound on nodes holding one user's mail (PORCUPINE.md "Load balancing"); default 2. */
  readonly spread: number;
  /** Largest message body accepted, in bytes (SMTP 552 above it, RFC 5321 §4.5.3.1.7). */
  readonly messageSizeMaxBytes: number;
  /**
   * Replication factor R (1–3; DESIGN.md §4, docs/replication.md). Unset: the unreplicated path (a message
   * lives on the one node the load balancer chose). Set: messages and profiles go through replication.
   */
  readonly replicas?: number;
  /** Copies durable before SMTP 250 (default min(2, R); 1 = the paper's mode). */
  readonly ackReplicas?: number;
  /**
   * Seeded replication bugs for the mutation tests only (replication/bugs.ts: the trace-validation tests
   * inject them at boot); never set in production or the simulator's own configs.
   */
  readonly replicationBugs?: ReplicationBugs;
  /** Seeded membership bugs for the mutation tests only (membership/bugs.ts); never set in production or the simulator. */
  readonly membershipBugs?: MembershipBugs;
  /**
   * Overrides of the replication limits (replication/limits.ts), checked by checkReplicationLimits at boot.
   * Unset in production; the simulator sets it to shorten the log retention so long outages and tombstone
   * collection happen within a run (SimConfig.node.replicationLimits).
   */
  readonly replicationLimits?: Partial<ReplicationLimits>;
}
