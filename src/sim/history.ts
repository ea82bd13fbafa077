// What the clients saw: every request and reply (when recorded), and the facts the checkers need —
// which messages were acknowledged with which body, which deletions were confirmed, and what each POP
// listing contained. Checkers judge the cluster only by this and by the final state, never by peeking
// into node internals (the paper's guarantees are about what clients observe).
import type { ClientReply, ClientRequest } from '../pure/io.js';
import type { MsgId, NodeId, SessionId, UserId } from '../pure/types.js';
import { userName } from './config.js';

export type OpOutcome =
  | 'replied'
  /** No reply yet when the run ended (or when the client gave up: see `timedOut`). */
  | 'pending'
  /** The node crashed with the request outstanding: the TCP connection broke. */
  | 'aborted'
  /** The client gave up after clientTimeoutMs. */
  | 'timedOut';

export interface ClientOp {
  readonly session: SessionId;
  readonly node: NodeId;
  readonly request: ClientRequest;
  readonly sentAt: number;
  reply?: ClientReply;
  repliedAt?: number;
  outcome: OpOutcome;
}

export interface AckedMessage {
  readonly user: UserId;
  readonly msgId: MsgId;
  readonly body: string;
  /** The Message-ID header the client sent (also inside the body). */
  readonly clientMsgId: string;
  /** When the acknowledged attempt sent DATA (the message may be visible from then on). */
  readonly dataSentAt: number;
  readonly ackedAt: number;
  readonly node: NodeId;
  /** Nodes whose disk durably held the message when the 250 was sent (an ack must follow durability). */
  readonly durableCopiesAtAck: number;
  /** Those nodes (a message is lost for good only if all of them leave or lose their disks later). */
  readonly holdersAtAck?: readonly NodeId[];
}

export interface Listing {
  readonly user: UserId;
  readonly node: NodeId;
  /** When the POP session authenticated (its maildrop is fixed from then on, RFC 1939). */
  readonly authAt: number;
  readonly msgIds: readonly MsgId[];
  /** Bodies retrieved with RETR (undefined: RETR failed or not attempted). */
  readonly bodies: Map<MsgId, string | undefined>;
  /** Part of the heal phase's final check. */
  readonly final: boolean;
  /** Set when the session could not list (auth or LIST refused): the listing is empty for that reason. */
  readonly error: string | undefined;
}

export interface HistoryCounters {
  smtpAttempts: number;
  /** Distinct messages the workload tried to deliver (an attempt plus its retries count once). */
  messagesOffered: number;
  acknowledged: number;
  /** Messages that got a 5xx (permanent) or ran out of attempts. */
  failed: number;
  popSessions: number;
  popAuthFailures: number;
  requests: number;
  replies: number;
  timeouts: number;
  aborted: number;
  /** Replies for sessions the client had already given up on or never opened. */
  strayReplies: number;
  refused: number;
  /** POP DELE commands sent, and those answered -ERR (the message was listed, so -ERR is a failure). */
  deletesRequested: number;
  deletesRefused: number;
  /** QUITs sent with messages marked for deletion, and those not answered +OK (the deletes did not happen). */
  quitsWithDeletes: number;
  quitsWithDeletesFailed: number;
}

export class History {
  readonly ops: ClientOp[] = [];
  readonly acked = new Map<MsgId, AckedMessage>();
  /** Deletions confirmed by an answered QUIT (msgId → time of the QUIT reply). */
  readonly deleted = new Map<MsgId, number>();
  /** For those deletions, when the QUIT was sent (a delete takes effect between this and its reply). */
  readonly deleteSentAt = new Map<MsgId, number>();
  /** ... and when the deleting session authenticated (its listing is from then). */
  readonly deleteAuthAt = new Map<MsgId, number>();
  /**
   * The last time any SMTP attempt of a client message sent DATA (a retry may store it again), by the message's
   * body: one client message is one (Message-ID, body) — the body holds the Message-ID header — and a reused
   * Message-ID with another body is another message.
   */
  readonly lastDataSentAt = new Map<string, number>();
  /** Marked for deletion, but the QUIT went unanswered: either outcome is legal. */
  readonly maybeDeleted = new Set<MsgId>();
  readonly listings: Listing[] = [];
  /** Users the workload sent mail to, by index (a bitmap: cheap even for millions of users). */
  private readonly touched: Uint8Array;
  readonly counters: HistoryCounters = {
    smtpAttempts: 0, messagesOffered: 0, acknowledged: 0, failed: 0, popSessions: 0, popAuthFailures: 0,
    requests: 0, replies: 0, timeouts: 0, aborted: 0, strayReplies: 0, refused: 0,
    deletesRequested: 0, deletesRefused: 0, quitsWithDeletes: 0, quitsWithDeletesFailed: 0,
  };

  constructor(
    readonly recordOps: boolean,
    users = 0,
  ) {
    this.touched = new Uint8Array(users);
  }

  markTouched(userIndex: number): void {
    this.touched[userIndex] = 1;
  }

  /** Indices of the users the workload sent mail to, ascending. */
  touchedUserIndices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.touched.length; i++) if (this.touched[i] === 1) out.push(i);
    return out;
  }

  /** Names of the users the workload sent mail to (the final check covers them), in index order. */
  get touchedUsers(): ReadonlySet<UserId> {
    return new Set(this.touchedUserIndices().map(userName));
  }

  /** Requests that never got a reply although their node stayed up (the `everyRequestAnswered` checker). */
  unanswered(): ClientOp[] {
    return this.ops.filter((op) => op.outcome === 'pending' || op.outcome === 'timedOut');
  }
}
