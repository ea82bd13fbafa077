// The data behind the trace viewer (porcupine trace view): one row per trace line after the header, lanes
// for the nodes and the clients, arrows between lanes, which nodes are down at each row, each event's spec
// action label (the MailStore refinement's arguments), and the first divergence when the trace fails
// validation. Built in Node, embedded as JSON in the page (src/viewer/page.ts), rendered in the browser.
import { mailStoreArgs, type MailStoreAction } from '../conformance/mailstore.js';
import { parseSimTrace, type SimEvent, type SimTrace } from '../conformance/sim-trace.js';

export interface Lane {
  readonly id: string;
  readonly kind: 'node' | 'client';
}

/** One drawn row. Short keys: a 40,000-line trace embeds 40,000 of these. */
export interface Row {
  /** The 1-based line of the trace file. */
  readonly ln: number;
  /** Virtual time (ms), or -1 for metadata without time. */
  readonly t: number;
  /** 'e' event, 'f' fault, 'p' phase, 'c' checkpoint or end (other metadata). */
  readonly k: 'e' | 'f' | 'p' | 'c';
  /** The acting lane (events), or -1. */
  readonly n: number;
  /** The text of the row: the spec action label `Store("n1","user0","m")`, or the metadata's description. */
  readonly x: string;
  /** Arrows [from lane, to lane]. */
  readonly a: readonly (readonly [number, number])[];
  /** Lanes (nodes) down after this row, given only where it changed from the row before (the page keeps it). */
  readonly d?: readonly number[];
}

export interface ViewModel {
  readonly title: string;
  readonly lanes: readonly Lane[];
  readonly rows: readonly Row[];
  /** The raw trace lines (header first), for the state panel. */
  readonly raw: readonly string[];
  /** When the trace is not a behaviour of the spec: the row index and the validator's explanation. */
  readonly divergence?: { readonly row: number; readonly spec: string; readonly lines: readonly string[] };
}

/** Events a client's session causes (their `args.user` names the client's lane). */
const CLIENT_ACTIONS = new Set(['AcceptRcpt', 'RejectRcpt', 'Ack', 'Authenticate', 'AuthFail', 'List', 'Retrieve', 'Quit']);
/** More client lanes than this and the clients share one lane ("clients"). */
const MAX_CLIENT_LANES = 16;

function label(ev: SimEvent, metaBefore: readonly Readonly<Record<string, unknown>>[]): string {
  const map = Object.hasOwn(mailStoreArgs, ev.action) ? mailStoreArgs[ev.action as MailStoreAction] : undefined;
  const args = map === undefined ? [ev.node] : map(ev, { metaBefore });
  const show = (v: unknown): string => (typeof v === 'object' && v !== null && '#set' in v ? `{${(v as { '#set': unknown[] })['#set'].map(show).join(',')}}` : JSON.stringify(v));
  return `${ev.action}(${args.map(show).join(',')})`;
}

function metaText(m: Readonly<Record<string, unknown>>): string {
  if (m.kind === 'fault') return `fault ${JSON.stringify(m.fault)}`;
  if (m.kind === 'phase') return `phase: ${String(m.phase)}`;
  if (m.kind === 'checkpoint') return `checkpoint ${String(m.n)} (step ${String(m.step)})`;
  if (m.kind === 'end') return `end of run (step ${String(m.step)})`;
  return String(m.kind);
}

export function buildModel(text: string, title: string, divergence?: { line: number; spec: string; lines: readonly string[] }): ViewModel {
  const raw = text.split('\n');
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const trace: SimTrace = parseSimTrace(raw);
  const nodes = [...(trace.header.constants.Nodes ?? [])];
  const users = new Set<string>();
  for (const l of trace.lines) {
    if (!('event' in l)) continue;
    const ev = l.event;
    if (!nodes.includes(ev.node)) nodes.push(ev.node);
    if (CLIENT_ACTIONS.has(ev.action) && typeof ev.args.user === 'string') users.add(ev.args.user);
  }
  const clients = users.size > MAX_CLIENT_LANES ? ['clients'] : [...users].sort();
  const lanes: Lane[] = [...nodes.map((id) => ({ id, kind: 'node' as const })), ...clients.map((id) => ({ id, kind: 'client' as const }))];
  const laneOf = new Map(lanes.map((l, k) => [l.id, k]));
  const clientLane = (user: unknown): number => (clients.length === 1 && clients[0] === 'clients' ? nodes.length : (laneOf.get(String(user)) ?? -1));
  const rows: Row[] = [];
  let down: number[] = nodes.map((_, k) => k);
  let t = 0;
  let divergenceRow: number | undefined;
  // Metadata lines since the last event: the mapping reads them (a disk loss's fault line before its Restart).
  let metaBefore: Readonly<Record<string, unknown>>[] = [];
  for (const l of trace.lines) {
    if (divergence !== undefined && l.line === divergence.line) divergenceRow = rows.length;
    if ('meta' in l) {
      const m = l.meta;
      if (typeof m.t === 'number') t = m.t;
      const k = m.kind === 'fault' ? 'f' : m.kind === 'phase' ? 'p' : 'c';
      rows.push({ ln: l.line, t, k, n: -1, x: metaText(m), a: [] });
      metaBefore.push(m);
      continue;
    }
    const ev = l.event;
    t = ev.t;
    const me = laneOf.get(ev.node) ?? -1;
    const arrows: [number, number][] = [];
    const peer = (v: unknown, into: boolean): void => {
      const p = typeof v === 'string' ? laneOf.get(v) : undefined;
      if (p !== undefined && p !== me) arrows.push(into ? [p, me] : [me, p]);
    };
    const a = ev.args;
    peer(a.from, true);
    peer(a.at, ev.action === 'Deliver');
    peer(a.coordinator, false);
    peer(a.peer, false);
    peer(a.to, false);
    if (Array.isArray(a.targets)) for (const x of a.targets) peer(x, false);
    if ((ev.action === 'AddFragment' || ev.action === 'DropFragment') && typeof a.node === 'string') peer(a.node, false);
    if (CLIENT_ACTIONS.has(ev.action)) {
      const c = clientLane(a.user);
      if (c >= 0) arrows.push(ev.action === 'Ack' || ev.action === 'RejectRcpt' || ev.action === 'AuthFail' ? [me, c] : [c, me]);
    }
    let changed: number[] | undefined;
    if (ev.state.up !== undefined) {
      const up = new Set(ev.state.up);
      const now = nodes.flatMap((id, k) => (up.has(id) ? [] : [k]));
      if (rows.length === 0 || now.join() !== down.join()) changed = now;
      down = now;
    }
    rows.push({ ln: l.line, t, k: 'e', n: me, x: label(ev, metaBefore), a: arrows, ...(changed !== undefined ? { d: changed } : {}) });
    metaBefore = [];
  }
  return {
    title,
    lanes,
    rows,
    raw,
    ...(divergence !== undefined && divergenceRow !== undefined ? { divergence: { row: divergenceRow, spec: divergence.spec, lines: divergence.lines } } : {}),
  };
}
