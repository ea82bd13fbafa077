// Replaying a PorcupineMail counterexample against the implementation: the real node reducer
// (src/sim/porcupine-reducer.ts) on the simulator's World (src/sim/world.ts), nodes named as in the spec,
// scheduled by hand (WorldHooks.takeEffect): every message sent is held until a step needs it (messages no
// step needs are lost), every write is held until the step that issued it ends (then it completes, in
// order), and no timer ever fires (retries, pings and the load ring are the spec's stuttering; a timer the
// counterexample needs would be a step this translator does not drive). The spec's steps are recognised from
// consecutive states and become inputs:
//   Boot(n)                 n boots (a restart after a crash: World.restart, with a Restart(n, FALSE) event)
//   Crash(n)                n crashes (soft state, writes in flight lost)
//   Restart(n, TRUE)        n's disk is wiped while it is down (the simulator's loseDisk)
//   Store(n, u, m)          a storeMsg from a proxy at n; its write completes
//   Delete(n, u, ms)        a deleteMsgs (POP QUIT) for the ids the spec removed; its write completes
//   AddFragment(n, u, from) the newest fragment notice `from` sent n about u is delivered (Notify), then n's ack
//   DropFragment(n, u, from)
//                           (no notice left: the sender's retry timer fires first; or the sender's report to
//                           the new manager is delivered instead, see `notice`)
//   NoticeAck(h, u)         h's newest notice about u is delivered (the map is already right), then the ack
//   ReconstructSoftState(n, e, map, members, rejoined, changed)
//                           round 1 and round 3 of the membership delivered to n (memNewGroup, memCommit) for
//                           the view <<e, map, members>>: n installs it, resets its mail map and sends reports
//   ApplyReport(n, from, ...) (the model's Report) the newest report `from` sent n is delivered, then the ack
//                           (n keeps a report of a view it has not installed, applying it at that install)
//   Ack, FaultsStop, and steps that change nothing the replay compares: stuttering (Ack changes only the
//                           history variable `acked`, which the forward mapping infers and no node holds)
// Not driven (the replay stops there and says so): ReplPersist of a tombstone that removes mail (the model's
// replicated delete; the nodes here run unreplicated, as the model's AckReplicas 1).
//
// After each step the implementation is mapped back through the forward mapping (src/conformance/mail.ts,
// mailstore.ts): the trace events the step produced become spec labels (mailArgs), and the nodes' durable
// mailboxes and `up` become the spec's `up` and `mail` (mailStoreState). Matching is by subsequence: of the
// mapped events, those whose spec action changes a variable (Store, Delete, AddFragment, ...) must start with
// the recognised step, and any after it are spec steps the implementation took at once, kept "ahead" until the
// counterexample takes them (see takenAhead, match); the others (Ready, Deliver, Ack, lookups, membership
// chatter) are the implementation's internal steps, stuttering in the spec. Then `up`, `mail`, and for the nodes up the soft state the forward
// mapping leaves to the steps, read from the nodes themselves (`mmap`: the manager's mail map; `mgr`: the
// user map), must equal the spec's. Spec users are given implementation names whose bucket has the spec's
// boot-time manager (the spec's InitMap is a constant, the implementation's map a hash).
import { emptyHardState, type HardWrite } from '../../pure/hard-state.js';
import { bucketOf } from '../../pure/hash.js';
import type { Effect, Input } from '../../pure/io.js';
import type { Message } from '../../pure/messages.js';
import type { NodeState } from '../../pure/node-state.js';
import { noticeTimer } from '../../pure/mailbox/mailbox.js';
import { fragmentNodes } from '../../pure/soft-state/mail-map.js';
import { initialUserMap } from '../../pure/user-map/user-map.js';
import { NO_FAULTS } from '../../sim/config.js';
import { TlaError } from '../../tla/api.js';
import { porcupineReducer, simCheckPassword } from '../../sim/porcupine-reducer.js';
import { Prng } from '../../sim/prng.js';
import { mailboxes } from '../../sim/trace.js';
import { World } from '../../sim/world.js';
import { mailArgs } from '../mail.js';
import { mailStoreState } from '../mailstore.js';
import type { SimEvent } from '../sim-trace.js';
import type { Counterexample, ReplayOutcome, Translator } from './index.js';
import { replayStates } from './steps.js';
import { recordOf, setOf, showSet, stringSet } from './values.js';

type State = Readonly<Record<string, unknown>>;

type Step =
  | { readonly action: 'Boot' | 'Crash'; readonly n: string }
  | { readonly action: 'Restart'; readonly n: string }
  | { readonly action: 'Store'; readonly n: string; readonly u: string; readonly m: string }
  | { readonly action: 'Delete'; readonly n: string; readonly u: string; readonly ms: readonly string[] }
  | { readonly action: 'AddFragment' | 'DropFragment'; readonly n: string; readonly u: string; readonly from: string }
  | { readonly action: 'NoticeAck'; readonly n: string; readonly u: string }
  | { readonly action: 'Ack' }
  | {
      readonly action: 'ReconstructSoftState';
      readonly n: string;
      readonly e: number;
      readonly map: Readonly<Record<string, readonly [string, number]>>;
      readonly members: readonly string[];
      readonly rejoined: boolean;
      readonly changed: readonly string[];
    }
  | {
      readonly action: 'ApplyReport';
      readonly n: string;
      readonly from: string;
      readonly reported: readonly string[];
      readonly removed: readonly string[];
      readonly cover: readonly string[];
    }
  /** A step the replay does not drive (see the header). */
  | { readonly action: 'ReplPersist'; readonly n: string }
  | { readonly action: 'FaultsStop' | 'stutter' };

/** The spec actions that change a variable: of the implementation's mapped events, only these must match. */
const CHANGING = new Set(['Boot', 'Crash', 'Restart', 'Store', 'Delete', 'AddFragment', 'DropFragment', 'ReconstructSoftState', 'ApplyReport', 'ReplPersist', 'ReplUpdate', 'ReplApply']);

const at2 = (s: State, v: string, a: string, b: string): unknown => recordOf(recordOf(s[v])[a])[b];
/** What one cell `v[a][b]` (a set) gained and lost from state `s` to state `t`. */
function cellChange(s: State, t: State, v: string, a: string, b: string): { added: string[]; removed: string[] } {
  const before = stringSet(at2(s, v, a, b));
  const after = stringSet(at2(t, v, a, b));
  return { added: minus(after, before), removed: minus(before, after) };
}
const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
const minus = (a: readonly string[], b: readonly string[]): string[] => a.filter((x) => !b.includes(x));

/** The spec's nodes and users (the domains of `mail`). */
function domains(s: State): { nodes: string[]; users: string[] } {
  const nodes = Object.keys(recordOf(s.mail)).sort();
  return { nodes, users: Object.keys(recordOf(recordOf(s.mail)[nodes[0]])).sort() };
}

/** The spec step between two states: PorcupineMail's actions change these variables first (see each case). */
function recognise(s: State, t: State): Step {
  const { nodes, users } = domains(s);
  const upS = stringSet(s.up);
  const upT = stringSet(t.up);
  for (const n of minus(upT, upS)) return { action: 'Boot', n };
  for (const n of minus(upS, upT)) return { action: 'Crash', n };
  for (const n of nodes) if (!same(recordOf(s.epoch)[n], recordOf(t.epoch)[n]) || !same(recordOf(s.mgr)[n], recordOf(t.mgr)[n])) return installStep(s, t, n, nodes, users);
  for (const from of nodes) {
    const cover = minus(stringSet(recordOf(s.owe)[from]), stringSet(recordOf(t.owe)[from]));
    if (cover.length > 0) return reportStep(s, from, cover);
  }
  for (const n of nodes) {
    // A lost disk: every fragment of a node that is down emptied at once.
    const emptied = users.some((u) => stringSet(at2(s, 'mail', n, u)).length > 0) && users.every((u) => stringSet(at2(t, 'mail', n, u)).length === 0);
    if (!upS.includes(n) && emptied) return { action: 'Restart', n };
    for (const u of users) {
      const { added, removed } = cellChange(s, t, 'mail', n, u);
      if (added.length > 0) return { action: 'Store', n, u, m: added[0] };
      if (removed.length > 0) return same(s.covered, t.covered) ? { action: 'Delete', n, u, ms: removed } : { action: 'ReplPersist', n };
    }
  }
  for (const n of nodes) {
    for (const u of users) {
      const { added, removed } = cellChange(s, t, 'mmap', n, u);
      if (added.length > 0) return { action: 'AddFragment', n, u, from: added[0] };
      if (removed.length > 0) return { action: 'DropFragment', n, u, from: removed[0] };
    }
  }
  for (const n of nodes) {
    const gone = minus(stringSet(recordOf(s.notice)[n]), stringSet(recordOf(t.notice)[n]));
    if (gone.length > 0) return { action: 'NoticeAck', n, u: gone[0] };
  }
  if (!same(s.acked, t.acked)) return { action: 'Ack' };
  if (s.faults === true && t.faults === false) return { action: 'FaultsStop' };
  return { action: 'stutter' };
}

/**
 * ReconstructSoftState(n, e, map, members, rejoined, changed) with the arguments the states leave open
 * inferred: `rejoined` when n owes reports on users whose entry did not change (and it had joined before);
 * `members` every node but those that left an entry n kept (the states do not name the view's members; the
 * model's views have every node as a member).
 */
function installStep(s: State, t: State, n: string, nodes: readonly string[], users: readonly string[]): Step {
  const epochBefore = recordOf(s.epoch)[n];
  const e = recordOf(t.epoch)[n];
  const map: Record<string, readonly [string, number]> = {};
  for (const u of users) {
    const entry = at2(t, 'mgr', n, u) as [string, number];
    map[u] = [entry[0], Number(entry[1])];
  }
  const moved = users.filter((u) => !same(at2(s, 'mgr', n, u), at2(t, 'mgr', n, u)));
  const owes = minus(stringSet(recordOf(t.owe)[n]), stringSet(recordOf(s.owe)[n]));
  const rejoined = epochBefore !== 0 && owes.some((u) => !moved.includes(u));
  const changed = epochBefore === 0 || rejoined ? [...users] : moved;
  const left = new Set(
    users.flatMap((u) => {
      const after = stringSet(at2(t, 'mmap', n, u));
      return after.length === 0 ? [] : minus(stringSet(at2(s, 'mmap', n, u)), after);
    }),
  );
  return { action: 'ReconstructSoftState', n, e: Number(e), map, members: nodes.filter((m) => !left.has(m)), rejoined, changed };
}

/** The model's Report(n, from): the manager n of the users `from` no longer owes a report on (`cover`). */
function reportStep(s: State, from: string, cover: readonly string[]): Step {
  const entry = at2(s, 'mgr', from, cover[0]);
  const n = Array.isArray(entry) ? String(entry[0]) : '';
  const holds = (u: string): boolean => stringSet(at2(s, 'mail', from, u)).length > 0;
  return {
    action: 'ApplyReport',
    n,
    from,
    reported: cover.filter(holds),
    removed: cover.filter((u) => !holds(u) && stringSet(at2(s, 'mmap', n, u)).includes(from)),
    cover,
  };
}

function label(s: Step): string {
  const q = (x: string): string => JSON.stringify(x);
  switch (s.action) {
    case 'Boot':
    case 'Crash':
      return `${s.action}(${q(s.n)})`;
    case 'Restart':
      return `Restart(${q(s.n)}, TRUE)`;
    case 'Store':
      return `Store(${q(s.n)}, ${q(s.u)}, ${q(s.m)})`;
    case 'Delete':
      return `Delete(${q(s.n)}, ${q(s.u)}, ${showSet(s.ms)})`;
    case 'AddFragment':
    case 'DropFragment':
      return `${s.action}(${q(s.n)}, ${q(s.u)}, ${q(s.from)})`;
    case 'NoticeAck':
      return `NoticeAck(${q(s.n)}, ${q(s.u)})`;
    case 'ReconstructSoftState':
      return `ReconstructSoftState(${[s.n, s.e, s.map, { '#set': s.members }, s.rejoined, { '#set': s.changed }].map(render).join(', ')})`;
    case 'ApplyReport':
      return `ApplyReport(${[s.n, s.from, { '#set': s.reported }, { '#set': s.removed }, { '#set': s.cover }].map(render).join(', ')})`;
    case 'ReplPersist':
      return `${s.action}(${q(s.n)}, ...)`;
    case 'Ack':
    case 'FaultsStop':
    case 'stutter':
      return s.action;
  }
}

/** Entropy 0 at every step: the replay draws nothing at random. */
class ZeroEntropy extends Prng {
  constructor() {
    super(0);
  }

  override nextU32(): number {
    return 0;
  }
}

/** An implementation event through the forward mapping: its spec label, and the mmap cell it changes. */
interface Mapped {
  readonly action: string;
  readonly label: string;
  /** The mmap cells it may change (not compared while it is ahead). */
  readonly cells: readonly string[];
  /** Whether it may be taken ahead of the spec (changes only mmap and soft state the replay does not compare). */
  readonly deferrable: boolean;
  /** Its label arguments (spec names). */
  readonly args: readonly unknown[];
}

interface HeldMessage {
  readonly from: string;
  readonly to: string;
  readonly message: Message;
}

interface HeldWrite {
  readonly node: number;
  readonly inc: number;
  readonly id: number;
  readonly write: HardWrite;
}

/**
 * An implementation user name whose bucket the boot-time map gives to `manager` (tried in order: u, u-1, ...),
 * in a bucket no other spec user has (views may give two spec users different managers).
 */
function implName(u: string, manager: string, nodes: readonly string[], taken: ReadonlySet<number>): string | undefined {
  const map = initialUserMap(nodes);
  for (let k = 0; k < 100_000; k++) {
    const name = k === 0 ? u : `${u}-${k}`;
    if (map[bucketOf(name)].node === manager && !taken.has(bucketOf(name))) return name;
  }
  return undefined;
}

class MailDriver {
  readonly world: World<NodeState>;
  readonly nodes: string[];
  readonly users: string[];
  /** Spec user → implementation user. */
  readonly impl = new Map<string, string>();
  private held: HeldMessage[] = [];
  private writes: HeldWrite[] = [];
  /** Simulator trace lines (events with the recorder's `mailboxes` state, and fault metadata) of this step. */
  private lines: ({ readonly event: SimEvent } | { readonly meta: Record<string, unknown> })[] = [];
  private i = 0;
  private rid = 0;
  private restarted = new Set<string>();
  /** Spec steps the implementation took before the counterexample does (see takenAhead). */
  private ahead: Mapped[] = [];
  /** The step just driven was matched by another spec step of the implementation (see notice). */
  private substituted = false;
  inputs: string[] = [];

  constructor(first: State) {
    const d = domains(first);
    this.nodes = d.nodes;
    this.users = d.users;
    this.world = new World<NodeState>(
      porcupineReducer,
      {
        ids: this.nodes,
        nodeConfig: { nodes: this.nodes, loadPolicy: 'static', spread: 2, messageSizeMaxBytes: 1024 },
        network: { delayMs: 1, jitterMs: 0, linkDelayMs: {} },
        faults: NO_FAULTS,
        diskLatencyMs: 0,
        passwordCheckMs: 0,
        initialHard: emptyHardState(),
        checkPassword: simCheckPassword,
      },
      new ZeroEntropy(),
      new ZeroEntropy(),
      {
        onReply: () => undefined,
        onTrace: (node, action, args) => this.event(this.nodes[node], action, args),
        takeEffect: (node, e) => this.take(node, e),
      },
    );
  }

  /** The spec users' implementation names; a reason when the boot-time map cannot give a user its manager. */
  nameUsers(first: State): string | undefined {
    for (const u of this.users) {
      const entry = at2(first, 'mgr', this.nodes[0], u);
      const manager = Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : '';
      const name = implName(u, manager, this.nodes, new Set([...this.impl.values()].map(bucketOf)));
      if (name === undefined) return `no user name has ${manager} as its boot-time manager`;
      this.impl.set(u, name);
    }
    return undefined;
  }

  private event(node: string, action: string, args: Readonly<Record<string, unknown>>): void {
    const up = this.world.nodes.filter((s) => s.up).map((s) => s.id);
    this.lines.push({ event: { i: ++this.i, t: this.world.now, node, action, args, state: { up, mailboxes: mailboxes(this.world as World<unknown>) } } });
  }

  /** Hand scheduling: sends and writes are held, timers are never set. */
  private take(node: number, e: Effect): boolean {
    const slot = this.world.nodes[node];
    switch (e.kind) {
      case 'send':
        this.held.push({ from: slot.id, to: e.to, message: e.message });
        return true;
      case 'persist':
        slot.disk.schedule(this.world.now, 0);
        this.writes.push({ node, inc: slot.inc, id: e.id, write: e.write });
        return true;
      case 'setTimer':
      case 'cancelTimer':
        return true;
      default:
        return false;
    }
  }

  private step(node: string, input: Input): void {
    this.world.stepNow(this.world.index.get(node) as number, input);
    const err = this.world.errors[0];
    if (err !== undefined) throw new Error(`${err.node} threw on ${err.input}: ${err.error}`);
  }

  /** Completes every write in flight, in the order issued (the writes they cause too). */
  private settle(): void {
    while (this.writes.length > 0) {
      const w = this.writes.shift() as HeldWrite;
      const slot = this.world.nodes[w.node];
      if (!slot.up || slot.inc !== w.inc) continue;
      slot.disk.complete(w.write);
      this.step(slot.id, { kind: 'persisted', id: w.id });
    }
  }

  /** Whether n holds a report from `from` of a view it has not installed yet. */
  private stashed(n: string, from: string): boolean {
    return this.isUp(n) && this.world.nodes[this.world.index.get(n) as number].state.reconstruction.stash.some((x) => x.from === from);
  }

  private manages(n: string, user: string): boolean {
    return this.isUp(n) && this.world.nodes[this.world.index.get(n) as number].state.userMap[bucketOf(user)]?.node === n;
  }

  private isUp(n: string): boolean {
    return this.world.nodes[this.world.index.get(n) as number].up;
  }

  boot(n: string): void {
    const k = this.world.index.get(n) as number;
    if (this.world.nodes[k].inc > 0) {
      // The simulator records a restart (while the node is down) before its Boot; the spec's Restart(n, FALSE).
      if (!this.restarted.has(n)) this.event(n, 'Restart', { node: n });
      this.inputs.push(`restart ${n}`);
      this.world.restart(k);
    } else {
      this.inputs.push(`boot ${n}`);
      this.world.boot(k);
    }
    this.restarted.delete(n);
    this.settle();
  }

  crash(n: string): void {
    this.inputs.push(`crash ${n} (soft state and writes in flight lost)`);
    this.world.crash(this.world.index.get(n) as number);
    this.event(n, 'Crash', { node: n });
    // What n took ahead of the spec went with its soft state (the spec's Boot resets n's as well).
    this.ahead = this.ahead.filter((a) => a.args[0] !== n);
  }

  loseDisk(n: string): void {
    this.inputs.push(`wipe ${n}'s disk`);
    this.world.nodes[this.world.index.get(n) as number].disk.wipe(emptyHardState());
    this.lines.push({ meta: { kind: 'fault', fault: { kind: 'loseDisk', node: n } } });
    this.event(n, 'Restart', { node: n });
    this.restarted.add(n);
  }

  store(n: string, u: string, m: string): string | undefined {
    if (!this.isUp(n)) return `${n} is down`;
    const user = this.impl.get(u) as string;
    this.inputs.push(`storeMsg ${user}/${m} at ${n}, write completed`);
    this.step(n, { kind: 'message', from: n, message: { kind: 'storeMsg', rid: ++this.rid, user, msg: { msgId: m, body: 'ce', sizeBytes: 2 } } });
    this.settle();
    return undefined;
  }

  delete(n: string, u: string, ms: readonly string[]): string | undefined {
    if (!this.isUp(n)) return `${n} is down`;
    const user = this.impl.get(u) as string;
    this.inputs.push(`deleteMsgs ${user}/{${ms.join(', ')}} at ${n}, write completed`);
    this.step(n, { kind: 'message', from: n, message: { kind: 'deleteMsgs', rid: ++this.rid, user, msgIds: [...ms] } });
    this.settle();
    return undefined;
  }

  /**
   * n installs the view <<e, map, members>>: a proposal and its commit from the view's first member, as round 1
   * and round 3 of the membership would deliver them (round 2's accept is sent and lost). The view's map is n's
   * own with the spec users' buckets set to the spec's entries (the other buckets hold no user of the replay).
   */
  install(n: string, e: number, map: Readonly<Record<string, readonly [string, number]>>, members: readonly string[], rejoined: boolean): string | undefined {
    if (!this.isUp(n)) return `${n} is down`;
    const coordinator = [...members].sort()[0] ?? n;
    const own = this.world.nodes[this.world.index.get(n) as number].state.userMap;
    const owners = own.map((b) => ({ ...b }));
    for (const [u, [node, epoch]] of Object.entries(map)) owners[bucketOf(this.impl.get(u) as string)] = { node, epoch };
    const view = { epoch: e, coordinator, members: [...members].sort(), map: owners, rejoined: rejoined ? [n] : [] };
    this.inputs.push(`deliver memNewGroup and memCommit of view ${e} (coordinator ${coordinator}, members ${members.join(', ')}${rejoined ? `, ${n} rejoined` : ''}) to ${n}`);
    this.step(n, { kind: 'message', from: coordinator, message: { kind: 'memNewGroup', proposal: { epoch: e, coordinator } } });
    this.step(n, { kind: 'message', from: coordinator, message: { kind: 'memCommit', view } });
    this.settle();
    return undefined;
  }

  /** The newest soft-state report `from` sent n is delivered, then n's acknowledgement. */
  report(n: string, from: string): string | undefined {
    const k = this.held.findLastIndex((h) => h.from === from && h.to === n && h.message.kind === 'softStateReport');
    if (k < 0) return `no soft-state report from ${from} is in flight to ${n} (the implementation has not sent one)`;
    const [h] = this.held.splice(k, 1);
    if (!this.isUp(n)) return `${n} is down`;
    this.inputs.push(`deliver softStateReport ${from} → ${n}`);
    this.step(n, { kind: 'message', from, message: h.message });
    this.settle();
    const a = this.held.findLastIndex((x) => x.from === n && x.to === from && x.message.kind === 'softStateReportAck');
    if (a >= 0 && this.isUp(from)) {
      const [ack] = this.held.splice(a, 1);
      this.inputs.push(`deliver softStateReportAck ${n} → ${from}`);
      this.step(from, { kind: 'message', from: n, message: ack.message });
      this.settle();
    }
    return undefined;
  }

  /** Delivers the newest notice `from` sent about u (to `to`, or to whichever manager), then the manager's ack. */
  notice(from: string, u: string, to: string | undefined): string | undefined {
    const user = this.impl.get(u) as string;
    const isNotice = (h: HeldMessage): boolean => h.from === from && (to === undefined || h.to === to) && h.message.kind === 'mailMapUpdate' && h.message.user === user;
    let k = this.held.findLastIndex(isNotice);
    const slot = this.world.nodes[this.world.index.get(from) as number];
    if (k < 0 && slot.up && slot.state.mailbox.notices.get(user) !== undefined) {
      // The notice went to a manager of an older map, or was lost: its retry re-sends it to the manager in
      // the sender's map now (mailbox.ts onNoticeTimer), as the spec's Notify assumes.
      this.inputs.push(`fire ${from}'s notice retry timer`);
      this.step(from, { kind: 'timer', timer: noticeTimer });
      this.settle();
      k = this.held.findLastIndex(isNotice);
    }
    if (k < 0 && to !== undefined && this.held.some((h) => h.from === from && h.to === to && h.message.kind === 'softStateReport')) {
      // No notice left to send: the sender's own manager applied it before a view change moved the user, and
      // the sender reports its fragment to the new manager instead. That report is the implementation's step
      // here (the spec's Report, enabled in this state, adds `from` to the same entry); matched in `match`.
      this.substituted = true;
      return this.report(to, from);
    }
    if (k < 0 && to === undefined && this.manages(from, user)) {
      this.inputs.push(`none: ${from} manages ${user} itself and applied its notice in the step that owed it`);
      return undefined;
    }
    if (k < 0) return `no fragment notice from ${from} about ${user} is in flight${to === undefined ? '' : ` to ${to}`} (the implementation has not sent one)`;
    const [h] = this.held.splice(k, 1);
    if (!this.isUp(h.to)) return `the notice's receiver ${h.to} is down`;
    const m = h.message as Extract<Message, { kind: 'mailMapUpdate' }>;
    this.inputs.push(`deliver mailMapUpdate ${from} → ${h.to} (${user} ${m.present ? 'present' : 'gone'}, stamp ${m.stamp})`);
    this.step(h.to, { kind: 'message', from, message: h.message });
    this.settle();
    const a = this.held.findLastIndex((x) => x.from === h.to && x.to === from && x.message.kind === 'mailMapAck' && x.message.user === user);
    if (a >= 0 && this.isUp(from)) {
      const [ack] = this.held.splice(a, 1);
      this.inputs.push(`deliver mailMapAck ${h.to} → ${from}`);
      this.step(from, { kind: 'message', from: h.to, message: ack.message });
      this.settle();
    }
    return undefined;
  }

  /** The spec steps of the events this step produced that change a spec variable (the forward mapping's labels). */
  takeChanging(): Mapped[] {
    const args = mailArgs([...this.impl.values()]);
    const spec = new Map([...this.impl].map(([s, i]) => [i, s]));
    const out: Mapped[] = [];
    let metaBefore: Record<string, unknown>[] = [];
    for (const l of this.lines) {
      if ('meta' in l) {
        metaBefore.push(l.meta);
        continue;
      }
      const ev = l.event;
      if (CHANGING.has(ev.action) && Object.hasOwn(args, ev.action)) {
        const a = args[ev.action as keyof typeof args](ev, { metaBefore }).map((x) => toSpec(x, spec));
        const cell = (u: unknown): string => `mmap["${String(a[0])}"]["${String(u)}"]`;
        const fragment = ev.action === 'AddFragment' || ev.action === 'DropFragment';
        // A report changes the entries of the users it reports or removes (and `owe`, not compared).
        const cells = fragment ? [cell(a[1])] : ev.action === 'ApplyReport' ? [...setOf(a[2]), ...setOf(a[3])].map(cell) : [];
        // A report on no user of the replay (buckets without one) changes nothing in the spec: stuttering.
        if (ev.action !== 'ApplyReport' || setOf(a[4]).length > 0) {
          out.push({ action: ev.action, label: `${ev.action}(${a.map(render).join(', ')})`, cells, deferrable: fragment || ev.action === 'ApplyReport', args: a });
        }
      }
      metaBefore = [];
    }
    this.lines = [];
    return out;
  }

  /**
   * A spec step the implementation already took inside an earlier step of its own (a node that manages the
   * user itself applies its fragment notice in the step that stores or deletes: the spec's Store, then Notify,
   * are one reducer step). Consumed here, not driven again.
   */
  takenAhead(s: Step): boolean {
    const want = expected(s);
    const k = want === undefined ? -1 : this.ahead.findIndex((a) => a.label === want);
    if (k < 0 && (s.action === 'AddFragment' || s.action === 'DropFragment')) {
      // The spec's notice, where the implementation's report (taken ahead) already added or removed the
      // entry: a node reports its fragments to a new manager, itself included, when it installs a view, and
      // its notice then changes nothing. The report stays ahead for the spec's own Report, its cell compared.
      const j = this.ahead.findIndex(
        (a) => a.action === 'ApplyReport' && a.args[0] === s.n && a.args[1] === s.from && setOf(a.args[s.action === 'AddFragment' ? 2 : 3]).includes(s.u),
      );
      if (j < 0) return false;
      this.inputs.push(`none: the implementation's ${this.ahead[j].label}, taken ahead, did this already`);
      this.ahead[j] = { ...this.ahead[j], cells: [] };
      this.takeChanging();
      return true;
    }
    if (k < 0) return false;
    this.ahead.splice(k, 1);
    this.inputs.push(`none: the implementation took ${want} already, in an earlier step of its own`);
    this.takeChanging();
    return true;
  }

  /**
   * Subsequence matching: the implementation's state-changing events of a step must be the spec's step first
   * (a Boot after a crash may be preceded by its Restart(n, FALSE), as in every simulator trace); what follows
   * it are spec steps the implementation took at once, kept in `ahead` until the counterexample takes them
   * (the cells they change are not compared meanwhile).
   */
  match(s: Step): string | undefined {
    const want = expected(s);
    if (this.substituted) {
      this.substituted = false;
      const sub = this.takeChanging();
      if (sub.length !== 1 || sub[0].action !== 'ApplyReport') return `the implementation's steps map to [${sub.map((g) => g.label).join(', ')}], the spec's to [${want ?? ''}]`;
      // Kept (never exempting a cell) until the counterexample's own Report of it, which then drives nothing.
      this.inputs.push(`the implementation's counterpart is ${sub[0].label} (the spec's Report, enabled here, with the same effect on mmap)`);
      this.ahead.push({ ...sub[0], cells: [] });
      // (its effect on mmap is this step's, compared now)
      return undefined;
    }
    const got = this.takeChanging().filter((l) => !(s.action === 'Boot' && l.label === `Restart(${JSON.stringify(s.n)}, FALSE)`));
    if (s.action === 'ApplyReport' && got.length === 0 && this.stashed(s.n, s.from)) {
      // The spec applies a report whatever view its manager is in; the implementation keeps a report of a
      // view the manager has not installed and applies it at that install (reconstruct-node.ts stash). The
      // step then changes `owe` only in the implementation's terms; the comparison below shows any entry the
      // spec changed that the implementation has not (yet).
      this.inputs.push(`${s.n} stashed the report (made in a view it has not installed; applied when it does)`);
      return undefined;
    }
    if (want === undefined ? got.length > 0 : got[0]?.label !== want) {
      return `the implementation's steps map to [${got.map((g) => g.label).join(', ')}], the spec's to [${want ?? ''}]`;
    }
    const extra = got.slice(1);
    if (extra.some((g) => !g.deferrable)) return `the implementation also took ${extra.map((g) => g.label).join(', ')} in this step, which the replay cannot defer`;
    for (const g of extra) {
      const cells = g.cells.length === 0 ? 'it changes only soft state the replay does not compare' : `${g.cells.join(', ')} compared once the spec takes it`;
      this.inputs.push(`the implementation took ${g.label} in the same step (ahead of the spec; ${cells})`);
    }
    this.ahead.push(...extra);
    return undefined;
  }

  /**
   * Steps taken ahead are matched too when the spec's cell reaches the implementation's value another way
   * (a node that manages the user itself adds and drops its own fragment at a store and a delete, where the
   * spec may acknowledge both notices at once with NoticeAck): they are dropped from `ahead` here.
   */
  discharge(spec: State): void {
    this.ahead = this.ahead.filter((a) => {
      if (a.action !== 'AddFragment' && a.action !== 'DropFragment') return true;
      if (a.cells.length === 0) return true;
      const [, n, u] = /^mmap\["(.*)"\]\["(.*)"\]$/.exec(a.cells[0]) ?? [];
      return !this.isUp(n) || !same(stringSet(at2(spec, 'mmap', n, u)), this.soft(n, u).mmap);
    });
  }

  /** What the implementation did that the counterexample has not (yet) done by its last state. */
  notes(): string[] {
    return this.ahead.length === 0 ? [] : [`the implementation is ahead of the last state by ${this.ahead.map((a) => a.label).join(', ')} (taken with an earlier step; the spec may take it next)`];
  }

  /** Cells not compared while the implementation is ahead of the spec there. */
  exempt(): Set<string> {
    return new Set(this.ahead.flatMap((a) => a.cells));
  }

  /** The implementation through the forward mapping: `up` and `mail` (mailStoreState), spec user names. */
  mapped(): { up: string[]; mail: (n: string, u: string) => string[] } {
    const implUsers = this.users.map((u) => this.impl.get(u) as string);
    const st = mailStoreState({ up: this.world.nodes.filter((s) => s.up).map((s) => s.id), mailboxes: mailboxes(this.world as World<unknown>) }, this.nodes, implUsers);
    return {
      up: stringSet(st.up),
      mail: (n, u) => stringSet(recordOf(recordOf(st.mail)[n])[this.impl.get(u) as string]),
    };
  }

  /** Soft state read from a node that is up: its mail map entry for u, and its user-map entry for u. */
  soft(n: string, u: string): { mmap: string[]; mgr: unknown } {
    const state = this.world.nodes[this.world.index.get(n) as number].state;
    const user = this.impl.get(u) as string;
    const e = state.userMap[bucketOf(user)];
    return { mmap: [...fragmentNodes(state.manager.mailMap, user)].sort(), mgr: e === undefined ? undefined : [e.node, e.epoch] };
  }
}

/** A mapped label argument with implementation user names replaced by the spec's (strings, set elements, record keys). */
function toSpec(x: unknown, spec: ReadonlyMap<string, string>): unknown {
  if (typeof x === 'string') return spec.get(x) ?? x;
  if (Array.isArray(x)) return x.map((y) => toSpec(y, spec));
  if (typeof x === 'object' && x !== null) {
    if ('#set' in x) return { '#set': setOf(x).map((y) => toSpec(y, spec)) };
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [spec.get(k) ?? k, toSpec(v, spec)]));
  }
  return x;
}

/** A label argument as the spec prints it (sets as {...}, strings quoted). */
function render(x: unknown): string {
  if (typeof x === 'object' && x !== null && '#set' in x) return showSet(setOf(x).map(String).sort());
  if (typeof x === 'boolean') return x ? 'TRUE' : 'FALSE';
  if (Array.isArray(x)) return `<<${x.map(render).join(', ')}>>`;
  if (typeof x === 'object' && x !== null) {
    return `[${Object.keys(x)
      .sort()
      .map((k) => `${k} |-> ${render((x as Record<string, unknown>)[k])}`)
      .join(', ')}]`;
  }
  return JSON.stringify(x);
}

/** The mapped label the implementation must produce for a step (undefined: none, the step is stuttering). */
function expected(s: Step): string | undefined {
  switch (s.action) {
    case 'Boot':
    case 'Crash':
    case 'Restart':
    case 'Store':
    case 'Delete':
    case 'AddFragment':
    case 'DropFragment':
    case 'ReconstructSoftState':
    case 'ApplyReport':
      return label(s);
    default:
      return undefined;
  }
}

function compare(d: MailDriver, spec: State): (readonly [string, string, string])[] {
  const out: [string, string, string][] = [];
  d.discharge(spec);
  const impl = d.mapped();
  const up = stringSet(spec.up);
  if (!same(up, impl.up)) out.push(['up', showSet(up), showSet(impl.up)]);
  for (const n of d.nodes) {
    for (const u of d.users) {
      const m = stringSet(at2(spec, 'mail', n, u));
      if (!same(m, impl.mail(n, u))) out.push([`mail["${n}"]["${u}"]`, showSet(m), showSet(impl.mail(n, u))]);
    }
  }
  const exempt = d.exempt();
  // Soft state: only at nodes up (the spec keeps a crashed node's until its Boot resets it; the node has none).
  for (const n of impl.up) {
    for (const u of d.users) {
      const soft = d.soft(n, u);
      const mm = stringSet(at2(spec, 'mmap', n, u));
      if (!same(mm, soft.mmap) && !exempt.has(`mmap["${n}"]["${u}"]`)) out.push([`mmap["${n}"]["${u}"]`, showSet(mm), showSet(soft.mmap)]);
      const g = at2(spec, 'mgr', n, u);
      if (!same(g, soft.mgr)) out.push([`mgr["${n}"]["${u}"]`, render(g), render(soft.mgr)]);
    }
  }
  return out;
}

const isSet = (x: unknown): boolean => typeof x === 'object' && x !== null && Array.isArray((x as { '#set'?: unknown })['#set']);
const isRecord = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x) && !('#set' in x);

/** Throws a clear error unless every state has the variables the replay reads, over the same nodes and users. */
function checkShape(ce: Counterexample): void {
  const bad = (k: number, what: string): never => {
    throw new TlaError('trace', `malformed PorcupineMail counterexample: state ${k + 1}: ${what}`);
  };
  const first = ce.states[0];
  if (!isRecord(first.mail) || Object.keys(recordOf(first.mail)).length === 0) bad(0, '`mail` is not a function of the nodes');
  const { nodes, users } = domains(first);
  if (users.length === 0) bad(0, '`mail` is not a function of the nodes to functions of the users');
  ce.states.forEach((s, k) => {
    if (!isSet(s.up) || setOf(s.up).some((n) => typeof n !== 'string' || !nodes.includes(n))) bad(k, '`up` is not a set of the nodes');
    for (const v of ['mail', 'mmap', 'mgr']) {
      if (!isRecord(s[v]) || !same(Object.keys(recordOf(s[v])).sort(), nodes)) bad(k, `\`${v}\` is not a function of the nodes ${nodes.join(', ')}`);
      for (const n of nodes) {
        const row = recordOf(s[v])[n];
        if (!isRecord(row) || !same(Object.keys(recordOf(row)).sort(), users)) bad(k, `\`${v}["${n}"]\` is not a function of the users ${users.join(', ')}`);
        for (const u of users) {
          const x = recordOf(row)[u];
          const ok = v === 'mgr' ? Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' : isSet(x);
          if (!ok) bad(k, `\`${v}["${n}"]["${u}"]\` is not ${v === 'mgr' ? 'a <<manager, stamp>> pair' : 'a set'}`);
        }
      }
    }
  });
}

function run(ce: Counterexample): ReplayOutcome {
  checkShape(ce);
  const d = new MailDriver(ce.states[0]);
  let naming: string | undefined;
  return replayStates<Step>(ce, {
    init: (first) => {
      naming = d.nameUsers(first);
      // The spec's Init has every node down; boot any it lists as up.
      for (const n of stringSet(first.up)) d.boot(n);
      d.inputs.push(...[...d.impl].map(([s, i]) => `spec user "${s}" is ${i} (its bucket's boot-time manager is the spec's)`));
      d.takeChanging();
    },
    recognise,
    label,
    apply: (s) => {
      if (naming !== undefined) return naming;
      if (d.takenAhead(s)) return undefined;
      let why: string | undefined;
      switch (s.action) {
        case 'Boot':
          d.boot(s.n);
          break;
        case 'Crash':
          d.crash(s.n);
          break;
        case 'Restart':
          d.loseDisk(s.n);
          break;
        case 'Store':
          why = d.store(s.n, s.u, s.m);
          break;
        case 'Delete':
          why = d.delete(s.n, s.u, s.ms);
          break;
        case 'AddFragment':
        case 'DropFragment':
          why = d.notice(s.from, s.u, s.n);
          break;
        case 'NoticeAck':
          why = d.notice(s.n, s.u, undefined);
          break;
        case 'ReconstructSoftState':
          why = d.install(s.n, s.e, s.map, s.members, s.rejoined);
          break;
        case 'ApplyReport':
          why = d.report(s.n, s.from);
          break;
        case 'ReplPersist':
          return 'the replay does not drive ReplPersist of a tombstone that removes mail (the nodes run unreplicated; docs/spec.md)';
        case 'Ack':
        case 'FaultsStop':
        case 'stutter':
          break;
      }
      if (why !== undefined) return why;
      return d.match(s);
    },
    takeInputs: () => {
      const inputs = d.inputs;
      d.inputs = [];
      return inputs;
    },
    compare: (spec) => compare(d, spec),
    notes: () => d.notes(),
  });
}

export const mailTranslator: Translator = {
  module: 'PorcupineMail',
  summary:
    'mailboxes and mail maps on the real node reducer (the simulator World, scheduled by hand): boots, crashes, lost disks, storeMsg and deleteMsgs, fragment notices and soft-state reports delivered or lost, views installed',
  recognises: (vars) => ['mail', 'mmap', 'mgr', 'up'].every((v) => vars.includes(v)),
  replay: run,
};
