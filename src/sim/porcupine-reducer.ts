// The real node reducer (src/pure/node.ts) as the world runs it, and the simulator's stand-in for the
// password verifier (the runtime uses scrypt; here a verifier is just a tagged password, which is enough
// because the simulator tests the protocol, not the cryptography).
import { digestNode, initialNodeState, stepNode, type NodeState } from '../pure/node.js';
import type { NodeReducer } from './world.js';

export const porcupineReducer: NodeReducer<NodeState> = {
  initialState: initialNodeState,
  step: stepNode,
  digest: digestNode,
};

const VERIFIER_TAG = 'sim$';

export function simVerifier(password: string): string {
  return VERIFIER_TAG + password;
}

export function simCheckPassword(password: string, verifier: string): boolean {
  return verifier === VERIFIER_TAG + password;
}
