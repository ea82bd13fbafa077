// A real cluster's trace (issue 8): each node process writes its own NDJSON file (src/runtime/trace-file.ts) with
// the simulator's event lines but no `state` (a node cannot see the cluster). This merges the per-node files into
// one simulator-format trace that the MailStore mapping and `porcupine tla validate` accept unchanged.
//
// Order. Events of one file keep their order. Across files, when every header names the same host boot
// (`runtime.bootId`), events are ordered by `mono`, the host's monotonic clock in µs read as each event is
// written: a node writes an event before it sends the step's messages, and a receiver writes its events after
// it received them, so every message between nodes — the only way one node's step can depend on another's —
// goes forward in the merged order (the spec's cross-node guards, Deliver and Ack, follow a ReplPersist at
// another node by at least one message). Files from several hosts or boots fall back to the wall clock `t`,
// which is only as good as the clocks' synchronisation (docs/runtime-traces.md). Ties go to node id, then `i`.
//
// State. The spec's `up` follows from the events: a node is up from its Boot. A second Boot of a node that is
// up (a reboot from disk after a failed write, or a process started again on the same file) gets a Crash and a
// Restart inserted before it; when its incarnation did not grow, the data directory was replaced and the Restart
// loses the disk (a `loseDisk` fault line, as the simulator writes). `mail` is not given (it follows from the
// steps, like the simulator's `stored` mode).
import { TlaError } from '../tla/api.js';
import { forEachJsonObject } from '../tla/trace/ndjson.js';
import { simTraceFromObjects, type SimTrace } from './sim-trace.js';

interface RuntimeHeader {
  readonly kind: 'header';
  readonly spec: string;
  readonly constants: { readonly Nodes?: readonly string[] };
  readonly version?: string;
  readonly config?: unknown;
  readonly runtime: { readonly node: string; readonly bootId?: string };
}

interface RuntimeEvent {
  readonly i: number;
  readonly t: number;
  readonly mono?: number;
  readonly node: string;
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Which file, and the event's place in it (keeps a file's own order). */
  readonly file: number;
  readonly seq: number;
}

type Json = Record<string, unknown>;

/** True when the text's first line is a runtime node's trace header. */
export function isRuntimeTrace(text: string): boolean {
  const first = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')).trim();
  try {
    const j = JSON.parse(first) as Json;
    return j.kind === 'header' && typeof j.runtime === 'object' && j.runtime !== null;
  } catch {
    return false;
  }
}

function readFile(text: string, file: number, name: string): { headers: RuntimeHeader[]; events: RuntimeEvent[] } {
  const headers: RuntimeHeader[] = [];
  const events: RuntimeEvent[] = [];
  forEachJsonObject(text, (j, line) => {
    if (j.kind === 'header') {
      if (typeof j.runtime !== 'object' || j.runtime === null) throw new TlaError('trace', `${name} line ${line}: not a runtime node's trace header (no "runtime")`);
      headers.push(j as unknown as RuntimeHeader);
      return;
    }
    if (headers.length === 0) throw new TlaError('trace', `${name} line ${line}: event before the header`);
    if (typeof j.action !== 'string' || typeof j.node !== 'string') throw new TlaError('trace', `${name} line ${line}: an event needs "node" and "action"`);
    const args = typeof j.args === 'object' && j.args !== null ? (j.args as Json) : {};
    events.push({ i: Number(j.i), t: Number(j.t), mono: typeof j.mono === 'number' ? j.mono : undefined, node: j.node, action: j.action, args, file, seq: events.length });
  });
  if (headers.length === 0) throw new TlaError('trace', `${name}: empty trace (no header line)`);
  return { headers, events };
}

/** A k-way merge: each file's events stay in file order; the smallest next key goes first (ties: node id, file). */
function mergeOrdered(files: readonly (readonly RuntimeEvent[])[], key: (e: RuntimeEvent) => number): RuntimeEvent[] {
  const at = files.map(() => 0);
  const out: RuntimeEvent[] = [];
  for (;;) {
    let best = -1;
    for (let f = 0; f < files.length; f++) {
      const e = files[f][at[f]];
      if (e === undefined) continue;
      const b = best < 0 ? undefined : files[best][at[best]];
      if (b === undefined || key(e) < key(b) || (key(e) === key(b) && e.node < b.node)) best = f;
    }
    if (best < 0) return out;
    out.push(files[best][at[best]++]);
  }
}

export interface MergedRuntimeTrace {
  readonly trace: SimTrace;
  /** 'mono' (one host boot: the monotonic clock) or 'wall' (wall-clock `t`). */
  readonly orderedBy: 'mono' | 'wall';
}

/** Merges per-node runtime traces (file texts, any order) into one simulator-format trace. */
export function mergeRuntimeTraces(files: readonly { readonly name: string; readonly text: string }[]): MergedRuntimeTrace {
  const read = files.map((f, k) => readFile(f.text, k, f.name));
  const headers = read.flatMap((r) => r.headers);
  const boots = new Set(headers.map((h) => h.runtime.bootId));
  const byMono = boots.size === 1 && !boots.has(undefined) && read.every((r) => r.events.every((e) => e.mono !== undefined));
  const events = mergeOrdered(read.map((r) => r.events), (e) => (byMono ? (e.mono ?? 0) : e.t));
  const nodes = [...new Set(headers.flatMap((h) => [...(h.constants.Nodes ?? []), h.runtime.node]))].sort();
  const first = headers[0];
  const objs: Json[] = [{ kind: 'header', spec: first.spec, constants: { Nodes: nodes }, seed: 0, version: first.version, config: first.config, runtime: { merged: files.map((f) => f.name), orderedBy: byMono ? 'mono' : 'wall' } }];
  const up = new Set<string>();
  const incarnations = new Map<string, number>();
  let i = 0;
  const push = (node: string, action: string, args: Json, t: number): void => {
    objs.push({ i: ++i, t, node, action, args, state: { up: [...up].sort() } });
  };
  for (const e of events) {
    if (e.action === 'Boot') {
      const inc = Number(e.args.incarnation);
      if (up.has(e.node)) {
        up.delete(e.node);
        push(e.node, 'Crash', { node: e.node }, e.t);
        if (!(inc > (incarnations.get(e.node) ?? 0))) objs.push({ kind: 'fault', fault: { kind: 'loseDisk', node: e.node }, t: e.t });
        push(e.node, 'Restart', { node: e.node }, e.t);
      }
      incarnations.set(e.node, inc);
      up.add(e.node);
    }
    push(e.node, e.action, e.args as Json, e.t);
  }
  return { trace: simTraceFromObjects(objs), orderedBy: byMono ? 'mono' : 'wall' };
}
