// Summary statistics of a finished run, from the nodes' durable state and the world's counters: how mail
// is spread over nodes (the paper's "spread", PORCUPINE.md "Load balancing") and how evenly load fell.
import type { NodeId, UserId } from '../pure/types.js';
import type { World } from './world.js';

export interface LoadStats {
  readonly storedPerNode: Readonly<Record<NodeId, number>>;
  /** max / mean of per-node stored messages (1 = perfectly even; 0 when nothing is stored). */
  readonly storedImbalance: number;
  /** Peak number of events queued for each node at once (the simulator's queue length). */
  readonly queuePeakPerNode: Readonly<Record<NodeId, number>>;
  readonly queuePeakImbalance: number;
  /**
   * Peak number of writes queued at each node's disk at once: the paper's load measure (pending disk-bound
   * RPCs, each waiting on its write), free of timers and membership traffic that `queuePeakPerNode` counts.
   */
  readonly diskQueuePeakPerNode: Readonly<Record<NodeId, number>>;
  readonly stepsPerNode: Readonly<Record<NodeId, number>>;
  readonly stepsImbalance: number;
}

/** Users by number of nodes durably holding some of their mail: { "1": users, "2": users, … }. */
export type SpreadHistogram = Readonly<Record<string, number>>;

export function imbalance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sum = values.reduce((a, b) => a + b, 0);
  if (sum === 0) return 0;
  return Math.max(...values) / (sum / values.length);
}

export function loadStats(world: World<unknown>): LoadStats {
  const stored: Record<NodeId, number> = {};
  const queue: Record<NodeId, number> = {};
  const steps: Record<NodeId, number> = {};
  const diskQueue: Record<NodeId, number> = {};
  for (const n of world.nodes) {
    diskQueue[n.id] = n.disk.inFlightPeak;
    stored[n.id] = n.disk.storedMessages;
    queue[n.id] = n.pendingPeak;
    steps[n.id] = n.steps;
  }
  return {
    storedPerNode: stored,
    storedImbalance: round3(imbalance(Object.values(stored))),
    queuePeakPerNode: queue,
    queuePeakImbalance: round3(imbalance(Object.values(queue))),
    diskQueuePeakPerNode: diskQueue,
    stepsPerNode: steps,
    stepsImbalance: round3(imbalance(Object.values(steps))),
  };
}

/** For each user with mail anywhere, the nodes (in node order) durably holding a fragment of it. */
export function holdersByUser(world: World<unknown>): Map<UserId, NodeId[]> {
  const out = new Map<UserId, NodeId[]>();
  for (const n of world.nodes) {
    n.disk.durable.fragments.forEach((_frag, user) => {
      const list = out.get(user);
      if (list === undefined) out.set(user, [n.id]);
      else list.push(n.id);
    });
  }
  return out;
}

export function spreadHistogram(holders: ReadonlyMap<UserId, readonly NodeId[]>): SpreadHistogram {
  const h: Record<string, number> = {};
  for (const nodes of holders.values()) h[nodes.length] = (h[nodes.length] ?? 0) + 1;
  return h;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
