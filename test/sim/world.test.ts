import { describe, expect, it } from 'vitest';
import { emptyHardState } from '../../src/pure/hard-state.js';
import type { Effect, Input, StepResult } from '../../src/pure/io.js';
import type { Env } from '../../src/pure/types.js';
import { NO_FAULTS } from '../../src/sim/config.js';
import { Prng } from '../../src/sim/prng.js';
import { World, type NodeReducer } from '../../src/sim/world.js';
import { PING_INTERVAL_MS, pingPong } from './fake-reducers.js';

function makeWorld<S>(reducer: NodeReducer<S>, diskLatencyMs = 10): World<S> {
  const ids = ['n1', 'n2'];
  return new World(
    reducer,
    {
      ids, nodeConfig: { nodes: ids, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1000 },
      network: { delayMs: 2, jitterMs: 0, linkDelayMs: {} }, faults: NO_FAULTS, diskLatencyMs, passwordCheckMs: 1,
      initialHard: emptyHardState(), checkPassword: (p, v) => p === v,
    },
    new Prng(1), new Prng(2), { onReply: () => undefined },
  );
}

/** A node that persists one message per timer tick (every 1 ms) and records what it was told. */
interface WriterState { readonly ticks: number; readonly persisted: number[]; readonly boots: number; readonly bootStored: number }
const writer: NodeReducer<WriterState> = {
  initialState: () => ({ ticks: 0, persisted: [], boots: 0, bootStored: -1 }),
  digest: (s) => JSON.stringify(s),
  step(s: WriterState, input: Input, env: Env): StepResult<WriterState> {
    void env;
    const tick: Effect = { kind: 'setTimer', timer: 't', afterMs: 1 };
    if (input.kind === 'boot') return { state: { ...s, boots: s.boots + 1, bootStored: input.hard.fragments.get('u')?.size ?? 0 }, effects: [tick] };
    if (input.kind === 'timer') {
      const write = { kind: 'storeMessage', user: 'u', msg: { msgId: `m${s.ticks}`, body: 'b', sizeBytes: 1 } } as const;
      return { state: { ...s, ticks: s.ticks + 1 }, effects: [{ kind: 'persist', id: s.ticks, write }, tick] };
    }
    if (input.kind === 'persisted') return { state: { ...s, persisted: [...s.persisted, input.id] }, effects: [] };
    return { state: s, effects: [] };
  },
};

describe('World', () => {
  it('runs timers and message round trips with the configured link delay', () => {
    const w = makeWorld(pingPong);
    w.boot(0);
    w.boot(1);
    w.runUntil(() => false, 100);
    // pings at 10, 20, …, 100; a ping needs 2 ms to arrive, the pong 2 more.
    expect(w.nodes[1].state.pingsReceived).toBe(9);
    expect(w.nodes[0].state.pongsReceived).toBe(9);
    expect(w.nodes[0].state.seq).toBe(100 / PING_INTERVAL_MS);
  });

  it('Env.now is virtual time plus the node clock skew', () => {
    const w = makeWorld(pingPong);
    w.setSkew(1, -500);
    w.boot(0);
    w.boot(1);
    w.runUntil(() => false, 12);
    expect(w.nodes[0].state.lastEnv?.now).toBe(10);
    expect(w.nodes[1].state.lastEnv?.now).toBe(12 - 500);
  });

  it('a crash loses unflushed writes and timers; the restarted node boots from the durable state only', () => {
    const w = makeWorld(writer, 10);
    w.boot(0);
    w.runUntil(() => false, 25.5); // writes issued at 1..25, durable 10 ms later: m0..m15 durable
    const durable = w.nodes[0].disk.durable.fragments.get('u')?.size ?? 0;
    expect(durable).toBe(w.nodes[0].state.persisted.length);
    expect(w.nodes[0].state.ticks).toBeGreaterThan(durable); // some writes still in flight
    w.crash(0);
    w.runUntil(() => false, 200); // nothing may complete for the dead incarnation
    expect(w.nodes[0].disk.durable.fragments.get('u')?.size ?? 0).toBe(durable);
    expect(w.nodes[0].disk.writesLost).toBeGreaterThan(0);
    w.restart(0);
    expect(w.nodes[0].state.bootStored).toBe(durable);
    expect(w.nodes[0].state.boots).toBe(1); // fresh soft state: a new incarnation counts its own boots
  });

  it('messages to a crashed node are dropped; a reducer that throws halts the run and is reported', () => {
    const thrower: NodeReducer<number> = {
      initialState: () => 0,
      digest: String,
      step: (s, input) => {
        if (input.kind === 'timer') throw new Error('boom');
        return { state: s + 1, effects: input.kind === 'boot' ? [{ kind: 'setTimer', timer: 'x', afterMs: 5 }] : [] };
      },
    };
    const w = makeWorld(thrower);
    w.boot(0);
    w.runUntil(() => false, 100);
    expect(w.halted).toBe(true);
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0]).toMatchObject({ node: 'n1', input: 'timer', t: 5 });
    expect(w.errors[0].error).toContain('boom');
  });
});
