// spec/PorcupineMembership.tla: its three lists agree (the trace events the code emits, the actions its Next
// calls, the entries of src/conformance/membership.ts, with as many arguments as each action has), the small
// model MCPorcupineMembership satisfies its invariants and its liveness (all views agree once faults stop),
// which fails without the fairness that delivers commits, and two seeded bugs written into the spec are caught by the model checker, which prints the behaviour:
// round 3 sent before round 2 closes, and epochs without the wall clock (two views in one epoch).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceActions } from '../../src/pure/trace-actions.js';
import { SIM_TRACE_ACTIONS } from '../../src/sim/index.js';
import { getParser, parseText, type Module } from '../../src/tla/parse/index.js';
import { membershipArgMap } from '../../src/conformance/membership.js';
import { refinementFor } from '../../src/conformance/index.js';
import { runCli } from '../cli/run-cli.js';
import { modelVariant, repoRoot } from './harness.js';

const spec = path.join(repoRoot, 'spec/PorcupineMembership.tla');
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** The operators Next calls (through \E and MembershipNext), with their parameter counts. */
async function specActions(): Promise<Map<string, number>> {
  const [mod] = parseText(await getParser(), readFileSync(spec, 'utf8'), spec) as Module[];
  const defs = new Map(mod.units.flatMap((u) => (u.kind === 'opDef' ? [[u.name, u] as const] : [])));
  const out = new Map<string, number>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'object' && x !== null) {
      const o = x as { kind?: unknown; name?: unknown };
      const d = o.kind === 'ref' && typeof o.name === 'string' ? defs.get(o.name) : undefined;
      if (d !== undefined && d.name === 'MembershipNext') walk(d.body);
      else if (d !== undefined && d.params.length > 0) out.set(d.name, d.params.length); // not Nodes, Epochs, Reasons
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(defs.get('Next')?.body);
  return out;
}


describe('PorcupineMembership: trace names, spec actions and mapping agree', () => {
  const traced = sorted([...traceActions, ...SIM_TRACE_ACTIONS]);

  it("the spec's Next calls exactly the trace's actions", async () => {
    expect(sorted((await specActions()).keys())).toEqual(traced);
  });

  it('the mapping has one entry per trace action and is the registered one', () => {
    expect(sorted(Object.keys(membershipArgMap))).toEqual(traced);
    expect(refinementFor('PorcupineMembership')?.actions).toBe(membershipArgMap);
  });

  it("the mapping gives each action as many arguments as the spec's action has parameters", async () => {
    const arity = await specActions();
    const args = { node: 'n1', epoch: 7, coordinator: 'n2', members: ['n1', 'n2'], reason: 'boot', peer: 'n2' };
    for (const a of traced) {
      const ev = { i: 1, t: 0, node: 'n1', action: a, args, state: {} };
      expect(membershipArgMap[a as keyof typeof membershipArgMap](ev, { metaBefore: [] }).length, a).toBe(arity.get(a));
    }
  });
});

describe('MCPorcupineMembership model check', () => {
  it('the small model satisfies TypeOK, OneViewPerEpoch, MembersAccepted, ViewsCommitted, MapsMinimal, EpochsGrow and ViewsConverge', () => {
    const r = runCli(['tla', 'check', 'spec/MCPorcupineMembership.tla']);
    expect(r.stdout).toContain('Model checking completed. No error has been found.');
    expect(r.stdout).toMatch(/\d+ states generated, 12302 distinct states found, 0 states left on queue\./);
    expect(r.code).toBe(0);
  });

  it('without fairness of InstallView (a commit may never arrive) ViewsConverge is violated: the liveness check is not vacuous', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'membership-live-'));
    const mc = readFileSync(path.join(repoRoot, 'spec/MCPorcupineMembership.tla'), 'utf8');
    const fair = mc.split('\n').filter((l) => l.includes('InstallView(n, e, M)) /\\ UNCHANGED'));
    expect(fair).toHaveLength(1);
    writeFileSync(path.join(dir, 'MCPorcupineMembership.tla'), mc.replace(`${fair[0]}\n`, ''));
    for (const f of ['PorcupineMembership.tla', 'MCPorcupineMembership.cfg']) copyFileSync(path.join(repoRoot, 'spec', f), path.join(dir, f));
    const r = runCli(['tla', 'check', path.join(dir, 'MCPorcupineMembership.tla')]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('Error: Temporal property ViewsConverge was violated.');
  });

  it('seeded bug "round 3 is sent before round 2 closes" violates MembersAccepted, and the behaviour is printed', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineMembership', '       /\\ \\A m \\in M \\ {n} : \\E a \\in acc : a.node = m /\\ a.prop = q\n', '')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant MembersAccepted is violated.');
    // The behaviour ends in a state whose committed view lists a node with no accept of its proposal (the
    // checker labels MCNext's steps by MCNext, so the states show it: node 2 accepted nothing).
    const last = r.stdout.slice(r.stdout.lastIndexOf('State '));
    expect(last).toMatch(/committed = \{\[epoch \|-> 1, coord \|-> 1, members \|-> \{1, 2\}/);
    expect(last).not.toContain('[node |-> 2,');
  });

  it('seeded bug "two coordinators install different views in one epoch" (epochs without the wall clock) violates OneViewPerEpoch', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineMembership', '/\\ e > Max(Max(clock[n], view[n].epoch), Max(promised[n].epoch, wall[n]))', '/\\ e > Max(Max(clock[n], view[n].epoch), promised[n].epoch)')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant OneViewPerEpoch is violated.');
    // The behaviour: a view committed, its coordinator restarted (its Lamport clock lost), and the same epoch
    // committed again by the new incarnation with other members.
    expect(r.stdout).toContain('"restarting"');
    const last = r.stdout.slice(r.stdout.lastIndexOf('State '));
    const committed = last.split('\n').find((l) => l.includes('committed = ')) ?? '';
    const twice = (c: number): boolean => committed.split(`[epoch |-> 1, coord |-> ${c}, members`).length === 3;
    expect(twice(1) || twice(2), committed).toBe(true);
  });
});
