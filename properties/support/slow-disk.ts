// Heterogeneous disks, as a reducer wrapper. The simulator has one `diskLatencyMs` for every node
// (src/sim/config.ts; see docs/bugs-found-by-properties.md), so a node with a slower disk is modelled at
// the reducer boundary: the wrapped node learns that a write is durable only after its own slow disk
// would have finished it. Each `persisted` input is held back and released by a private timer, and the
// releases are serialised — release_k = max(release_{k-1}, arrival_k) + extraMs — so the node serves at
// most one write per `extraMs`: a disk with a lower service rate, whose backlog shows up both in the
// node's own load (pending disk-bound RPCs stay pending) and in the world's queue for that node.
import type { Input } from '../../src/pure/io.js';
import type { Env } from '../../src/pure/types.js';
import type { NodeReducer } from '../../src/sim/index.js';

const TIMER_PREFIX = 'test:slowdisk:';

interface SlowDiskState<S> {
  readonly inner: S;
  /** Extra service time per write on this node (0 = a normal disk). */
  readonly extraMs: number;
  /** Env time (ms) at which the slow disk is free again. */
  readonly freeAt: number;
}

/** Wrap `inner` so node `nK` gets `extraMsByNode[nK]` ms of extra service time per durable write. */
export function slowDiskReducer<S>(inner: NodeReducer<S>, extraMsByNode: Readonly<Record<string, number>>): NodeReducer<SlowDiskState<S>> {
  return {
    initialState: () => ({ inner: inner.initialState(), extraMs: 0, freeAt: 0 }),
    digest: (s) => `${inner.digest(s.inner)}|slowdisk ${s.extraMs} ${s.freeAt}`,
    step(s: SlowDiskState<S>, input: Input, env: Env) {
      if (input.kind === 'boot') {
        const r = inner.step(inner.initialState(), input, env);
        return { state: { inner: r.state, extraMs: extraMsByNode[input.self] ?? 0, freeAt: 0 }, effects: r.effects };
      }
      if (input.kind === 'persisted' && s.extraMs > 0) {
        const releaseAt = Math.max(s.freeAt, env.now) + s.extraMs;
        const effects = [{ kind: 'setTimer' as const, timer: TIMER_PREFIX + input.id, afterMs: releaseAt - env.now }];
        return { state: { ...s, freeAt: releaseAt }, effects };
      }
      if (input.kind === 'timer' && input.timer.startsWith(TIMER_PREFIX)) {
        const id = Number(input.timer.slice(TIMER_PREFIX.length));
        return wrapInner(inner, s, { kind: 'persisted', id }, env);
      }
      return wrapInner(inner, s, input, env);
    },
  };
}

function wrapInner<S>(inner: NodeReducer<S>, s: SlowDiskState<S>, input: Input, env: Env) {
  const r = inner.step(s.inner, input, env);
  return { state: { ...s, inner: r.state }, effects: r.effects };
}
