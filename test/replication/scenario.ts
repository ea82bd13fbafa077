// Random fault scenarios for the replication properties: a workload (stores, deletes, profile writes)
// interleaved with faults (loss, duplication, reordering, slow disks, crashes, disk losses, time jumps),
// then a heal phase; `judge` states what must hold afterwards.
import fc from 'fast-check';
import { compareTimestamp } from '../../src/pure/replication/hlc.js';
import { messageObjectId, type Versioned } from '../../src/pure/replication/objects.js';
import type { ReplicationBugs } from '../../src/pure/replication/bugs.js';
import { convergenceBoundMs, defaultReplicationLimits, tombstoneRetentionMs, type ReplicationLimits } from '../../src/pure/replication/limits.js';
import { ReplicationNet as Net } from '../support/replication-net.js';

export type Cmd =
  | { readonly kind: 'store'; readonly coord: number; readonly user: number; readonly offset: number }
  | { readonly kind: 'delete'; readonly pick: number; readonly coordPick: number }
  /** A client's retry of a stored message (same id) through a node that does not hold it, with other replicas. */
  | { readonly kind: 'retry'; readonly pick: number; readonly coord: number; readonly offset: number }
  | { readonly kind: 'profile'; readonly user: number; readonly coordPick: number }
  | { readonly kind: 'net'; readonly how: 'deliver' | 'drop' | 'duplicate'; readonly i: number }
  | { readonly kind: 'disk'; readonly node: number; readonly all: boolean }
  | { readonly kind: 'crash' | 'restart' | 'loseDisk'; readonly node: number }
  | { readonly kind: 'advance'; readonly ms: number };

export interface ScenarioOptions {
  readonly nodes: number;
  readonly replicas: number;
  readonly ackReplicas: number;
  readonly bugs?: ReplicationBugs;
  readonly limits?: ReplicationLimits;
  /** Per-node clock skew in ms (within maxClockSkewMs/2 so any two nodes differ by at most the max). */
  readonly skews?: readonly number[];
}

export function cmdArb(opts: { nodes: number; diskLoss: boolean; crashes: boolean }): fc.Arbitrary<Cmd> {
  const node = fc.nat(opts.nodes - 1);
  const weighted: { arbitrary: fc.Arbitrary<Cmd>; weight: number }[] = [
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('store' as const), coord: node, user: fc.nat(2), offset: fc.nat(opts.nodes - 1) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), coordPick: fc.nat(3) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat(), coord: node, offset: fc.nat(opts.nodes - 1) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('profile' as const), user: fc.nat(1), coordPick: fc.nat(3) }) },
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('net' as const), how: fc.constantFrom('deliver' as const, 'deliver' as const, 'drop' as const, 'duplicate' as const), i: fc.nat(20) }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('disk' as const), node, all: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(50, 300, 2_000, 25_000) }) },
  ];
  if (opts.crashes) {
    weighted.push({ weight: 3, arbitrary: fc.record({ kind: fc.constant('crash' as const), node }) });
    weighted.push({ weight: 3, arbitrary: fc.record({ kind: fc.constant('restart' as const), node }) });
  }
  if (opts.diskLoss) weighted.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant('loseDisk' as const), node }) });
  return fc.oneof(...weighted);
}

export function nodeIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

/** Profile replicas are fixed per user (the nodes after the user's slot), as a user DB placement would be. */
function profileReplicas(ids: readonly string[], user: number, r: number): string[] {
  return Array.from({ length: r }, (_, i) => ids[(user + i) % ids.length]);
}

/** R distinct targets: the coordinator and R-1 others chosen by the "load balancer" (offset). */
function targetsOf(coord: number, offset: number, o: ScenarioOptions): string[] {
  const ids = nodeIds(o.nodes);
  const others = Array.from({ length: o.replicas - 1 }, (_, i) => ids[(coord + 1 + ((offset + i) % (o.nodes - 1))) % o.nodes]);
  return [...new Set([ids[coord], ...others])];
}

export interface Outcome {
  readonly net: Net;
  readonly healMs: number;
  readonly problems: string[];
  readonly stores: number;
}

export function runScenario(cmds: readonly Cmd[], o: ScenarioOptions): Outcome {
  const ids = nodeIds(o.nodes);
  const limits = o.limits ?? defaultReplicationLimits;
  const skew = new Map(ids.map((id, i) => [id, o.skews?.[i] ?? 0] as const));
  const net = new Net(ids, { limits, bugs: o.bugs ?? {} }, skew);
  const stored: { user: string; msgId: string }[] = [];
  let counter = 0;
  for (const c of cmds) {
    switch (c.kind) {
      case 'store': {
        const user = `u${c.user}`;
        const msgId = `m${++counter}`;
        stored.push({ user, msgId });
        net.update(ids[c.coord], `store-${counter}`, { kind: 'message', user, msgId, body: `body ${msgId}`, sizeBytes: 6 }, targetsOf(c.coord, c.offset, o), o.ackReplicas);
        break;
      }
      case 'retry': {
        if (stored.length === 0) break;
        const m = stored[c.pick % stored.length];
        // As the node does (replication/node-glue.ts): a node already holding the message or its tombstone
        // does not store it again; any other node stores it as a new update of the same object.
        if (net.objectAt(ids[c.coord], messageObjectId(m.user, m.msgId)) !== undefined) break;
        net.update(ids[c.coord], `retry-${++counter}`, { kind: 'message', user: m.user, msgId: m.msgId, body: `body ${m.msgId}`, sizeBytes: 6 }, targetsOf(c.coord, c.offset, o), o.ackReplicas);
        break;
      }
      case 'delete': {
        if (stored.length === 0) break;
        const m = stored[c.pick % stored.length];
        const oid = messageObjectId(m.user, m.msgId);
        // The POP proxy deletes through a node that showed it the message.
        const holders = ids.filter((id) => net.objectAt(id, oid)?.value.kind === 'message');
        if (holders.length === 0) break;
        const coord = holders[c.coordPick % holders.length];
        const v = net.objectAt(coord, oid) as Versioned;
        net.update(coord, `delete-${++counter}`, { kind: 'tombstone', user: m.user, msgId: m.msgId }, v.replicas, o.ackReplicas);
        break;
      }
      case 'profile': {
        const reps = profileReplicas(ids, c.user, o.replicas);
        net.update(reps[c.coordPick % reps.length], `profile-${++counter}`, { kind: 'profile', user: `u${c.user}`, verifier: `v${counter}` }, reps, o.ackReplicas);
        break;
      }
      case 'net':
        net.deliver(c.i, c.how);
        break;
      case 'disk':
        // One write, or everything queued at that disk (a flush).
        do net.completeDisk(ids[c.node]);
        while (c.all && net.writesInFlight(ids[c.node]) > 0);
        break;
      case 'crash':
        net.crash(ids[c.node]);
        break;
      case 'restart':
        if (!net.isUp(ids[c.node])) net.boot(ids[c.node]);
        break;
      case 'loseDisk':
        net.loseDisk(ids[c.node]);
        break;
      case 'advance':
        net.advance(c.ms);
        break;
    }
  }
  const healMs = net.healAndSettle(convergenceBoundMs(limits) * 4);
  // Then long enough for every retired tombstone to be collected: what is left must still agree.
  net.advance(tombstoneRetentionMs(limits) + 2 * limits.gcIntervalMs);
  net.healAndSettle(convergenceBoundMs(limits) * 4);
  return { net, healMs, problems: judge(net, ids, limits, healMs), stores: stored.length };
}


function judge(net: Net, ids: readonly string[], limits: ReplicationLimits, healMs: number): string[] {
  const problems = [...net.violations];
  if (healMs < 0 || healMs > convergenceBoundMs(limits)) problems.push(`no convergence within ${convergenceBoundMs(limits)} ms after heal (took ${healMs})`);
  const objectIds = new Set<string>();
  for (const id of ids) net.replicaState(id)?.hard.objects.forEach((_v, oid) => objectIds.add(oid));
  const newest = new Map<string, Versioned>();
  for (const oid of objectIds) {
    const versions = ids.map((id) => net.objectAt(id, oid)).filter((v): v is Versioned => v !== undefined);
    const w = versions.reduce((a, b) => (compareTimestamp(a.ts, b.ts) >= 0 ? a : b));
    newest.set(oid, w);
    for (const id of w.replicas) {
      // A replica lost with its disk is not re-created (as in the paper): that node is excused.
      if ((net.diskLosses.get(id) ?? 0) > 0) continue;
      const v = net.objectAt(id, oid);
      // A tombstone may already be collected at some replicas (nodes told of it late keep it longer).
      const gone = net.collected.get(oid);
      if (v === undefined && w.value.kind === 'tombstone' && gone !== undefined && compareTimestamp(gone, w.ts) >= 0) continue;
      if (v === undefined || compareTimestamp(v.ts, w.ts) !== 0) problems.push(`divergent: ${oid} at ${id} is ${v === undefined ? 'missing' : v.ts.wallMs + '.' + v.ts.logical + '@' + v.ts.node}, newest is ${w.ts.wallMs}.${w.ts.logical}@${w.ts.node}`);
    }
  }
  for (const r of net.durableReports) {
    const lost = net.lossesAt(r.targets) - r.lossesAtStart;
    if (lost >= r.copies) continue; // k disks lost: the guarantee does not cover it
    const w = newest.get(r.objectId);
    const gone = net.collected.get(r.objectId);
    const survived = (w !== undefined && compareTimestamp(w.ts, r.ts) >= 0) || (gone !== undefined && compareTimestamp(gone, r.ts) >= 0);
    if (!survived) problems.push(`lost: ${r.ref} (${r.objectId}) acknowledged with ${r.copies} copies, ${lost} disks lost`);
    // Deletes stick: no replica the delete was meant for keeps a copy older than it (a later retry that
    // stored the message again is a new delivery, with a newer timestamp; one stored on other nodes is a
    // separate copy the delete never knew of, the paper's "new object").
    if (r.value.kind === 'tombstone') {
      for (const id of r.targets) {
        if ((net.diskLosses.get(id) ?? 0) > 0) continue;
        const v = net.objectAt(id, r.objectId);
        if (v !== undefined && v.value.kind === 'message' && compareTimestamp(v.ts, r.ts) < 0) problems.push(`delete did not stick: ${r.objectId} at ${id}`);
      }
    }
  }
  return problems;
}
