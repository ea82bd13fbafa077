// Simulator traces are behaviours of spec/MailStore.tla (DESIGN.md §5 "Conformance"): small runs without
// faults, with network loss/duplication/reordering, and with crashes and restarts, each unreplicated and
// replicated (NodeConfig.replicas = 2, the simulator's default), mapped by src/conformance/mailstore.ts and validated
// in-process. Then traces tampered with in ways a bug would show (a Store or ReplPersist missing, an action
// misnamed, a delete of other ids, a tombstone passed off as a copy, a crash losing durable mail, a Deliver
// claiming a copy where none was stored, a 250 without a stored copy, a node booting twice) must be
// rejected at the tampered line.
// Replay a failing seed: SEED=<seed> npx vitest run test/spec/trace-conformance.test.ts
import { beforeAll, describe, expect, it } from 'vitest';
import { traceActions } from '../../src/pure/trace-actions.js';
import { SIM_TRACE_ACTIONS, type DeepPartial, type SimConfig } from '../../src/sim/index.js';
import { actionCounts, simulate, smallConfig, validateRaw } from './harness.js';

const baseSeed = Number(process.env.SEED ?? 1);
const seeds = [baseSeed, baseSeed + 1, baseSeed + 2];

const networkFaults: DeepPartial<SimConfig> = { faults: { lossRate: 0.05, dupRate: 0.2, reorderRate: 0.1 } };
// Crashes inside the fault phase (it starts at warmupMs = 5000), while the nodes hold mail; n3 stays down
// until the heal phase restarts it.
const crashes: DeepPartial<SimConfig> = {
  ...networkFaults,
  schedule: [
    { kind: 'crash', atMs: 5060, node: 'n2' },
    { kind: 'restart', atMs: 5400, node: 'n2' },
    { kind: 'crash', atMs: 5120, node: 'n3' },
  ],
};

const scenarios: readonly (readonly [string, DeepPartial<SimConfig>])[] = [
  ['no faults', {}],
  ['loss, duplication and reordering', networkFaults],
  ['network faults plus crashes and restarts', crashes],
];

/** The replication factor of a run: 0 is the unreplicated path (mailbox.ts), 2 the replicated one. */
function replicas(r: 0 | 2, over: DeepPartial<SimConfig> = {}): DeepPartial<SimConfig> {
  return { ...over, node: { ...over.node, replicas: r } };
}

const modes = [
  // The actions that change the abstract state, which the runs of the mode must exercise.
  { r: 0, name: 'unreplicated', changing: ['Boot', 'Store', 'StoreDuplicate', 'Delete', 'Crash', 'Restart', 'Deliver', 'Ack'] },
  { r: 2, name: 'replicated (R=2)', changing: ['Boot', 'ReplPersist:message', 'ReplPersist:tombstone', 'Crash', 'Restart', 'Deliver', 'Ack'] },
] as const;

const knownActions = new Set<string>([...traceActions, ...SIM_TRACE_ACTIONS]);

for (const mode of modes) {
  describe(`${mode.name} simulator traces validate against MailStore`, () => {
    const seen = new Map<string, number>();
    for (const [name, over] of scenarios) {
      for (const seed of seeds) {
        it(`${name}, seed ${seed}`, async () => {
          const raw = simulate(smallConfig(seed, replicas(mode.r, over)));
          const v = await validateRaw(raw);
          for (const [a, k] of actionCounts(raw)) seen.set(a, (seen.get(a) ?? 0) + k);
          // ReplPersist counted per kind too ('ReplPersist:message', 'ReplPersist:tombstone').
          for (const l of linesOf(raw, 'ReplPersist')) {
            const key = `ReplPersist:${String(eventAt(raw, l).args.kind)}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
          expect(v.result.ok, `${v.why}\nreplay: SEED=${seed} npx vitest run test/spec/trace-conformance.test.ts`).toBe(true);
          expect(v.result.steps).toBe(v.events);
          expect(v.events).toBeGreaterThan(50);
        });
      }
    }

    it('the runs above exercised the actions that change the abstract state', () => {
      for (const a of mode.changing) expect(seen.get(a) ?? 0, a).toBeGreaterThan(0);
    });

    it('the runs above named no action outside trace-actions.ts and SIM_TRACE_ACTIONS', () => {
      expect([...seen.keys()].filter((a) => !a.includes(':') && !knownActions.has(a))).toEqual([]);
      expect(seen.size).toBeGreaterThan(10);
    });
  });
}

/** 1-based line numbers of raw lines with this action. */
function linesOf(raw: readonly string[], action: string): number[] {
  return raw.flatMap((l, k) => ((JSON.parse(l) as { action?: string }).action === action ? [k + 1] : []));
}

function eventAt(raw: readonly string[], line: number): { node: string; args: Record<string, unknown>; state: { mailboxes: Record<string, Record<string, string[]>> } } {
  return JSON.parse(raw[line - 1]) as ReturnType<typeof eventAt>;
}

function edit(raw: readonly string[], line: number, f: (ev: Record<string, any>) => void): string[] { // any: a JSON event
  const out = [...raw];
  const ev = JSON.parse(out[line - 1]) as Record<string, any>; // any: tests poke at arbitrary fields
  f(ev);
  out[line - 1] = JSON.stringify(ev);
  return out;
}

/** The line of the last event before `line` (1-based). */
function previousEvent(raw: readonly string[], line: number): number {
  for (let k = line - 2; k > 0; k--) if ('action' in (JSON.parse(raw[k]) as object)) return k + 1;
  throw new Error(`no event before line ${line}`);
}

function firstEventAfter(raw: readonly string[], line: number): number {
  for (let k = line; k < raw.length; k++) if ('action' in (JSON.parse(raw[k]) as object)) return k + 1;
  throw new Error(`no event after line ${line}`);
}

describe('tampered traces are rejected at the right line', () => {
  let plain: string[];
  let crashed: string[];
  let replicated: string[];
  let replicatedCrashed: string[];
  beforeAll(() => {
    plain = simulate(smallConfig(baseSeed, replicas(0)));
    crashed = simulate(smallConfig(baseSeed, replicas(0, crashes)));
    replicated = simulate(smallConfig(baseSeed, replicas(2)));
    replicatedCrashed = simulate(smallConfig(baseSeed, replicas(2, crashes)));
  });

  it('a dropped Store line: the next event shows mail that no Store put there', async () => {
    const store = linesOf(plain, 'Store')[0];
    const tampered = plain.filter((_, k) => k !== store - 1);
    const v = await validateRaw(tampered);
    expect(v.result.ok).toBe(false);
    if (!v.result.ok) {
      const next = firstEventAfter(tampered, store - 1);
      expect(v.result.failure.line).toBe(next);
      // Usually the proxy's Deliver of the same step: it now claims a copy that no Store made durable.
      expect(v.result.failure.expectedAction).toBe((JSON.parse(tampered[next - 1]) as { action: string }).action);
    }
  });

  it('a Store renamed StoreDuplicate (the message was not there yet)', async () => {
    const store = linesOf(plain, 'Store')[0];
    const v = await validateRaw(edit(plain, store, (ev) => (ev.action = 'StoreDuplicate')));
    expect(v.result).toMatchObject({ ok: false, failure: { line: store, expectedAction: 'StoreDuplicate' } });
  });

  it('an action name the spec does not have', async () => {
    const store = linesOf(plain, 'Store')[0];
    const v = await validateRaw(edit(plain, store, (ev) => (ev.action = 'Stored')));
    expect(v.result).toMatchObject({ ok: false, failure: { line: store, expectedAction: 'Stored' } });
    if (!v.result.ok) expect(v.result.failure.message).toMatch(/Stored is not enabled/);
  });

  it('a Delete that names other ids than those that went', async () => {
    // A Delete that removed something: the ids it names were held before it and are gone after it.
    const del = linesOf(plain, 'Delete').find((l) => {
      const ev = eventAt(plain, l);
      const before = eventAt(plain, previousEvent(plain, l)).state.mailboxes[ev.args.user as string]?.[ev.node] ?? [];
      return (ev.args.msgIds as string[]).some((m) => before.includes(m));
    });
    expect(del, 'a Delete that removed a message (change the workload if none does)').toBeDefined();
    const v = await validateRaw(edit(plain, del as number, (ev) => (ev.args.msgIds = [])));
    expect(v.result).toMatchObject({ ok: false, failure: { line: del, expectedAction: 'Delete' } });
  });

  for (const [name, trace] of [['unreplicated', () => crashed], ['replicated', () => replicatedCrashed]] as const) {
    it(`a crash that loses durable mail (${name})`, async () => {
      const raw = trace();
      const crash = linesOf(raw, 'Crash').find((l) => {
        const ev = eventAt(raw, l);
        return Object.values(ev.state.mailboxes).some((byNode) => (byNode[ev.node] ?? []).length > 0);
      });
      expect(crash, 'a crash of a node holding mail (change the schedule if the workload moved)').toBeDefined();
      const lossy = edit(raw, crash as number, (ev) => {
        for (const byNode of Object.values(ev.state.mailboxes as Record<string, Record<string, string[]>>)) delete byNode[ev.node];
      });
      const v = await validateRaw(lossy);
      expect(v.result).toMatchObject({ ok: false, failure: { line: crash, expectedAction: 'Crash' } });
    });
  }

  it('a dropped ReplPersist line: the next event shows a replicated copy that no step made durable', async () => {
    const persist = linesOf(replicated, 'ReplPersist').find((l) => eventAt(replicated, l).args.kind === 'message') as number;
    const tampered = replicated.filter((_, k) => k !== persist - 1);
    const v = await validateRaw(tampered);
    expect(v.result).toMatchObject({ ok: false, failure: { line: firstEventAfter(tampered, persist - 1) } });
  });

  it('a durable message copy passed off as a tombstone', async () => {
    const persist = linesOf(replicated, 'ReplPersist').find((l) => eventAt(replicated, l).args.kind === 'message') as number;
    const v = await validateRaw(edit(replicated, persist, (ev) => (ev.args.kind = 'tombstone')));
    expect(v.result).toMatchObject({ ok: false, failure: { line: persist, expectedAction: 'ReplPersist' } });
  });

  it('a durable tombstone passed off as a message copy', async () => {
    const persist = linesOf(replicated, 'ReplPersist').find((l) => {
      const ev = eventAt(replicated, l);
      const before = eventAt(replicated, previousEvent(replicated, l)).state.mailboxes[ev.args.user as string]?.[ev.node] ?? [];
      return ev.args.kind === 'tombstone' && before.includes(ev.args.msgId as string);
    });
    expect(persist, 'a tombstone that removed a copy (change the workload if none does)').toBeDefined();
    const v = await validateRaw(edit(replicated, persist as number, (ev) => (ev.args.kind = 'message')));
    expect(v.result).toMatchObject({ ok: false, failure: { line: persist, expectedAction: 'ReplPersist' } });
  });

  // Deliver changes no variable: only its guard (<<at, u, m>> \in stored) can reject it, so this edit
  // exercises that guard and nothing else (issue 13: no tampered trace did before).
  for (const [name, trace] of [['unreplicated', () => plain], ['replicated', () => replicated]] as const) {
    it(`a Deliver claiming a durable copy at a node that never stored the message (${name})`, async () => {
      const raw = trace();
      const nodes = (JSON.parse(raw[0]) as { constants: { Nodes: string[] } }).constants.Nodes;
      // The first Deliver whose message some node never made durable before it: move its `at` there.
      const stores = (line: number, user: unknown, msgId: unknown): Set<string> => {
        const at = new Set<string>();
        for (let k = 1; k < line - 1; k++) {
          const ev = JSON.parse(raw[k]) as { action?: string; node: string; args: Record<string, unknown> };
          const stored = ev.action === 'Store' || (ev.action === 'ReplPersist' && ev.args.kind === 'message');
          if (stored && ev.args.user === user && ev.args.msgId === msgId) at.add(ev.node);
        }
        return at;
      };
      let target: { line: number; elsewhere: string } | undefined;
      for (const l of linesOf(raw, 'Deliver')) {
        const ev = eventAt(raw, l);
        const elsewhere = nodes.find((n) => !stores(l, ev.args.user, ev.args.msgId).has(n));
        if (elsewhere !== undefined) {
          target = { line: l, elsewhere };
          break;
        }
      }
      expect(target, 'a Deliver of a message some node never stored (change the workload if none)').toBeDefined();
      const { line, elsewhere } = target as { line: number; elsewhere: string };
      const v = await validateRaw(edit(raw, line, (ev) => (ev.args.at = elsewhere)));
      expect(v.result).toMatchObject({ ok: false, failure: { line, expectedAction: 'Deliver' } });
      if (!v.result.ok) {
        // The traced state is exactly right (Deliver changes nothing): the guard alone rejects the step.
        expect(v.result.failure.differences).toEqual([]);
        const ev = eventAt(raw, line);
        expect(v.result.failure.enabled).not.toContain(`Deliver("${ev.node}","${String(ev.args.user)}","${String(ev.args.msgId)}","${elsewhere}")`);
      }
    });
  }

  it('a 250 Ack for a message no node ever stored', async () => {
    const ack = linesOf(plain, 'Ack').find((l) => (JSON.parse(plain[l - 1]) as { args: { code: number } }).args.code === 250) as number;
    const v = await validateRaw(edit(plain, ack, (ev) => (ev.args.msgId = 'never-stored')));
    expect(v.result).toMatchObject({ ok: false, failure: { line: ack, expectedAction: 'Ack' } });
  });

  it('a node that boots while it is up', async () => {
    const boot = linesOf(plain, 'Boot')[0];
    const twice = [...plain.slice(0, boot), plain[boot - 1], ...plain.slice(boot)];
    const v = await validateRaw(twice);
    expect(v.result).toMatchObject({ ok: false, failure: { line: boot + 1, expectedAction: 'Boot' } });
  });

  it('the untampered traces of this block are valid (the rejections above are the edits)', async () => {
    for (const raw of [plain, crashed, replicated, replicatedCrashed]) expect((await validateRaw(raw)).result.ok).toBe(true);
  });
});
