// Issue 13: a reused Message-ID must never lose mail. A client's Message-ID used to be the message id, and a
// mailbox ignores an id it already holds: a second, different message carrying the same Message-ID was
// acknowledged with 250 and silently discarded. Only true retries (same Message-ID and same body) are
// deduplicated now. Generated: the foundation cases (3–6 nodes, users, messages, policy, spread, POP and delete
// rates) plus the fraction of messages that reuse an earlier Message-ID, with duplication and light loss so
// true retries happen too. Replay: see the failure message (SEED=…, PROPERTY_RUNS=…).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Effect, Input } from '../src/pure/io.js';
import { checkers, makeConfig, porcupineReducer, runSimulation, type NodeReducer, type SimConfig, type SimResult } from '../src/sim/index.js';
import { checkOf, expectChecks } from './support/expect-checks.js';
import { propertyParams, propertyRuns, propertySeed } from './support/fc-params.js';
import { caseConfig, simCaseArb, type SimCase } from './support/sim-cases.js';

const FILE = 'properties/message-id-reuse.test.ts';
const NAME = 'a reused Message-ID never loses mail: every acknowledged message, reused Message-ID or not, is listed once everywhere with its own body';

interface ReuseCase {
  readonly sim: SimCase;
  /** Fraction of messages (in percent) that reuse an earlier message's Message-ID with a different body. */
  readonly reusePercent: number;
  readonly dupPercent: number;
  readonly lossPercent: number;
}

const reuseCaseArb: fc.Arbitrary<ReuseCase> = fc.record({
  sim: simCaseArb({ maxMessages: 30 }),
  reusePercent: fc.integer({ min: 20, max: 80 }),
  dupPercent: fc.integer({ min: 0, max: 20 }),
  lossPercent: fc.integer({ min: 0, max: 5 }),
});

function reuseConfig(c: ReuseCase): SimConfig {
  const base = caseConfig(c.sim);
  return makeConfig({
    ...base,
    workload: { ...base.workload, messageIdReuse: c.reusePercent / 100 },
    faults: { ...base.faults, dupRate: c.dupPercent / 100, lossRate: c.lossPercent / 100 },
  });
}

/**
 * This suite's own oracle, independent of the message ids: every body acknowledged with 250, not deleted by its
 * recipient, is in the final listing at every live node exactly once (a body holds its Message-ID header, so
 * two messages sharing a Message-ID still have different bodies).
 */
function everyAckedBodyListedOnce(r: SimResult): string[] {
  const v: string[] = [];
  const h = r.history;
  const acked = [...h.acked.values()].filter((m) => !h.deleted.has(m.msgId) && !h.maybeDeleted.has(m.msgId));
  for (const l of h.listings) {
    if (!l.final || l.error !== undefined) continue;
    const bodies = new Map<string, number>();
    for (const id of l.msgIds) {
      const b = l.bodies.get(id);
      if (b !== undefined) bodies.set(b, (bodies.get(b) ?? 0) + 1);
    }
    for (const m of acked) {
      if (m.user !== l.user) continue;
      const n = bodies.get(m.body) ?? 0;
      if (n !== 1) v.push(`${l.node} lists the acknowledged message ${m.clientMsgId} (${m.msgId}) of ${l.user} ${n} times`);
    }
  }
  return v;
}

function reuseHolds(c: ReuseCase, reducer?: NodeReducer<unknown>): void {
  const r = runSimulation(reuseConfig(c), reducer === undefined ? {} : { reducer });
  expectChecks(r, [
    checkOf('everyAckedBodyListedOnce', everyAckedBodyListedOnce(r)),
    checkers.noLoss(r),
    checkers.exactlyOnceListing(r),
    checkers.byteIdenticalBodies(r),
  ]);
}

function sharedIdsAcked(r: SimResult): number {
  const byId = new Map<string, number>();
  for (const m of r.history.acked.values()) byId.set(m.clientMsgId, (byId.get(m.clientMsgId) ?? 0) + 1);
  return [...byId.values()].filter((n) => n > 1).length;
}

/**
 * The old behaviour, as a mutation of the real node: the id a proxy gives a message is derived from its
 * Message-ID alone (the body left out), so a second message with a reused Message-ID gets the first one's id.
 */
function messageIdOnlyIds(): NodeReducer<unknown> {
  const inner = porcupineReducer as NodeReducer<unknown>;
  const oldIdOf = new Map<string, string>();
  const rewriteId = (id: string, body: string): string => {
    const header = /^Message-ID: (<[^>\r\n]*>)/m.exec(body)?.[1];
    if (header === undefined) return id;
    const old = `old:${header}`;
    oldIdOf.set(id, old);
    return old;
  };
  const effect = (e: Effect): Effect => {
    if (e.kind === 'send' && e.message.kind === 'storeMsg') {
      const msg = e.message.msg;
      return { ...e, message: { ...e.message, msg: { ...msg, msgId: rewriteId(msg.msgId, msg.body) } } };
    }
    if (e.kind === 'reply' && e.reply.kind === 'smtpData') {
      return { ...e, reply: { ...e.reply, results: e.reply.results.map((x) => (x.msgId === undefined ? x : { ...x, msgId: oldIdOf.get(x.msgId) ?? x.msgId })) } };
    }
    return e;
  };
  const step: NodeReducer<unknown>['step'] = (state, input: Input, env) => {
    const r = inner.step(state, input, env);
    return { state: r.state, effects: r.effects.map(effect) };
  };
  return { initialState: inner.initialState, digest: inner.digest, step };
}

describe('a reused Message-ID never loses mail (issue 13)', () => {
  it(`property: ${NAME} (${propertyRuns(60)} runs)`, () => {
    fc.assert(fc.property(reuseCaseArb, (c) => reuseHolds(c)), propertyParams<[ReuseCase]>(NAME, { file: FILE, defaultRuns: 60, toConfig: ([c]) => reuseConfig(c) }));
  });

  it('the generated runs do acknowledge different messages under one Message-ID (the property is not vacuous)', () => {
    const cases = fc.sample(reuseCaseArb, { seed: propertySeed(), numRuns: 20 });
    const shared = cases.map((c) => sharedIdsAcked(runSimulation(reuseConfig(c)))).reduce((a, b) => a + b, 0);
    expect(shared).toBeGreaterThan(5);
  });

  it('the property fails on the old behaviour (message id from the Message-ID alone)', () => {
    const out = fc.check(fc.property(reuseCaseArb, (c) => reuseHolds(c, messageIdOnlyIds())), { seed: propertySeed(), numRuns: 60, endOnFailure: true });
    expect(out.failed, `the old behaviour went unnoticed in ${out.numRuns} runs`).toBe(true);
  });
});
