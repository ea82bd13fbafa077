// The refinement mapping from simulator traces (src/sim/trace.ts, `trace.state: 'mailboxes'`) to the variables
// and action labels of spec/MailStore.tla (docs/spec.md). The simulator writes what the cluster holds; the spec
// wants fixed-domain functions and sets, and action arguments in its own parameter order, so each event line
// is rewritten here:
//   state {up: ["n1", ...], mailboxes: {user: {node: [ids]}}}  →  {up: {"#set"}, mail: [node → [user → {"#set"}]]}
//   args  (per action, below)                                  →  the values of the label's \E bindings
// Metadata lines (checkpoint, phase, fault, end) become blank lines, so a failure's line number is the line
// of the original trace. The header's constants become the spec's (Nodes, Users, Msgs, AckCodes), and the id
// sets the trace's Deletes name become DeleteSets.
import { traceActions, type TraceAction } from '../../src/pure/trace-actions.js';
import { SIM_TRACE_ACTIONS, USER_PREFIX, type SimTraceAction } from '../../src/sim/index.js';

/** The spec module the mapped trace is validated against. */
export const SPEC_MODULE = 'MailStore';

/**
 * Events the simulator itself records (src/sim/faults.ts: Crash, Restart), listed in src/sim/trace.ts: they are
 * not reducer effects, so they are not in src/pure/trace-actions.ts.
 */
export const simTraceActions: readonly SimTraceAction[] = SIM_TRACE_ACTIONS;
export type MappedAction = TraceAction | SimTraceAction;

/** A raw simulator event line. */
interface RawEvent {
  readonly i: number;
  readonly node: string;
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly state: { readonly up?: readonly string[]; readonly mailboxes?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> };
}

type ArgMap = (ev: RawEvent) => readonly unknown[];

/** The ids a Delete names (the request's `msgIds`; the spec removes exactly these, absent ones are no-ops). */
function deleteIds(ev: RawEvent): string[] {
  const ids = Array.isArray(ev.args.msgIds) ? (ev.args.msgIds as unknown[]) : [];
  return [...new Set(ids.filter((m): m is string => typeof m === 'string'))].sort(byText);
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const nodeOnly: ArgMap = (ev) => [ev.node];

/**
 * The spec's label arguments for each action: the acting node (the event's `node`) first, then the `\E`
 * bindings of MailStore's Next in order. Keys are exactly the trace action names (the type makes the table
 * exhaustive; names-in-sync.test.ts compares it with the spec's Next).
 */
export const argMapping: Readonly<Record<MappedAction, ArgMap>> = {
  Boot: nodeOnly,
  Crash: nodeOnly,
  Restart: nodeOnly,
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
export const mappedActions: readonly MappedAction[] = [...traceActions, ...simTraceActions];

function isMapped(a: string): a is MappedAction {
  return Object.hasOwn(argMapping, a);
}

/** The spec variables for one event's state. */
export function mapState(state: RawEvent['state'], nodes: readonly string[], users: readonly string[]): Record<string, unknown> {
  if (state.up === undefined || state.mailboxes === undefined) {
    throw new Error("the trace's state has no mailboxes: record it with trace.state 'mailboxes' (porcupine sim --trace-state mailboxes)");
  }
  const boxes = state.mailboxes;
  const mail: Record<string, Record<string, unknown>> = {};
  for (const n of nodes) {
    mail[n] = {};
    for (const u of users) mail[n][u] = { '#set': [...(boxes[u]?.[n] ?? [])] };
  }
  return { up: { '#set': [...state.up] }, mail };
}

export interface MappedTrace {
  /** NDJSON for `porcupine tla validate spec/MailStore.tla` (header first, one line per input line). */
  readonly lines: string[];
  readonly constants: {
    readonly Nodes: string[];
    readonly Users: string[];
    readonly Msgs: string[];
    readonly AckCodes: number[];
    /** Every set of ids a Delete names (sorted, deduplicated by content). */
    readonly DeleteSets: string[][];
  };
  readonly events: number;
}

function isEvent(j: Record<string, unknown>): j is Record<string, unknown> & RawEvent {
  return typeof j.action === 'string';
}

/** The constants a trace needs: its nodes, provisioned users plus any it names, every id and code it uses. */
function collectConstants(header: Record<string, unknown>, events: readonly RawEvent[]): MappedTrace['constants'] {
  const hc = (header.constants ?? {}) as { Nodes?: string[]; Users?: number };
  const nodes = [...(hc.Nodes ?? [])];
  const users = new Set<string>(Array.from({ length: hc.Users ?? 0 }, (_, k) => `${USER_PREFIX}${k}`));
  const msgs = new Set<string>();
  const codes = new Set<number>([250]);
  const deleteSets = new Map<string, string[]>();
  for (const ev of events) {
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
    DeleteSets: [...deleteSets.values()],
  };
}

/** Maps a whole simulator trace (its lines, header first). Unknown action names pass through unchanged. */
export function mapTrace(rawLines: readonly string[]): MappedTrace {
  const parsed = rawLines.map((l) => (l.trim() === '' ? undefined : (JSON.parse(l) as Record<string, unknown>)));
  const header = parsed[0];
  if (header === undefined || header.kind !== 'header') throw new Error('line 1: expected the simulator header ({"kind":"header",...})');
  const events = parsed.filter((j): j is Record<string, unknown> & RawEvent => j !== undefined && isEvent(j));
  const constants = collectConstants(header, events);
  const set = (xs: readonly unknown[]): unknown => ({ '#set': xs });
  const mappedHeader = {
    module: SPEC_MODULE,
    constants: {
      Nodes: set(constants.Nodes),
      Users: set(constants.Users),
      Msgs: set(constants.Msgs),
      AckCodes: set(constants.AckCodes),
      DeleteSets: set(constants.DeleteSets.map(set)),
    },
    source: { spec: header.spec, seed: header.seed, version: header.version },
  };
  const lines = parsed.map((j, k) => {
    if (k === 0) return JSON.stringify(mappedHeader);
    if (j === undefined || !isEvent(j)) return '';
    const args = isMapped(j.action) ? argMapping[j.action](j) : [j.node];
    return JSON.stringify({ i: j.i, action: j.action, args, state: mapState(j.state, constants.Nodes, constants.Users) });
  });
  return { lines, constants, events: events.length };
}
