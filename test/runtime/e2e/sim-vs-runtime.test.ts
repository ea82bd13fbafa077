// The simulator and the runtime run the same reducer. A small workload runs in the simulator (3 nodes, R = 2,
// no faults, no POP deletes); the messages it acknowledged are delivered, byte for byte, to a real 3-node
// cluster. Both must then store the same thing: per user, the same message ids (minted by the same reducer
// code from the same Message-ID) with the same bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, NO_FAULTS, runSimulation, USER_PASSWORD } from '../../../src/sim/index.js';
import type { World } from '../../../src/sim/world.js';
import { readFileSync } from 'node:fs';
import { traceActions } from '../../../src/pure/trace-actions.js';
import { TestCluster } from './harness.js';
import { popFetchAll, smtpSend } from './wire-client.js';

const seed = Number(process.env.SEED ?? 1);
let c: TestCluster;
const users = 4;

beforeAll(async () => {
  c = await TestCluster.start({ nodes: 3, replicas: 2, ackReplicas: 2, traces: true });
  for (let i = 0; i < users; i++) await c.addUser(`user${i}`, USER_PASSWORD);
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

/** user → sorted "msgId body" lines (CRLF kept, a trailing CRLF dropped: the wire adds one before the dot). */
type Stored = Map<string, string[]>;
const norm = (body: string) => body.replace(/\r\n$/, '');

function simStored(world: World<unknown>): Stored {
  const out = new Map<string, Map<string, string>>();
  for (const slot of world.nodes) {
    if (!slot.up) continue;
    slot.disk.durable.fragments.forEach((frag, user) => {
      const m = out.get(user) ?? new Map<string, string>();
      frag.forEach((msg) => m.set(msg.msgId, norm(msg.body)));
      out.set(user, m);
    });
  }
  return new Map([...out].map(([u, m]) => [u, [...m].map(([id, b]) => `${id} ${b}`).sort()]));
}

describe('simulator and runtime store the same thing for the same workload', () => {
  it(`per user, the same message ids and bodies (SEED=${seed})`, async () => {
    let world: World<unknown> | undefined;
    const r = runSimulation(
      makeConfig({
        seed, nodes: 3, users, messages: 12, faults: NO_FAULTS,
        workload: { popFraction: 0, deleteProbability: 0, distribution: 'uniform', bodyBytesMean: 300 },
      }),
      {
        invariant: (w) => {
          world = w; // the hook is the simulator's way to hand out its world (read after the run)
          return undefined;
        },
      },
    );
    expect(r.errors).toEqual([]);
    if (world === undefined) throw new Error('the simulation ran no step');
    const sim = simStored(world);
    const acked = [...r.history.acked.values()];
    expect(acked.length).toBe(12);
    // Deliver the acknowledged messages to the real cluster, round-robin over the nodes.
    for (const [i, m] of acked.entries()) {
      const n = c.node(`n${(i % 3) + 1}`);
      expect(await smtpSend(n.host, n.smtp, `${m.user}@example.org`, m.body, 20_000, true), m.msgId).toBe(250);
    }
    const real: Stored = new Map();
    for (let i = 0; i < users; i++) {
      const n = c.node(`n${(i % 3) + 1}`);
      const got = await popFetchAll(n.host, n.pop3, `user${i}`, USER_PASSWORD);
      expect(got.ok, got.error).toBe(true);
      if ((got.messages?.length ?? 0) === 0) continue;
      real.set(`user${i}`, (got.messages ?? []).map((body, k) => `${got.uidls?.[k]} ${norm(body)}`).sort());
    }
    expect([...real.keys()].sort()).toEqual([...sim.keys()].sort());
    for (const [user, lines] of sim) expect(real.get(user), user).toEqual(lines);
  }, 120_000);

  it('each node writes an NDJSON trace in the simulator\'s event format, with the spec\'s action names', async () => {
    await c.stopNodes(); // a graceful stop flushes the trace files
    const known = new Set<string>(traceActions);
    for (const id of ['n1', 'n2', 'n3']) {
      const lines = readFileSync(c.traceFile(id), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ kind: 'header', spec: 'Porcupine', constants: { Nodes: expect.arrayContaining(['n1', 'n2', 'n3']) } });
      const events = lines.slice(1);
      expect(events.length).toBeGreaterThan(10);
      events.forEach((e, i) => {
        expect(e).toMatchObject({ i: i + 1, node: id });
        expect(typeof e.t).toBe('number');
        expect(known.has(String(e.action)), String(e.action)).toBe(true);
      });
      expect(events.some((e) => e.action === 'Boot')).toBe(true);
    }
    const all = ['n1', 'n2', 'n3'].flatMap((id) => readFileSync(c.traceFile(id), 'utf8').split('\n'));
    expect(all.filter((l) => l.includes('"action":"Ack"')).length).toBe(12);
  });
});
