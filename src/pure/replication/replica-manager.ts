// The node's replication slice as the node state holds it (node-state.ts composes it). Kept apart from
// node-glue.ts, which steps the whole node: a slice's state must not import the node that composes it.
import type { RequestId } from '../messages.js';
import type { PMap } from '../pmap.js';
import type { NodeId } from '../types.js';
import type { SeenRequests } from './seen-requests.js';
import type { ReplicationState } from './state.js';

/** The node's replication slice: the manager plus the RPCs waiting on its `durable` events. */
export interface ReplicaManager {
  readonly repl: ReplicationState;
  /** `${from}|${rid}` → updates still to become durable before the RPC is answered. */
  readonly waits: PMap<{ readonly from: NodeId; readonly rid: RequestId; readonly reply: 'stored' | 'deleted' | 'profileSet'; readonly left: number }>;
  /** Update-starting requests (`${from}|${rid}`) taken within the packet lifetime: a late copy is dropped (B16). */
  readonly seen: SeenRequests;
}
