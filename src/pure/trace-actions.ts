// Every trace action the node emits (STYLE.md habit 8: named like TLA+ actions). A test keeps this list,
// the code and (later) the specs' actions in sync.
import { replicationTraceActions } from './replication/state.js';

export const traceActions = [
  'Boot', // a node (re)starts with its hard state
  'Ready', // its new incarnation is durable: it may mint message ids
  'AcceptRcpt', // RCPT: the manager knows the user (250)
  'RejectRcpt', // RCPT: unknown user (550) or manager unreachable (451)
  'Store', // a mailbox made a message durable in a fragment
  'StoreDuplicate', // a mailbox got a message it already holds (retry or duplicated RPC)
  'Deliver', // the proxy learned that one recipient's copy is durable
  'Ack', // the proxy answered an SMTP DATA transaction (code in args)
  'AddFragment', // the manager added a node to a user's mail map
  'DropFragment', // the manager removed a node from a user's mail map
  'Delete', // a mailbox made a delete durable
  'SetProfile', // a user DB write is durable
  'Authenticate', // POP password accepted
  'AuthFail', // POP password rejected
  'List', // POP maildrop gathered (count, partial)
  'Retrieve', // POP body fetched
  'Quit', // POP QUIT answered (deleted count)
  'Timeout', // an RPC timed out
  'Drop', // an input ignored as stale, duplicate or misdirected (reason in args)
  // membership (src/pure/membership) and soft-state reconstruction (src/pure/soft-state/reconstruct*.ts)
  'SuspectPeer', // an RPC to a member timed out: the member is pinged until it answers
  'DetectChange', // a node saw a failure, a divergent view or an outsider, and wants a round
  'ProposeEpoch', // round 1: a coordinator proposed a new epoch
  'AbandonProposal', // a coordinator gave its proposal up for a larger one
  'AcceptEpoch', // round 2: a node accepted a proposal
  'CommitEpoch', // round 3: the coordinator fixed the membership and the user map
  'InstallView', // a node installed a new view (epoch, members, user map)
  'DropStale', // a stale or outbid membership message was ignored
  'ReconstructSoftState', // a node reset the soft state of changed buckets and queued its reports
  'ApplyReport', // a manager applied a soft-state report to its mail maps and profile cache
  // replication (replication/state.ts: ReplUpdate, ReplApply, ReplIgnore, ReplDurable, ReplRetire, ...,
  // ReplPersist: a replicated message copy or tombstone became durable, the Store/Delete of replicated mode)
  ...replicationTraceActions,
] as const;

export type TraceAction = (typeof traceActions)[number];
