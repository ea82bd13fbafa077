// Tiny stand-in reducers that exercise the simulator without the real node (and pin its behaviour down):
//  - pingPong: n1 pings n2 every `pingIntervalMs`; every ping is answered; counts what arrived.
//  - fullReplica: a toy mail node: SMTP stores the message locally (durable before 250) and pushes a copy
//    to every other node once (no retries, so network loss really loses copies); POP lists the local copy.
import type { ClientReply, Effect, HardState, Input, Message, NodeConfig, StepResult } from '../../src/pure/io.js';
import type { Env, NodeId } from '../../src/pure/types.js';
import { applyHardWrite, type HardWrite } from '../../src/pure/hard-state.js';
import type { NodeReducer } from '../../src/sim/world.js';

// Messages are opaque to the simulator; the fakes use their own shapes, cast at this boundary.
const asMessage = (m: object): Message => m as unknown as Message;

interface PingState {
  readonly self: NodeId | undefined;
  readonly config: NodeConfig | undefined;
  readonly seq: number;
  readonly pingsReceived: number;
  readonly pongsReceived: number;
  readonly lastEnv: Env | undefined;
}

export const PING_INTERVAL_MS = 10;

export const pingPong: NodeReducer<PingState> = {
  initialState: () => ({ self: undefined, config: undefined, seq: 0, pingsReceived: 0, pongsReceived: 0, lastEnv: undefined }),
  digest: (s) => JSON.stringify(s),
  step(s: PingState, input: Input, env: Env): StepResult<PingState> {
    const effects: Effect[] = [];
    let next: PingState = { ...s, lastEnv: env };
    switch (input.kind) {
      case 'boot':
        next = { ...next, self: input.self, config: input.config };
        if (input.self === 'n1') effects.push({ kind: 'setTimer', timer: 'ping', afterMs: PING_INTERVAL_MS });
        break;
      case 'timer': {
        const to = s.config?.nodes.find((n) => n !== s.self) ?? 'n2';
        effects.push({ kind: 'send', to, message: asMessage({ kind: 'ping', seq: s.seq }) });
        effects.push({ kind: 'trace', action: 'Ping', args: { seq: s.seq } });
        effects.push({ kind: 'setTimer', timer: 'ping', afterMs: PING_INTERVAL_MS });
        next = { ...next, seq: s.seq + 1 };
        break;
      }
      case 'message': {
        const m = input.message as unknown as { kind: string; seq: number };
        if (m.kind === 'ping') {
          effects.push({ kind: 'send', to: input.from, message: asMessage({ kind: 'pong', seq: m.seq }) });
          next = { ...next, pingsReceived: s.pingsReceived + 1 };
        } else next = { ...next, pongsReceived: s.pongsReceived + 1 };
        effects.push({ kind: 'trace', action: m.kind === 'ping' ? 'RecvPing' : 'RecvPong', args: { seq: m.seq } });
        break;
      }
      default:
        break;
    }
    return { state: next, effects };
  },
};

// ---- fullReplica ----

interface Pending {
  readonly session: string;
  readonly user: string;
  readonly msgId: string;
}

interface Session {
  readonly user: string;
  readonly ids: readonly string[];
  readonly marked: readonly string[];
}

export interface ReplicaState {
  readonly self: NodeId | undefined;
  readonly nodes: readonly NodeId[];
  readonly hard: HardState | undefined;
  readonly nextId: number;
  readonly pending: Readonly<Record<number, Pending>>;
  readonly sessions: Readonly<Record<string, Session>>;
  readonly auth: Readonly<Record<number, { session: string; user: string }>>;
}

export interface ReplicaOptions {
  /** Throw on this many-th SMTP DATA (to test that a throwing reducer is caught and reported). */
  readonly throwOnData?: number;
  /** Answer 250 before the write is durable (a planted bug: a crash then loses acknowledged mail). */
  readonly ackBeforeDurable?: boolean;
}

export function fullReplica(opts: ReplicaOptions = {}): NodeReducer<ReplicaState> {
  return {
    initialState: () => ({ self: undefined, nodes: [], hard: undefined, nextId: 0, pending: {}, sessions: {}, auth: {} }),
    digest: (s) => JSON.stringify({ self: s.self, nextId: s.nextId, pending: s.pending, sessions: s.sessions, frags: s.hard?.fragments.sortedEntries().map(([u, f]) => [u, f.keys().sort()]) }),
    step: (s, input, env) => stepReplica(s, input, env, opts),
  };
}


function stepReplica(s: ReplicaState, input: Input, env: Env, opts: ReplicaOptions): StepResult<ReplicaState> {
  const fx: Effect[] = [];
  const reply = (session: string, r: ClientReply): void => void fx.push({ kind: 'reply', session, reply: r });
  const persist = (st: ReplicaState, write: HardWrite): ReplicaState => {
    fx.push({ kind: 'persist', id: st.nextId, write });
    return { ...st, nextId: st.nextId + 1, hard: applyHardWrite(st.hard as HardState, write) };
  };
  void env;
  switch (input.kind) {
    case 'boot':
      return { state: { ...s, self: input.self, nodes: input.config.nodes, hard: input.hard, nextId: (input.hard.incarnation + 1) * 1e6 }, effects: [{ kind: 'persist', id: 0, write: { kind: 'incarnation', incarnation: input.hard.incarnation + 1 } }] };
    case 'client': {
      const r = input.request;
      const sid = input.session;
      switch (r.kind) {
        case 'smtpRcpt':
          reply(sid, { kind: 'smtpRcpt', code: 250, text: 'ok' });
          return { state: s, effects: fx };
        case 'smtpData': {
          const user = r.recipients[0];
          const msgId = `${s.self}-${s.nextId}`;
          if (opts.throwOnData !== undefined && s.nextId % 1e6 === opts.throwOnData) throw new Error('planted failure');
          const msg = { msgId, body: r.body, sizeBytes: r.body.length };
          let st = persist(s, { kind: 'storeMessage', user, msg });
          st = { ...st, pending: { ...st.pending, [st.nextId - 1]: { session: sid, user, msgId } } };
          for (const n of s.nodes) if (n !== s.self) fx.push({ kind: 'send', to: n, message: asMessage({ kind: 'copy', user, msg }) });
          if (opts.ackBeforeDurable) reply(sid, { kind: 'smtpData', code: 250, text: 'ok', results: [{ user, code: 250, msgId }] });
          return { state: st, effects: fx };
        }
        case 'popAuth': {
          fx.push({ kind: 'checkPassword', id: s.nextId, password: r.password, verifier: s.hard?.userDb.ranges[0]?.verifier ?? '' });
          return { state: { ...s, nextId: s.nextId + 1, auth: { ...s.auth, [s.nextId]: { session: sid, user: r.user } } }, effects: fx };
        }
        case 'popList': {
          const sess = s.sessions[sid];
          reply(sid, { kind: 'popList', ok: sess !== undefined, text: '', messages: (sess?.ids ?? []).map((msgId) => ({ msgId, sizeBytes: 1 })) });
          return { state: s, effects: fx };
        }
        case 'popRetr': {
          const sess = s.sessions[sid];
          const m = sess === undefined ? undefined : s.hard?.fragments.get(sess.user)?.get(r.msgId);
          reply(sid, { kind: 'popRetr', ok: m !== undefined, body: m?.body, text: '' });
          return { state: s, effects: fx };
        }
        case 'popDele': {
          const sess = s.sessions[sid];
          reply(sid, { kind: 'popDele', ok: sess !== undefined, text: '' });
          if (sess === undefined) return { state: s, effects: fx };
          return { state: { ...s, sessions: { ...s.sessions, [sid]: { ...sess, marked: [...sess.marked, r.msgId] } } }, effects: fx };
        }
        case 'popQuit': {
          const sess = s.sessions[sid];
          let st = s;
          if (sess !== undefined && sess.marked.length > 0) {
            st = persist(st, { kind: 'deleteMessages', user: sess.user, msgIds: sess.marked });
            for (const n of s.nodes) if (n !== s.self) fx.push({ kind: 'send', to: n, message: asMessage({ kind: 'delete', user: sess.user, msgIds: sess.marked }) });
          }
          reply(sid, { kind: 'popQuit', ok: true, deleted: sess?.marked.length ?? 0, text: '' });
          return { state: st, effects: fx };
        }
        case 'sessionEnd': {
          const { [sid]: _gone, ...rest } = s.sessions;
          void _gone;
          return { state: { ...s, sessions: rest }, effects: fx };
        }
        case 'popRset':
        case 'adminSetUser':
          return { state: s, effects: fx };
      }
      return { state: s, effects: fx };
    }
    case 'message': {
      const m = input.message as unknown as { kind: 'copy'; user: string; msg: { msgId: string; body: string; sizeBytes: number } } | { kind: 'delete'; user: string; msgIds: string[] };
      const st = m.kind === 'copy' ? persist(s, { kind: 'storeMessage', user: m.user, msg: m.msg }) : persist(s, { kind: 'deleteMessages', user: m.user, msgIds: m.msgIds });
      return { state: st, effects: fx };
    }
    case 'persisted': {
      const p = s.pending[input.id];
      if (p === undefined) return { state: s, effects: fx };
      const { [input.id]: _done, ...rest } = s.pending;
      void _done;
      if (!opts.ackBeforeDurable) reply(p.session, { kind: 'smtpData', code: 250, text: 'ok', results: [{ user: p.user, code: 250, msgId: p.msgId }] });
      fx.push({ kind: 'trace', action: 'Ack', args: { msgId: p.msgId } });
      return { state: { ...s, pending: rest }, effects: fx };
    }
    case 'persistFailed':
      return { state: s, effects: fx }; // the simulator's disks never fail here
    case 'passwordChecked': {
      const a = s.auth[input.id];
      if (a === undefined) return { state: s, effects: fx };
      reply(a.session, { kind: 'popAuth', ok: input.ok, text: '' });
      const ids = s.hard?.fragments.get(a.user)?.keys().sort() ?? [];
      return { state: input.ok ? { ...s, sessions: { ...s.sessions, [a.session]: { user: a.user, ids, marked: [] } } } : s, effects: fx };
    }
    case 'timer':
      return { state: s, effects: fx };
  }
}
