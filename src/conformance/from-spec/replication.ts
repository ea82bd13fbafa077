// Replaying a PorcupineReplication counterexample against the implementation's replication module
// (src/pure/replication): one message object on nodes n1..nN, driven deterministically. The spec's steps are
// recognised from consecutive states (a state dump need not name its actions) and become inputs:
//   ReplUpdate(n, kind, ts)  an update (store, or delete as a tombstone) started at n; its pushes are sent and
//                            kept in flight (never delivered unless a later step needs them: loss is free)
//   ReplPersist(n, v)        n's write of v completes (its own, or after delivering a push/ack carrying v)
//   ReplDurable(n, v)        the acks in flight to n are delivered; n must then answer v's caller
//   ReplCollect(n, v)        acks and retires delivered, the clock moved past the retention, n's GC timer fires
//   Crash(n) / Boot(n)       soft state and writes in flight lost / booted from the durable state (a lost disk:
//                            from nothing)
// After each step the durable versions and the nodes up, mapped back (each update's timestamp to the spec's
// version it stands for), must equal the spec's `hard` and `up`. Why not src/sim: its scheduler draws the
// interleaving from its seed, and a counterexample prescribes one; the reducers are the same.
import type { Effect } from '../../pure/io.js';
import {
  applyReplicationWrite,
  bootReplication,
  defaultReplicationConfig,
  describeTimestamp,
  emptyReplicationHard,
  messageObjectId,
  stepReplication,
  tombstoneRetentionMs,
  type ReplicationHard,
  type ReplicationInput,
  type ReplicationMessage,
  type ReplicationState,
  type ReplicationStep,
  type ReplicationWrite,
} from '../../pure/replication/index.js';
import type { Counterexample, ReplayOutcome, Translator, TranslatorOptions } from './index.js';
import { replayStates } from './steps.js';
import { setOf } from './values.js';

interface SpecVersion {
  readonly ts: number;
  readonly node: number;
  readonly kind: string;
}

const NONE: SpecVersion = { ts: 0, node: 0, kind: 'none' };
const USER = 'user0';
const MSG = 'ce-message';
const OBJECT = messageObjectId(USER, MSG);

const key = (v: SpecVersion): string => `${v.ts}/${v.node}/${v.kind}`;
const show = (v: SpecVersion): string => (v.kind === 'none' ? 'NoVersion' : `[ts |-> ${v.ts}, node |-> ${v.node}, kind |-> "${v.kind}"]`);

function hardOf(s: Readonly<Record<string, unknown>>): SpecVersion[] {
  const h = s.hard;
  return (Array.isArray(h) ? h : Object.values(h as object)) as SpecVersion[];
}

type Step =
  | { readonly action: 'ReplUpdate'; readonly n: number; readonly v: SpecVersion }
  | { readonly action: 'ReplPersist'; readonly n: number; readonly v: SpecVersion }
  | { readonly action: 'ReplDurable'; readonly n: number; readonly v: SpecVersion }
  | { readonly action: 'ReplCollect'; readonly n: number; readonly v: SpecVersion }
  | { readonly action: 'Crash'; readonly n: number }
  | { readonly action: 'Boot'; readonly n: number; readonly lost: boolean }
  | { readonly action: 'FaultsStop' | 'stutter' };

/** The spec step between two states (its actions change disjoint parts, one per step). */
function recognise(s: Readonly<Record<string, unknown>>, t: Readonly<Record<string, unknown>>): Step {
  const upS = new Set(setOf(s.up) as number[]);
  const upT = new Set(setOf(t.up) as number[]);
  const hs = hardOf(s);
  const ht = hardOf(t);
  for (const n of upT) if (!upS.has(n)) return { action: 'Boot', n, lost: ht[n - 1].kind === 'none' && hs[n - 1].kind !== 'none' };
  for (const n of upS) if (!upT.has(n)) return { action: 'Crash', n };
  const netS = new Set((setOf(s.net) as SpecVersion[]).map(key));
  const added = (setOf(t.net) as SpecVersion[]).find((v) => !netS.has(key(v)));
  if (added !== undefined) return { action: 'ReplUpdate', n: added.node, v: added };
  for (let k = 0; k < ht.length; k++) {
    if (key(hs[k]) === key(ht[k])) continue;
    return ht[k].kind === 'none' ? { action: 'ReplCollect', n: k + 1, v: hs[k] } : { action: 'ReplPersist', n: k + 1, v: ht[k] };
  }
  for (const [flag, kind] of [['acked', 'msg'], ['confirmed', 'tomb']] as const) {
    if (s[flag] === true || t[flag] !== true) continue;
    // The answered caller's version: the newest of that kind with the most durable holders.
    const cands = (setOf(t.net) as SpecVersion[]).filter((v) => v.kind === kind);
    const holders = (v: SpecVersion): number => ht.filter((h) => h.ts > v.ts || (h.ts === v.ts && h.node >= v.node)).length;
    const v = cands.sort((a, b) => holders(b) - holders(a) || b.ts - a.ts)[0];
    if (v !== undefined) return { action: 'ReplDurable', n: v.node, v };
  }
  if (s.faults === true && t.faults === false) return { action: 'FaultsStop' };
  return { action: 'stutter' };
}

interface Sent {
  readonly from: string;
  readonly to: string;
  readonly message: ReplicationMessage;
}

interface Replica {
  up: boolean;
  incarnation: number;
  state: ReplicationState | undefined;
  durable: ReplicationHard;
  pending: { readonly id: number; readonly write: ReplicationWrite }[];
}

class Driver {
  readonly nodes: string[];
  readonly replicas = new Map<string, Replica>();
  net: Sent[] = [];
  now = 1_000;
  private readonly answered = new Set<string>();
  /** Implementation timestamp (describeTimestamp) ↔ the spec version it stands for. */
  readonly implOf = new Map<string, string>();
  readonly specOf = new Map<string, SpecVersion>();
  inputs: string[] = [];

  constructor(
    count: number,
    private readonly ackReplicas: number,
  ) {
    this.nodes = Array.from({ length: count }, (_, k) => `n${k + 1}`);
    for (const n of this.nodes) this.replicas.set(n, { up: false, incarnation: 0, state: undefined, durable: emptyReplicationHard(), pending: [] });
  }

  private env() {
    this.now += 10;
    return { now: this.now, entropy: 0 };
  }

  private absorb(node: string, r: ReplicationStep): void {
    const rep = this.replicas.get(node) as Replica;
    rep.state = r.state;
    for (const e of r.effects as readonly (Effect | { kind: 'persist'; id: number; write: ReplicationWrite } | { kind: 'send'; to: string; message: ReplicationMessage })[]) {
      if (e.kind === 'persist') rep.pending.push({ id: e.id, write: e.write as ReplicationWrite });
      else if (e.kind === 'send') this.net.push({ from: node, to: e.to, message: e.message as ReplicationMessage });
    }
    for (const ev of r.events) if (ev.kind === 'durable') this.answered.add(`${node}|${describeTimestamp(ev.ts)}`);
  }

  private step(node: string, input: ReplicationInput): void {
    const rep = this.replicas.get(node) as Replica;
    if (rep.state === undefined) return;
    this.absorb(node, stepReplication(rep.state, input, this.env()));
  }

  boot(node: string, lost: boolean): void {
    const rep = this.replicas.get(node) as Replica;
    if (lost) rep.durable = emptyReplicationHard();
    rep.up = true;
    rep.incarnation++;
    this.inputs.push(`boot ${node}${lost ? ' with an empty disk' : ''}`);
    this.absorb(node, bootReplication(node, rep.durable, this.env(), defaultReplicationConfig, -(rep.incarnation * 2 ** 32) - 1));
    this.completeAll(node, (w) => w.kind !== 'replPut' && w.kind !== 'replObjectDrop');
  }

  crash(node: string): void {
    const rep = this.replicas.get(node) as Replica;
    Object.assign(rep, { up: false, state: undefined, pending: [] });
    this.inputs.push(`crash ${node} (writes in flight lost)`);
  }

  update(node: string, v: SpecVersion): boolean {
    const value = v.kind === 'msg' ? ({ kind: 'message', user: USER, msgId: MSG, body: 'ce', sizeBytes: 2 } as const) : ({ kind: 'tombstone', user: USER, msgId: MSG } as const);
    const rep = this.replicas.get(node) as Replica;
    const before = rep.pending.length;
    this.inputs.push(`${v.kind === 'msg' ? 'store' : 'delete'} at ${node}`);
    this.step(node, { kind: 'update', request: { ref: `ref${key(v)}`, value, targets: this.nodes, ackReplicas: this.ackReplicas } });
    const w = rep.pending.slice(before).find((p) => p.write.kind === 'replPut');
    if (w === undefined || w.write.kind !== 'replPut') return false;
    const t = describeTimestamp(w.write.object.ts);
    this.implOf.set(key(v), t);
    this.specOf.set(t, v);
    return true;
  }

  /** Completes n's writes in order, up to and including the first that `until` matches (or all of `which`). */
  private completeAll(node: string, which: (w: ReplicationWrite) => boolean): void {
    const rep = this.replicas.get(node) as Replica;
    for (const p of [...rep.pending]) if (which(p.write)) this.complete(node, p.id);
  }

  private complete(node: string, id: number): void {
    const rep = this.replicas.get(node) as Replica;
    const k = rep.pending.findIndex((p) => p.id === id);
    if (k < 0) return;
    // Writes complete in order: the earlier ones first.
    for (const p of rep.pending.slice(0, k + 1)) {
      rep.durable = applyReplicationWrite(rep.durable, p.write);
      rep.pending = rep.pending.filter((q) => q.id !== p.id);
      this.step(node, { kind: 'persisted', id: p.id });
    }
  }

  private pendingPut(node: string, ts: string): number | undefined {
    return (this.replicas.get(node) as Replica).pending.find((p) => p.write.kind === 'replPut' && describeTimestamp(p.write.object.ts) === ts)?.id;
  }

  private deliver(match: (s: Sent) => boolean, what: string): boolean {
    const k = this.net.findIndex((s) => match(s) && this.replicas.get(s.to)?.up === true);
    if (k < 0) return false;
    const [s] = this.net.splice(k, 1);
    this.inputs.push(`deliver ${s.message.kind} ${s.from} → ${s.to}${what}`);
    this.step(s.to, { kind: 'message', from: s.from, message: s.message });
    return true;
  }

  persist(node: string, v: SpecVersion): string | undefined {
    const ts = this.implOf.get(key(v));
    if (ts === undefined) return `no update of the implementation stands for ${show(v)}`;
    let id = this.pendingPut(node, ts);
    if (id === undefined) {
      const carries = (m: ReplicationMessage): boolean =>
        (m.kind === 'replPush' && describeTimestamp(m.object.ts) === ts) || (m.kind === 'replAck' && m.newer !== undefined && describeTimestamp(m.newer.ts) === ts);
      if (!this.deliver((s) => s.to === node && carries(s.message), '')) {
        return `no push or ack carrying ${ts} is in flight to ${node} (the implementation has not sent one)`;
      }
      id = this.pendingPut(node, ts);
      if (id === undefined) return `${node} received ${ts} and wrote nothing (it holds that version or a newer one)`;
    }
    this.inputs.push(`complete ${node}'s write of ${ts}`);
    this.complete(node, id);
    return undefined;
  }

  durableAnswer(node: string, v: SpecVersion): string | undefined {
    const ts = this.implOf.get(key(v));
    if (ts === undefined) return `no update of the implementation stands for ${show(v)}`;
    while (this.deliver((s) => s.to === node && s.message.kind === 'replAck', '')) {
      if (this.answered.has(`${node}|${ts}`)) break;
    }
    return this.answered.has(`${node}|${ts}`) ? undefined : `${node} did not answer the caller of ${ts} (too few copies acknowledged)`;
  }

  collect(node: string, v: SpecVersion): string | undefined {
    // Acks, retires and the re-pushes they cause, until nothing more arrives at a node up.
    for (let k = 0; k < 100 && this.deliver((s) => s.message.kind === 'replAck' || s.message.kind === 'replRetire', ''); k++) {
      for (const n of this.nodes) this.completeAll(n, () => true);
    }
    const limits = defaultReplicationConfig.limits;
    this.now += limits.logRetentionMs + tombstoneRetentionMs(limits) + 1;
    this.inputs.push(`clock +${limits.logRetentionMs + tombstoneRetentionMs(limits)} ms, GC timer at ${node}`);
    this.step(node, { kind: 'timer', timer: 'repl:gc' });
    this.completeAll(node, (w) => w.kind === 'replObjectDrop');
    return (this.replicas.get(node) as Replica).durable.objects.get(OBJECT) === undefined ? undefined : `${node} did not collect ${show(v)}`;
  }

  /** The implementation's state as the spec's `hard` and `up`. */
  abstract(): { hard: string[]; up: number[] } {
    const hard = this.nodes.map((n) => {
      const o = (this.replicas.get(n) as Replica).durable.objects.get(OBJECT);
      if (o === undefined) return show(NONE);
      const v = this.specOf.get(describeTimestamp(o.ts));
      return v === undefined ? `unknown version ${describeTimestamp(o.ts)}` : show(v);
    });
    return { hard, up: this.nodes.flatMap((n, k) => ((this.replicas.get(n) as Replica).up ? [k + 1] : [])) };
  }
}

function compare(d: Driver, spec: Readonly<Record<string, unknown>>): (readonly [string, string, string])[] {
  const impl = d.abstract();
  const out: [string, string, string][] = [];
  hardOf(spec).forEach((v, k) => {
    if (show(v) !== impl.hard[k]) out.push([`hard[${k + 1}]`, show(v), impl.hard[k]]);
  });
  const up = (setOf(spec.up) as number[]).slice().sort((a, b) => a - b);
  if (JSON.stringify(up) !== JSON.stringify(impl.up)) out.push(['up', `{${up.join(', ')}}`, `{${impl.up.join(', ')}}`]);
  return out;
}

function label(s: Step): string {
  switch (s.action) {
    case 'ReplUpdate':
      return `ReplUpdate(${s.n}, "${s.v.kind}", ${s.v.ts})`;
    case 'ReplPersist':
    case 'ReplDurable':
    case 'ReplCollect':
      return `${s.action}(${s.n}, ${show(s.v)})`;
    case 'Crash':
      return `Crash(${s.n})`;
    case 'Boot':
      return s.lost ? `Restart(${s.n}, TRUE) then Boot(${s.n})` : `Boot(${s.n})`;
    case 'FaultsStop':
    case 'stutter':
      return s.action;
  }
}

function run(ce: Counterexample, options: TranslatorOptions): ReplayOutcome {
  const d = new Driver(hardOf(ce.states[0]).length, options.ackReplicas);
  return replayStates<Step>(ce, {
    // The spec's Init lets any nodes be up: boot those.
    init: (first) => {
      for (const n of (setOf(first.up) as number[]).slice().sort((a, b) => a - b)) d.boot(`n${n}`, false);
    },
    recognise,
    label,
    apply: (s) => {
      const node = 'n' in s ? `n${s.n}` : '';
      switch (s.action) {
        case 'Boot':
          d.boot(node, s.lost);
          return undefined;
        case 'Crash':
          d.crash(node);
          return undefined;
        case 'ReplUpdate':
          return d.update(node, s.v) ? undefined : `${node} did not start the update (it rejected it)`;
        case 'ReplPersist':
          return d.persist(node, s.v);
        case 'ReplDurable':
          return d.durableAnswer(node, s.v);
        case 'ReplCollect':
          return d.collect(node, s.v);
        case 'FaultsStop':
        case 'stutter':
          return undefined;
      }
    },
    takeInputs: () => {
      const inputs = d.inputs;
      d.inputs = [];
      return inputs;
    },
    compare: (spec) => compare(d, spec),
  });
}

export const replicationTranslator: Translator = {
  module: 'PorcupineReplication',
  summary: 'one message on nodes n1..nN through src/pure/replication: updates, pushes and acks delivered or left in flight, writes completed, crashes, boots, disk loss, GC',
  recognises: (vars) => ['hard', 'net', 'up', 'acked'].every((v) => vars.includes(v)),
  replay: run,
};
