// The accumulator of one step of the node reducer. `stepNode` creates a fresh StepCtx per input, modules
// push effects into it and draw request/persist ids and random numbers from it; the reducer stays pure
// from the outside (same state + input + env → same result) because nothing outlives the step but the
// returned state and effects. WHY an accumulator rather than concatenating arrays per module: one delivery
// crosses four modules, and the simulator must run tens of thousands of deliveries per second.
import type { Effect, NodeConfig } from './io.js';
import type { LoadSample, Message, RequestId } from './messages.js';
import { randomInt } from './random.js';
import type { TraceAction } from './trace-actions.js';
import type { Env, NodeId } from './types.js';

export interface StepCtx {
  readonly self: NodeId;
  readonly env: Env;
  readonly config: NodeConfig;
  readonly effects: Effect[];
  /** Messages this node sends to itself: handled within the same step (a local call, no network hop). */
  readonly local: Message[];
  /** This node's load at the start of the step, piggybacked on every reply sent during it. */
  readonly load: LoadSample;
  nextRid: RequestId;
  nextPersistId: number;
  salt: number;
}

export function newStepCtx(
  self: NodeId,
  env: Env,
  config: NodeConfig,
  load: LoadSample,
  nextRid: number,
  nextPersistId: number,
): StepCtx {
  return { self, env, config, effects: [], local: [], load, nextRid, nextPersistId, salt: 0 };
}

export function send(ctx: StepCtx, to: NodeId, message: Message): void {
  if (to === ctx.self) ctx.local.push(message);
  else ctx.effects.push({ kind: 'send', to, message });
}

export function trace(ctx: StepCtx, action: TraceAction, args: Readonly<Record<string, unknown>>): void {
  ctx.effects.push({ kind: 'trace', action, args });
}

export function allocRid(ctx: StepCtx): RequestId {
  return ctx.nextRid++;
}

export function allocPersistId(ctx: StepCtx): number {
  return ctx.nextPersistId++;
}

/** A uniform integer in [0, n), distinct per call within one step. */
export function random(ctx: StepCtx, n: number): number {
  return randomInt(ctx.env, ctx.salt++, n);
}
