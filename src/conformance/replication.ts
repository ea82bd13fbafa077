// The refinement mapping from simulator traces (src/sim/trace.ts) to spec/PorcupineReplication.tla (docs/spec.md).
// The spec describes one replicated object (one message of one user); a run replicates many, so a trace maps to
// one behaviour per message object: its own replication events, plus every node's Crash, Restart, Boot and
// ReplQuarantine (they concern every object), each with the nodes up. Profiles (p/… objects) are not mapped.
//   node "n3"                      →  its rank in the node order (compareNodeId), from 1: the spec's Nodes
//   timestamp "wall.logical@n3"    →  [ts |-> rank of (wall, logical) among the object's timestamps, node |-> 3]
//                                     (order-preserving: the spec's (ts, node) order is the implementation's)
//   kind "message" / "tombstone"   →  "msg" / "tomb"
//   state {up: [...]}              →  {up: {"#set": [numbers]}} at the behaviour's start (the object's first
//                                     event: Init allows any nodes up), at Boot/Crash/Restart and at its end;
//                                     hard, clock, net and the histories follow from the steps (every action
//                                     is deterministic given its arguments)
// Constants: Nodes 1..N, AckReplicas the run's effective ackReplicas, MaxTs the most distinct timestamps of one
// object, StoreRetries TRUE (a client's retry re-stores), DiskLoss BOOLEAN (the simulator's loseDisk fault).
import { compareNodeId } from '../pure/types.js';
import { replicationTraceActions, type ReplicationTraceAction } from '../pure/replication/state.js';
import { messageObjectId } from '../pure/replication/objects.js';
import { effectiveAckReplicas, type SimConfig } from '../sim/config.js';
import type { SimTraceAction } from '../sim/trace.js';
import type { ParsedTrace, TraceEvent } from '../tla/trace/index.js';
import { diskLost } from './mailstore.js';
import { forEachSimEvent } from './map-events.js';
import { carriesUp, type ArgMap, type MapContext, type Refinement } from './refinement.js';
import type { SimEvent, SimTrace } from './sim-trace.js';

/** The trace events this mapping reads: the replication module's, the simulator's, and the node's Boot. */
export type ReplicationMappedAction = ReplicationTraceAction | SimTraceAction | 'Boot';

/** Spec actions no trace event names: the end of the fault phase (liveness only). */
export const replicationSpecOnlyActions = ['FaultsStop'] as const;

/** A version as the spec writes it. */
interface SpecVersion {
  readonly ts: number;
  readonly node: number;
  readonly kind: 'msg' | 'tomb';
}

/** What the argument maps know of the whole trace: node numbers and, per object, timestamp ranks and kinds. */
interface Tables {
  readonly nodeNo: ReadonlyMap<string, number>;
  /** objectId → "wall.logical" → rank (1-based). */
  readonly rank: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** objectId → timestamp string → the kind its update wrote. */
  readonly kind: ReadonlyMap<string, ReadonlyMap<string, 'msg' | 'tomb'>>;
}

interface ReplCtx extends MapContext {
  readonly tables: Tables;
  readonly objectId: string;
}

/** "1000.2@n3" → its HLC part "1000.2" and node "n3"; the wall part may hold a dot of its own. */
function splitTs(ts: string): { hlc: string; wall: number; logical: number; node: string } {
  const at = ts.lastIndexOf('@');
  const hlc = ts.slice(0, at);
  const dot = hlc.lastIndexOf('.');
  return { hlc, wall: Number(hlc.slice(0, dot)), logical: Number(hlc.slice(dot + 1)), node: ts.slice(at + 1) };
}

function specKind(k: unknown): 'msg' | 'tomb' {
  return k === 'tombstone' ? 'tomb' : 'msg';
}

function version(ctx: ReplCtx, ts: unknown, kind?: 'msg' | 'tomb'): SpecVersion {
  const t = splitTs(String(ts));
  return {
    ts: ctx.tables.rank.get(ctx.objectId)?.get(t.hlc) ?? 0,
    node: ctx.tables.nodeNo.get(t.node) ?? 0,
    kind: kind ?? ctx.tables.kind.get(ctx.objectId)?.get(String(ts)) ?? 'tomb',
  };
}

type ReplArgMap = (ev: SimEvent, ctx: ReplCtx) => readonly unknown[];

const nodeOnly: ReplArgMap = (ev, ctx) => [ctx.tables.nodeNo.get(ev.node)];

/**
 * The spec's label arguments per trace event (the acting node first). Keys are exactly the events this mapping
 * reads; with replicationSpecOnlyActions they are the spec's actions (test/spec/names-in-sync.test.ts).
 */
const argTable: Readonly<Record<ReplicationMappedAction, ReplArgMap>> = {
  ReplUpdate: (ev, ctx) => [ctx.tables.nodeNo.get(ev.node), specKind(ev.args.kind), version(ctx, ev.args.ts).ts],
  ReplPersist: (ev, ctx) => [ctx.tables.nodeNo.get(ev.node), version(ctx, ev.args.ts, specKind(ev.args.kind))],
  ReplDurable: (ev, ctx) => [ctx.tables.nodeNo.get(ev.node), version(ctx, ev.args.ts)],
  ReplCollect: (ev, ctx) => [ctx.tables.nodeNo.get(ev.node), version(ctx, ev.args.ts)],
  ReplApply: nodeOnly,
  ReplIgnore: nodeOnly,
  ReplRetire: nodeOnly,
  ReplTakeover: nodeOnly,
  ReplExpire: nodeOnly,
  ReplQuarantine: nodeOnly,
  ReplTrust: nodeOnly,
  Boot: nodeOnly,
  Crash: nodeOnly,
  Restart: (ev, ctx) => [ctx.tables.nodeNo.get(ev.node), diskLost(ev, ctx)],
};

/** The mapping's entries as the Refinement interface lists them (the context's tables are the mapping's own). */
export const replicationArgs: Readonly<Record<ReplicationMappedAction, ArgMap>> = argTable as unknown as Readonly<Record<ReplicationMappedAction, ArgMap>>;

/** Every trace event the mapping reads. */
export const replicationActions: readonly ReplicationMappedAction[] = [...replicationTraceActions, 'Crash', 'Restart', 'Boot'];

/** Events every object's behaviour gets (they are about nodes, not objects). */
const EVERY_OBJECT: ReadonlySet<string> = new Set<ReplicationMappedAction>(['Crash', 'Restart', 'Boot', 'ReplQuarantine']);

function isMapped(a: string): a is ReplicationMappedAction {
  return Object.hasOwn(argTable, a);
}

/** The message object an event concerns, or undefined (a node event, a profile, or not a replication event). */
function objectOf(ev: SimEvent): string | undefined {
  if (ev.action === 'ReplPersist') return typeof ev.args.user === 'string' && typeof ev.args.msgId === 'string' ? messageObjectId(ev.args.user, ev.args.msgId) : undefined;
  const id = ev.args.objectId;
  return typeof id === 'string' && id.startsWith('m/') ? id : undefined;
}

function ackReplicasOf(trace: SimTrace): number {
  const node = (trace.header.config as { node?: SimConfig['node'] } | undefined)?.node;
  return node === undefined ? 1 : effectiveAckReplicas(node);
}

function tablesOf(trace: SimTrace, nodes: readonly string[]): Tables {
  const nodeNo = new Map(nodes.map((n, k) => [n, k + 1]));
  const hlcs = new Map<string, Map<string, { wall: number; logical: number }>>();
  const kind = new Map<string, Map<string, 'msg' | 'tomb'>>();
  for (const l of trace.lines) {
    if (!('event' in l)) continue;
    const ev = l.event;
    const o = objectOf(ev);
    if (o === undefined || typeof ev.args.ts !== 'string') continue;
    const t = splitTs(ev.args.ts);
    let m = hlcs.get(o);
    if (m === undefined) hlcs.set(o, (m = new Map()));
    m.set(t.hlc, { wall: t.wall, logical: t.logical });
    if (ev.action === 'ReplUpdate' || ev.action === 'ReplPersist') {
      let k = kind.get(o);
      if (k === undefined) kind.set(o, (k = new Map()));
      k.set(ev.args.ts, specKind(ev.args.kind));
    }
  }
  const rank = new Map<string, Map<string, number>>();
  for (const [o, m] of hlcs) {
    const sorted = [...m.entries()].sort(([, a], [, b]) => a.wall - b.wall || a.logical - b.logical);
    rank.set(o, new Map(sorted.map(([h], k) => [h, k + 1])));
  }
  return { nodeNo, rank, kind };
}

function mapReplication(trace: SimTrace): ParsedTrace[] {
  const nodes = [...(trace.header.constants.Nodes ?? [])].sort(compareNodeId);
  const tables = tablesOf(trace, nodes);
  const maxTs = Math.max(1, ...[...tables.rank.values()].map((m) => m.size));
  const header = {
    module: 'PorcupineReplication',
    constants: {
      Nodes: { '#set': nodes.map((_, k) => k + 1) },
      AckReplicas: ackReplicasOf(trace),
      MaxTs: maxTs,
      StoreRetries: true,
      DiskLoss: { '#set': [false, true] },
    },
    source: { spec: trace.header.spec, seed: trace.header.seed, version: trace.header.version },
  };
  const objects = [...tables.rank.keys()].sort();
  const events = new Map<string, TraceEvent[]>(objects.map((o) => [o, []]));
  const upOf = (ev: SimEvent): unknown => ({ '#set': (ev.state.up ?? []).map((n) => tables.nodeNo.get(n)) });
  // An object's behaviour starts at its first event, from the nodes up then (the spec's Init allows any):
  // the node events before it would only repeat, for every object, how the run got there.
  const lastOf = new Map<string, number>();
  for (const l of trace.lines) {
    if (!('event' in l) || !isMapped(l.event.action)) continue;
    const o = objectOf(l.event);
    if (EVERY_OBJECT.has(l.event.action)) for (const k of lastOf.keys()) lastOf.set(k, l.line);
    else if (o !== undefined && events.has(o)) lastOf.set(o, l.line);
  }
  forEachSimEvent(trace, (ev, line, metaBefore) => {
    if (!isMapped(ev.action)) return;
    const own = objectOf(ev);
    const targets = EVERY_OBJECT.has(ev.action) ? objects.filter((o) => (events.get(o)?.length ?? 0) > 0) : [own].filter((o): o is string => o !== undefined && events.has(o));
    for (const objectId of targets) {
      const list = events.get(objectId) ?? [];
      if (list.length === 0) {
        const start = { up: upOf(ev) };
        list.push({ line, state: start, raw: { line, state: start, objectId } });
      }
      const args = argTable[ev.action](ev, { metaBefore, tables, objectId });
      // `up` where it can change and at the behaviour's end (carriesUp); it follows from the steps elsewhere.
      const state = carriesUp(ev.action, lastOf.get(objectId) === line) ? { up: upOf(ev) } : {};
      const raw = { i: ev.i, action: ev.action, args, state, objectId };
      list.push({ line, i: ev.i, action: ev.action, args, state, raw });
    }
  });
  if (objects.length === 0) return [{ header, events: [] }];
  return objects.map((o) => ({ header: { ...header, object: o }, events: events.get(o) ?? [] }));
}

export const replicationRefinement: Refinement = {
  module: 'PorcupineReplication',
  summary: 'replication of each message (update, durable copies, LWW, 250 at ackReplicas copies, tombstone collection), one behaviour per message',
  actions: replicationArgs,
  map: mapReplication,
};
