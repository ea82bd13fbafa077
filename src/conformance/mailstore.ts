// The refinement mapping from simulator traces (src/sim/trace.ts) to spec/MailStore.tla (docs/spec.md).
// The simulator writes what the cluster holds; the spec wants fixed-domain functions and sets, and action
// arguments in its own parameter order:
//   state {up: [...], mailboxes: {user: {node: [ids]}}}  →  {up: {"#set"}, mail: [node → [user → {"#set"}]]}
//   state {up: [...], stored: {node: count}}             →  {up: {"#set"}}  (mail follows from the steps:
//                                                            every mail-changing action is deterministic
//                                                            given its arguments)
//   args (per action, below)                             →  the values of the action's parameters
// The header's constants become the spec's (Nodes, Users, Msgs, AckCodes, DeleteSets).
import { traceActions, type TraceAction } from '../pure/trace-actions.js';
import { SIM_TRACE_ACTIONS, type SimTraceAction } from '../sim/trace.js';
import { USER_PREFIX, effectiveAckReplicas, type SimConfig } from '../sim/config.js';
import type { ParsedTrace } from '../tla/trace/index.js';
import { carriesUp, lastEventLine, type ArgMap, type MapContext, type Refinement } from './refinement.js';
import { mapSimEvents } from './map-events.js';
import { byText, type SimEvent, type SimTrace } from './sim-trace.js';

export type MailStoreAction = TraceAction | SimTraceAction;

/** The ids a Delete names (the request's `msgIds`; the spec removes exactly these, absent ones are no-ops). */
function deleteIds(ev: SimEvent): string[] {
  const ids = Array.isArray(ev.args.msgIds) ? (ev.args.msgIds as unknown[]) : [];
  return [...new Set(ids.filter((m): m is string => typeof m === 'string'))].sort(byText);
}

const nodeOnly: ArgMap = (ev) => [ev.node];

/** A Restart right after the `loseDisk` fault line of the same node comes back with an empty disk. */
export function diskLost(ev: SimEvent, ctx: MapContext): boolean {
  return ctx.metaBefore.some((m) => {
    const f = m.fault as { kind?: unknown; node?: unknown } | undefined;
    return m.kind === 'fault' && f?.kind === 'loseDisk' && f.node === ev.node;
  });
}

/**
 * The spec's label arguments for each action: the acting node (the event's `node`) first, then the
 * parameters of MailStore's action in order. Keys are exactly the trace action names (the type makes the table
 * exhaustive; test/spec/names-in-sync.test.ts compares it with the spec's Next).
 */
export const mailStoreArgs: Readonly<Record<MailStoreAction, ArgMap>> = {
  Boot: nodeOnly,
  Crash: nodeOnly,
  Restart: (ev, ctx) => [ev.node, diskLost(ev, ctx)],
  Ready: nodeOnly,
  Store: (ev) => [ev.node, ev.args.user, ev.args.msgId],
  StoreDuplicate: (ev) => [ev.node, ev.args.user, ev.args.msgId],
  Delete: (ev) => [ev.node, ev.args.user, { '#set': deleteIds(ev) }],
  AcceptRcpt: nodeOnly,
  RejectRcpt: nodeOnly,
  Deliver: (ev) => [ev.node, ev.args.user, ev.args.msgId, ev.args.at],
  Ack: (ev) => [ev.node, ev.args.msgId, ev.args.code],
  AddFragment: nodeOnly,
  DropFragment: nodeOnly,
  SetProfile: nodeOnly,
  Timeout: nodeOnly,
  Drop: nodeOnly,
  Authenticate: nodeOnly,
  AuthFail: nodeOnly,
  List: nodeOnly,
  Retrieve: nodeOnly,
  Quit: nodeOnly,
  SuspectPeer: nodeOnly,
  DetectChange: nodeOnly,
  ProposeEpoch: nodeOnly,
  AbandonProposal: nodeOnly,
  AcceptEpoch: nodeOnly,
  CommitEpoch: nodeOnly,
  InstallView: nodeOnly,
  DropStale: nodeOnly,
  ReconstructSoftState: nodeOnly,
  ApplyReport: nodeOnly,
  // Replication: a durable copy or tombstone is the spec's step; the other events change nothing there.
  ReplPersist: (ev) => [ev.node, ev.args.user, ev.args.msgId, ev.args.kind],
  ReplUpdate: nodeOnly,
  ReplApply: nodeOnly,
  ReplIgnore: nodeOnly,
  ReplDurable: nodeOnly,
  ReplRetire: nodeOnly,
  ReplTakeover: nodeOnly,
  ReplExpire: nodeOnly,
  ReplCollect: nodeOnly,
  ReplQuarantine: nodeOnly,
  ReplTrust: nodeOnly,
};

/** Every action name the mapping knows: the code's trace actions plus the simulator's own. */
export const mailStoreActions: readonly MailStoreAction[] = [...traceActions, ...SIM_TRACE_ACTIONS];

export interface MailStoreConstants {
  readonly Nodes: string[];
  readonly Users: string[];
  readonly Msgs: string[];
  readonly AckCodes: number[];
  /** Durable copies before SMTP 250: the run's effective ackReplicas (1 on the unreplicated path). */
  readonly AckReplicas: number;
  /** Every set of ids a Delete names (sorted, deduplicated by content). */
  readonly DeleteSets: string[][];
}

/** The constants a trace needs: its nodes, provisioned users plus any it names, every id and code it uses. */
export function mailStoreConstants(trace: SimTrace): MailStoreConstants {
  const hc = trace.header.constants;
  const nodes = [...(hc.Nodes ?? [])];
  const users = new Set<string>(Array.from({ length: hc.Users ?? 0 }, (_, k) => `${USER_PREFIX}${k}`));
  const msgs = new Set<string>();
  const codes = new Set<number>([250]);
  const deleteSets = new Map<string, string[]>();
  for (const l of trace.lines) {
    if (!('event' in l)) continue;
    const ev = l.event;
    for (const [u, byNode] of Object.entries(ev.state.mailboxes ?? {})) {
      users.add(u);
      for (const ids of Object.values(byNode)) ids.forEach((m) => msgs.add(m));
    }
    if (typeof ev.args.user === 'string' && ev.action !== 'RejectRcpt') users.add(ev.args.user);
    if (typeof ev.args.msgId === 'string') msgs.add(ev.args.msgId);
    if (ev.action === 'Ack' && typeof ev.args.code === 'number') codes.add(ev.args.code);
    if (ev.action === 'Delete') {
      const ids = deleteIds(ev);
      ids.forEach((m) => msgs.add(m));
      deleteSets.set(JSON.stringify(ids), ids);
    }
  }
  return {
    Nodes: nodes,
    Users: [...users].sort(byText),
    Msgs: [...msgs].sort(byText),
    AckCodes: [...codes].sort((a, b) => a - b),
    AckReplicas: ackReplicasOf(trace),
    DeleteSets: [...deleteSets.values()],
  };
}

/** The header config's effective ackReplicas (src/sim/config.ts); 1 when the header has no config. */
function ackReplicasOf(trace: SimTrace): number {
  const node = (trace.header.config as { node?: SimConfig['node'] } | undefined)?.node;
  return node === undefined ? 1 : effectiveAckReplicas(node);
}

/** The spec variables of one event: `up`, and `mail` when the trace was recorded with mailboxes. */
export function mailStoreState(state: SimEvent['state'], nodes: readonly string[], users: readonly string[]): Record<string, unknown> {
  if (state.up === undefined) throw new Error('the event has no "up" list of running nodes');
  const up = { '#set': [...state.up] };
  const boxes = state.mailboxes;
  if (boxes === undefined) return { up };
  const mail: Record<string, Record<string, unknown>> = {};
  for (const n of nodes) {
    mail[n] = {};
    for (const u of users) mail[n][u] = { '#set': [...(boxes[u]?.[n] ?? [])] };
  }
  return { up, mail };
}

export const set = (xs: readonly unknown[]): unknown => ({ '#set': xs });


/** The mapping onto MailStore: one behaviour per trace (the whole cluster's mailboxes). */
export function mapMailStore(trace: SimTrace): ParsedTrace {
  const c = mailStoreConstants(trace);
  const header = {
    module: 'MailStore',
    constants: { Nodes: set(c.Nodes), Users: set(c.Users), Msgs: set(c.Msgs), AckCodes: set(c.AckCodes), AckReplicas: c.AckReplicas, DeleteSets: set(c.DeleteSets.map(set)) },
    source: { spec: trace.header.spec, seed: trace.header.seed, version: trace.header.version },
  };
  const last = lastEventLine(trace);
  // Unknown action names pass through with the node as their only argument: the validator rejects them.
  // Without recorded mailboxes the state is only `up`, given where it can change (carriesUp).
  const events = mapSimEvents(trace, mailStoreArgs, (ev) => [ev.node], (ev, line) =>
    ev.state.mailboxes !== undefined || carriesUp(ev.action, line === last) ? mailStoreState(ev.state, c.Nodes, c.Users) : {},
  );
  return { header, events };
}

export const mailStoreRefinement: Refinement = {
  module: 'MailStore',
  summary: 'durable mailbox writes (Store, Delete, ReplPersist) and the durability promise of Deliver and Ack',
  actions: mailStoreArgs,
  map: mapMailStore,
};
