// Deliberate bugs, as reducer wrappers passed to the simulator with `options.reducer` (src/pure is never
// edited). Each property has a test showing it catches at least one of these: a property that passes on a
// broken node proves nothing (docs/properties.md lists the mutations and what caught them).
import type { ClientReply, Effect, Input } from '../../src/pure/io.js';
import type { Message } from '../../src/pure/messages.js';
import type { Env } from '../../src/pure/types.js';
import type { NodeState } from '../../src/pure/node.js';
import { porcupineReducer, type NodeReducer } from '../../src/sim/index.js';

type Step<S> = NodeReducer<S>['step'];

/** The real node with its inputs and/or effects rewritten (state untouched). */
export function mutate(m: {
  input?: (input: Input) => Input | undefined;
  effect?: (effect: Effect) => Effect | undefined;
}): NodeReducer<unknown> {
  const inner = porcupineReducer as NodeReducer<unknown>;
  const step: Step<unknown> = (state, input0, env: Env) => {
    const input = m.input === undefined ? input0 : m.input(input0);
    if (input === undefined) return { state, effects: [] };
    const r = inner.step(state, input, env);
    if (m.effect === undefined) return r;
    const effects: Effect[] = [];
    for (const e of r.effects) {
      const e2 = m.effect(e);
      if (e2 !== undefined) effects.push(e2);
    }
    return { state: r.state, effects };
  };
  return { initialState: inner.initialState, digest: inner.digest, step };
}

function mapReply(f: (r: ClientReply) => ClientReply): (e: Effect) => Effect {
  return (e) => (e.kind === 'reply' ? { ...e, reply: f(e.reply) } : e);
}

function mapMessage(f: (m: Message) => Message): (i: Input) => Input {
  return (i) => (i.kind === 'message' ? { ...i, message: f(i.message) } : i);
}

/** RETR answers with one byte changed. */
export const corruptRetrievedBodies = mutate({
  effect: mapReply((r) => (r.kind === 'popRetr' && r.body !== undefined ? { ...r, body: r.body.slice(0, -1) + '#' } : r)),
});

/** LIST shows the first message twice. */
export const duplicateFirstListed = mutate({
  effect: mapReply((r) => (r.kind === 'popList' && r.messages.length > 0 ? { ...r, messages: [...r.messages, r.messages[0]] } : r)),
});

/** A fragment node asked (over the network) to delete messages acknowledges without deleting any. */
export const remoteDeletesIgnored = mutate({
  input: mapMessage((m) => (m.kind === 'deleteMsgs' ? { ...m, msgIds: [] } : m)),
});

/** The proxy's RPC timeout sweep never fires: a request whose RPC was lost is never answered. */
export const rpcTimeoutsDisabled = mutate({
  input: (i) => (i.kind === 'timer' && i.timer === 'rpc:sweep' ? undefined : i),
});

/** The node ignores its configured spread (boots with spread + 2): mail spreads over more nodes. */
export const spreadIgnored = mutate({
  input: (i) => (i.kind === 'boot' ? { ...i, config: { ...i.config, spread: i.config.spread + 2 } } : i),
});

/** Piggybacked load samples are inverted (a busy node looks idle): dynamic placement prefers busy nodes. */
export const loadInverted = mutate({
  input: mapMessage((m) => {
    const inv = (pending: number): number => Math.max(0, 40 - pending);
    if (m.kind === 'loadRing') return { ...m, table: m.table.map((e) => ({ ...e, load: { ...e.load, pending: inv(e.load.pending) } })) };
    if ('load' in m && typeof m.load === 'object' && m.load !== null) return { ...m, load: { ...m.load, pending: inv(m.load.pending) } } as Message;
    return m;
  }),
});

/** Nondeterminism leaks in: a timer fires a millisecond late at random (Math.random, not env.entropy). */
export const timersJittered = mutate({
  // Math.random on purpose: an unseeded random source is exactly the bug this mutation plants.
  effect: (e) => (e.kind === 'setTimer' && Math.random() < 0.5 ? { ...e, afterMs: e.afterMs + 1 } : e),
});

/**
 * State leaks between runs: a module-level counter (not part of the node state) shifts one timer once it
 * passes a threshold, so the second run in the same process behaves differently from the first.
 */
let stepsEverTaken = 0;
export const leakyModuleState = mutate({
  effect: (e) => {
    stepsEverTaken++;
    return e.kind === 'setTimer' && stepsEverTaken % 7_919 === 0 ? { ...e, afterMs: e.afterMs + 1 } : e;
  },
});

/** Every delete fails: the fragment nodes never receive the deletes, so every QUIT that deletes times out. */
export const deletesNeverArrive = mutate({
  input: (i) => (i.kind === 'message' && i.message.kind === 'deleteMsgs' ? undefined : i),
});

/** QUIT answers +OK although a delete failed or timed out (the client believes mail is gone that is not). */
export const quitConfirmsFailedDeletes = mutate({
  effect: mapReply((r) => (r.kind === 'popQuit' && !r.ok && r.deleted === 0 && r.text.includes('not deleted') ? { ...r, ok: true, text: 'bye' } : r)),
});

/**
 * A replicated node's mailbox never tells the manager that its fragment of a user emptied (every `present:
 * false` mail-map notice of a node with replication on is dropped): the manager keeps listing the node as a
 * holder. Soft state = f(hard state) in replicated runs catches it (issue 13: nothing did before).
 */
export const replicatedEmptyFragmentNotUnlisted: NodeReducer<unknown> = (() => {
  const inner = porcupineReducer as NodeReducer<unknown>;
  const gone = (e: Effect): boolean => e.kind === 'send' && e.message.kind === 'mailMapUpdate' && !e.message.present;
  const step: Step<unknown> = (state, input, env) => {
    const r = inner.step(state, input, env);
    if ((r.state as NodeState).replication === undefined || !r.effects.some(gone)) return r;
    return { state: r.state, effects: r.effects.filter((e) => !gone(e)) };
  };
  return { initialState: inner.initialState, digest: inner.digest, step };
})();

/**
 * A restarted node never notices how long it was down (its last durable alive mark is read as the far
 * future), so after an outage longer than the log retention it trusts its stale replicas instead of
 * quarantining them: deletes whose tombstones were collected meanwhile are undone.
 */
export const staleBootNotNoticed = mutate({
  input: (i) => (i.kind === 'boot' ? { ...i, hard: { ...i.hard, replication: { ...i.hard.replication, aliveAtMs: Number.MAX_SAFE_INTEGER } } } : i),
});
