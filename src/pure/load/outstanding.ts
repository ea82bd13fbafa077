// Local load accounting against herding (docs/bugs-found-by-properties.md B2). A node's load as a proxy
// sees it is the last sample piggybacked from that node; during a burst every proxy holds the same stale
// sample, so they all send the next messages to the node that looked idle — a slow one included — until a
// reply corrects them. The usual fix: each proxy adds the disk-bound RPCs *it* has sent to a node and not
// yet had answered to the load it believes that node has. The figure stays local (nothing new on the
// wire) and corrects itself as replies, each carrying a fresh sample, come back. The proxy counts its
// in-flight stores per node (proxy/delivery.ts, outstandingStores) and wraps its load view with this.
import type { NodeId } from '../types.js';

/**
 * `loadOf` plus this proxy's own outstanding disk-bound RPCs per node. An RPC that already reached its node
 * when the sample was taken is counted twice; erring towards "busier" only spreads a burst a little wider,
 * while erring towards "idle" is exactly the herding this guards against. `self` is left alone: our own
 * load is measured, not sampled, and a call to self is a local call already counted in it.
 */
export function withOutstanding(loadOf: (node: NodeId) => number, outstanding: ReadonlyMap<NodeId, number>, self: NodeId): (node: NodeId) => number {
  if (outstanding.size === 0) return loadOf;
  return (node) => loadOf(node) + (node === self ? 0 : (outstanding.get(node) ?? 0));
}
