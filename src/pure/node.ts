// PLACEHOLDER signatures (the pure-core helper replaces the bodies): the node reducer composing the modules.
import type { Env, NodeId } from './types.js';
import type { Input, StepResult } from './io.js';

export interface NodeState {
  readonly self: NodeId | undefined;
}

/** The state of a node that has not booted yet (the first input must be `boot`). */
export function initialNodeState(): NodeState {
  return { self: undefined };
}

/** The single entry point (STYLE.md habit 2). */
export function stepNode(state: NodeState, input: Input, env: Env): StepResult<NodeState> {
  void env;
  void input;
  return { state, effects: [] };
}

/** A canonical digest of the node's whole state (hard and soft), for replay's byte-identical check. */
export function digestNode(state: NodeState): string {
  return JSON.stringify(state);
}
