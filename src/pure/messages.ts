// Node-to-node messages (RPC requests, replies, notifications): plain JSON-able data, a union on `kind`.
// The network may lose, duplicate or reorder any of them, so every handler is idempotent: requests carry a
// request id `rid` chosen by the caller, replies echo it, and a reply nobody waits for is a traced drop.
// Every reply piggybacks the replier's load (PORCUPINE.md "Load balancing").
import type { StoredMsg } from './mailbox/fragment.js';
import type { MsgId, NodeId, UserId } from './types.js';
import type { MembershipMessage } from './membership/messages.js';
import type { ReconstructionMessage } from './soft-state/reconstruct-messages.js';
import type { ReplicationMessage } from './replication/messages.js';

/** Unique per caller node across restarts (incarnation in the high bits, see node-ids.ts). */
export type RequestId = number;

/** A node's load as measured by itself: pending disk-bound RPCs, stamped with its own clock (ms). */
export interface LoadSample {
  readonly pending: number;
  readonly at: number;
}

export interface Digest {
  readonly msgId: MsgId;
  readonly sizeBytes: number;
}

/**
 * Why a proxy asks the manager about a user: RCPT check, delivery (needs the mail map), POP login (verifier),
 * POP QUIT with deletions (a fresh mail map: every node that may hold a copy gets the tombstones, B8).
 */
export type LookupPurpose = 'rcpt' | 'deliver' | 'auth' | 'quit';

export type UserInfoStatus =
  | 'ok'
  | 'unknown'
  /** The receiver does not manage the user's bucket (the caller's user map is stale): retry later. */
  | 'notManager'
  /**
   * The receiver took the user's bucket over in its current view and is still waiting for reconstruction
   * reports that may carry the profile: temporary, retry later (never a permanent "no such user").
   */
  | 'rebuilding';

export interface LoadEntry {
  readonly node: NodeId;
  readonly load: LoadSample;
}

export type Message =
  // proxy → user manager
  | { readonly kind: 'lookupUser'; readonly rid: RequestId; readonly user: UserId; readonly purpose: LookupPurpose }
  | {
      readonly kind: 'userInfo';
      readonly rid: RequestId;
      readonly user: UserId;
      readonly status: UserInfoStatus;
      /** Only for purpose 'auth' (the proxy checks the password; the verifier never leaves otherwise). */
      readonly verifier?: string;
      /** Nodes holding a fragment of the user's mailbox (the mail map), in node order. */
      readonly mailMap: readonly NodeId[];
      readonly load: LoadSample;
    }
  | { readonly kind: 'setProfile'; readonly rid: RequestId; readonly user: UserId; readonly verifier: string }
  | { readonly kind: 'profileSet'; readonly rid: RequestId; readonly status: UserInfoStatus; readonly load: LoadSample; readonly storageFailed?: true }
  // proxy → every member: the users whose live profile the member holds (administration's user list)
  | { readonly kind: 'listUsers'; readonly rid: RequestId }
  | { readonly kind: 'userList'; readonly rid: RequestId; readonly users: readonly UserId[]; readonly load: LoadSample }
  // proxy → mailbox manager
  | {
      readonly kind: 'storeMsg';
      readonly rid: RequestId;
      readonly user: UserId;
      readonly msg: StoredMsg;
      /** With replication: the R replicas chosen by the proxy, the receiver (coordinator) first. */
      readonly replicas?: readonly NodeId[];
    }
  /** `storageFailed`: the write could not be made durable (a full disk): a temporary failure, nothing stored. */
  | { readonly kind: 'stored'; readonly rid: RequestId; readonly load: LoadSample; readonly storageFailed?: true }
  | { readonly kind: 'listDigests'; readonly rid: RequestId; readonly user: UserId }
  | { readonly kind: 'digests'; readonly rid: RequestId; readonly items: readonly Digest[]; readonly load: LoadSample }
  | { readonly kind: 'fetchMsg'; readonly rid: RequestId; readonly user: UserId; readonly msgId: MsgId }
  | { readonly kind: 'fetched'; readonly rid: RequestId; readonly body: string | null; readonly load: LoadSample }
  // `holders`: every node the proxy knows to hold some of the user's mail (the session's mail map and the nodes
  // that listed). A message can have copies outside its known replicas (a client's retry stored through a node
  // that never saw the first attempt): the tombstone goes to these nodes too, or such a copy reappears.
  // POP QUIT deletes. `msgIds`: delete these (with replication: coordinate their tombstones). `covered`
  // (replication only): listed here too, but another lister coordinates the tombstone, whose targets include
  // every holder; this node adds one only for a copy with a replica outside `holders` (B8).
  | { readonly kind: 'deleteMsgs'; readonly rid: RequestId; readonly user: UserId; readonly msgIds: readonly MsgId[]; readonly holders?: readonly NodeId[]; readonly covered?: readonly MsgId[] }
  | { readonly kind: 'deleted'; readonly rid: RequestId; readonly load: LoadSample; readonly storageFailed?: true }
  // mailbox manager → user manager: a fragment appeared (present) or vanished here. `stamp` orders the
  // notices of one node so a late "vanished" cannot erase a newer "appeared".
  | { readonly kind: 'mailMapUpdate'; readonly user: UserId; readonly present: boolean; readonly stamp: number }
  | { readonly kind: 'mailMapAck'; readonly user: UserId; readonly stamp: number }
  // load balancer: the periodic ring pass of the load table to the next node in node order
  | { readonly kind: 'loadRing'; readonly table: readonly LoadEntry[] }
  // membership (membership/messages.ts: ping ring, probes, the three rounds) and soft-state reconstruction
  | MembershipMessage
  | ReconstructionMessage
  // replication (replication/messages.ts: push, ack, retire, reconcile)
  | ReplicationMessage;

export type MessageKind = Message['kind'];
