// The node reducer: composes the modules (DESIGN.md §2–3). One entry, `stepNode`, routes each input to the
// module that owns it and collects their effects; the modules never call each other's handlers, they talk
// through messages (a message to self is a local call, handled within the same step).
import { assertNever } from './assert.js';
import { applyHardWrite, type HardState } from './hard-state.js';
import type { Input, NodeConfig, StepResult } from './io.js';
import { spreadMax, spreadMin } from './load/limits.js';
import { stampsPerIncarnation } from './mailbox/limits.js';
import { emptyMailboxState } from './mailbox/mailbox.js';
import { routeMessage, routePersisted, routePersistFailed, routeTimer, startLoadRing } from './node-routes.js';
import { clusterView, initialNodeState, ownPending, patchNode, withProxy, type NodeState } from './node-state.js';
import { onClientRequest } from './proxy/proxy.js';
import { onPasswordChecked } from './proxy/retrieval.js';
import { newStepCtx, trace, type StepCtx } from './step-context.js';
import { compareNodeId, type Env, type NodeId } from './types.js';
import { initialUserMap } from './user-map/user-map.js';
import { bootNodeMembership } from './membership/node-membership.js';
import { bootReplicaManager } from './replication/node-glue.js';

export { initialNodeState, type NodeState } from './node-state.js';
export { digestNode, describeNode } from './node-describe.js';

/** The single entry point (STYLE.md habit 2). Pure and total: bad or stale input becomes a traced drop. */
export function stepNode(state: NodeState, input: Input, env: Env): StepResult<NodeState> {
  if (input.kind === 'boot') return onBoot(input.self, input.hard, input.config, env);
  if (state.self === undefined || state.config === undefined) {
    return { state, effects: [{ kind: 'trace', action: 'Drop', args: { input: input.kind, reason: 'not booted' } }] };
  }
  const ctx = newStepCtx(state.self, env, state.config, { pending: ownPending(state), at: env.now }, state.nextRid, state.nextPersistId);
  let s = routeInput(ctx, state, input);
  // Messages to self are local calls: handle them now, in order (each may queue more).
  for (let i = 0; i < ctx.local.length; i++) s = routeMessage(ctx, s, ctx.self, ctx.local[i]);
  if (ctx.nextRid === s.nextRid && ctx.nextPersistId === s.nextPersistId) return { state: s, effects: ctx.effects };
  if (s === state) return { state: patchNode(s, { nextRid: ctx.nextRid, nextPersistId: ctx.nextPersistId }), effects: ctx.effects };
  // WHY mutate: a state other than the input was built during this step (handlers return the input or a
  // fresh patch, never an older state), so nobody else holds it yet; setting the counters in place saves
  // copying all of NodeState once more on most steps (hot path, see patchNode). Pure from the outside.
  const own = s as { -readonly [K in keyof NodeState]: NodeState[K] };
  own.nextRid = ctx.nextRid;
  own.nextPersistId = ctx.nextPersistId;
  return { state: own, effects: ctx.effects };
}

function routeInput(ctx: StepCtx, s: NodeState, input: Exclude<Input, { kind: 'boot' }>): NodeState {
  switch (input.kind) {
    case 'client':
      return withProxy(s, onClientRequest(ctx, s.proxy, clusterView(ctx, s), input.session, input.request));
    case 'message':
      return routeMessage(ctx, s, input.from, input.message);
    case 'timer':
      return routeTimer(ctx, s, input.timer);
    case 'persisted':
      return routePersisted(ctx, s, input.id);
    case 'passwordChecked':
      return withProxy(s, onPasswordChecked(ctx, s.proxy, input.id, input.ok));
    case 'persistFailed':
      return routePersistFailed(ctx, s, input.id, input.reason);
  }
  return assertNever(input, 'input');
}

/** A (re)start: soft state is fresh, hard state is what the disk kept; the incarnation bump is persisted first. */
function onBoot(self: NodeId, hard0: HardState, config0: NodeConfig, env: Env): StepResult<NodeState> {
  const spread = Math.min(spreadMax, Math.max(spreadMin, Math.floor(config0.spread)));
  const config: NodeConfig = { ...config0, spread, nodes: config0.nodes.includes(self) ? config0.nodes : [...config0.nodes, self] };
  const incarnation = hard0.incarnation + 1;
  const base = incarnation * stampsPerIncarnation;
  // A data directory's first boot names it (hard-state.ts `instance`): ids minted on a replacement disk never
  // repeat those of a lost one. 32 bits of the step's entropy, in base 36 (at most 7 characters).
  const instance = hard0.instance ?? (env.entropy >>> 0).toString(36);
  const write = { kind: 'incarnation', incarnation, instance } as const;
  const members = [...new Set(config.nodes)].sort(compareNodeId);
  const state: NodeState = {
    ...initialNodeState(),
    self,
    config,
    hard: applyHardWrite(hard0, write),
    incarnation,
    bootPersistId: base,
    userMap: initialUserMap(members),
    members,
    mailbox: emptyMailboxState(incarnation),
    nextRid: base,
    nextPersistId: base + 1,
  };
  const ctx = newStepCtx(self, env, config, { pending: 0, at: env.now }, state.nextRid, state.nextPersistId);
  ctx.effects.push({ kind: 'persist', id: base, write });
  trace(ctx, 'Boot', { node: self, incarnation });
  startLoadRing(ctx);
  // Every boot is a new incarnation that the membership must admit (DESIGN.md §4); until then the
  // provisional epoch-0 view over the configured nodes routes requests.
  return { state: bootNodeMembership(ctx, bootReplicaManager(ctx, state)), effects: ctx.effects };
}
