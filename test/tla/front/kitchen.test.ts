import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadSpec, valueOps } from '../../../src/tla/front-end.js';
import { readCfg } from './helpers.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;

describe('Kitchen fixture (a wide range of constructs)', () => {
  it('every ASSUME holds: recursion, operator arguments, LAMBDA, INSTANCE, tuples patterns, EXCEPT paths', async () => {
    const spec = await loadSpec(`${dir}Kitchen.tla`, readCfg(`${dir}Kitchen.cfg`).constants);
    const failing = spec.assumptions().filter((a) => !a.holds).map((a) => `line ${a.expr.loc.line}: ${a.expr.text}`);
    expect(failing).toEqual([]);
  });

  it('initial states and successors in TLC order, with labels and duplicates', async () => {
    const spec = await loadSpec(`${dir}Kitchen.tla`, readCfg(`${dir}Kitchen.cfg`).constants);
    const inits = spec.initStates(spec.definition('Init')!);
    expect(inits.map((s) => s.map((v) => valueOps.print(v)).join(' '))).toEqual(['0 "idle"', '1 "idle"']);
    const succ = spec.successors(spec.definition('Next')!, inits[0]);
    const shown = succ.map((t) => `${t.action.name}(${t.action.args.map((v) => valueOps.print(v)).join(',')}) ${t.state.map((v) => valueOps.print(v)).join(' ')}`);
    // Bump(1), Bump(2), Flip, then Choice's two values of v (its \E is over a state-dependent set: one action) (x' = 0 is a self-loop, still generated).
    // Shift(x) has a state-level argument: like TLC, the application itself is the action (no arguments).
    expect(shown).toEqual(['Bump(1) 1 "idle"', 'Bump(2) 2 "idle"', 'Flip() 0 "busy"', 'Choice() 0 "idle"', 'Choice() 1 "idle"', 'Shift() 0 "idle"']);
    const shift = succ[5].action.loc;
    expect(readFileSync(`${dir}Kitchen.tla`, 'utf8').split('\n')[shift.line - 1].slice(shift.col - 1, shift.endCol)).toBe('Shift(x)');
    // Flip's label is located at its body, like TLC's `<Flip line L, col 9 to ...>`.
    const lines = readFileSync(`${dir}Kitchen.tla`, 'utf8').split('\n');
    const flipLine = lines.findIndex((l) => l.startsWith('Flip ==')) + 1;
    const l = succ[2].action.loc;
    expect([l.line, l.col, l.endLine]).toEqual([flipLine, 9, flipLine + 1]);
  });
});

describe('enumeration errors and duplicates (TLC semantics)', () => {
  it('a successor or initial state that leaves a variable unassigned is an error naming it', async () => {
    const spec = await loadSpec(`${dir}Unassigned.tla`, new Map());
    const [s0] = spec.initStates(spec.definition('Init')!);
    expect(() => spec.successors(spec.definition('Next')!, s0)).toThrow(/by action Next of the next-state relation. The following variable is not assigned: y\./);
    expect(() => spec.initStates(spec.definition('BadInit')!)).toThrow(/variable y/);
  });

  it('a disjunction branches while some variable is unassigned, and is only tested once all are assigned', async () => {
    const spec = await loadSpec(`${dir}Unassigned.tla`, new Map());
    const [s0] = spec.initStates(spec.definition('Init')!);
    // Twice: y is still unassigned when the disjunction comes, so it branches: two (equal) successors.
    expect(spec.successors(spec.definition('Twice')!, s0).length).toBe(2);
    expect(spec.successors(spec.definition('Dup')!, s0).length).toBe(2);
    // Once: x' and y' are assigned before the disjunction, which is then only evaluated (one successor).
    expect(spec.successors(spec.definition('Once')!, s0).length).toBe(1);
  });

  it('a LET value that reads a primed variable is recomputed in each branch', async () => {
    const spec = await loadSpec(`${dir}Unassigned.tla`, new Map());
    const [s0] = spec.initStates(spec.definition('Init')!);
    const succ = spec.successors(spec.definition('LetBranch')!, s0);
    expect(succ.map((t) => t.state.map((v) => valueOps.print(v)).join(','))).toEqual(['5,6', '6,7']);
  });

  it('UNCHANGED of a LET-defined tuple assigns the variables in it', async () => {
    const spec = await loadSpec(`${dir}Unassigned.tla`, new Map());
    const [s0] = spec.initStates(spec.definition('Init')!);
    const succ = spec.successors(spec.definition('LetUnchanged')!, s0);
    expect(succ.map((t) => t.state.map((v) => valueOps.print(v)).join(','))).toEqual(['1,0']);
  });
});

describe('actions from an INSTANCE with substitutions', () => {
  it('are named A!Op and not split further, like TLC (its SubstInNode stops the split)', async () => {
    const spec = await loadSpec(`${dir}InstNext.tla`, new Map());
    const [s0] = spec.initStates(spec.definition('Init')!);
    const [t1] = spec.successors(spec.definition('Next')!, s0);
    expect([t1.action.name, valueOps.print(t1.state[0])]).toEqual(['I!Inc', '2']);
    const succ = spec.successors(spec.definition('Next')!, t1.state);
    expect(succ.map((t) => `${t.action.name} ${valueOps.print(t.state[0])} line ${t.action.loc.line}`)).toEqual([
      'I!Inc 4 line 14',
      'I!Dec 1 line 15',
      'I!Dec 0 line 15',
    ]);
    expect(succ[1].action.loc.module).toBe('InstInner');
  });
});
