import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedSpec } from '../../../src/tla/api.js';
import { loadSpec, valueOps } from '../../../src/tla/front-end.js';
import { CONF, readCfg } from './helpers.js';
import fc from 'fast-check';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.SEED ?? 7);
const replay = `replay with SEED=${SEED} PROPERTY_RUNS=${RUNS} npx vitest run test/tla/front/eval.test.ts`;

let spec: LoadedSpec;

async function load(name: string): Promise<LoadedSpec> {
  return loadSpec(`${CONF}/${name}.tla`, readCfg(`${CONF}/${name}.cfg`).constants);
}

/** Evaluates a constant expression in the scope of a module that EXTENDS Integers, Sequences, FiniteSets, TLC. */
function show(text: string): string {
  return valueOps.print(spec.evalState(spec.expr(text), []));
}

function code(text: string): string | undefined {
  try {
    show(text);
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

beforeAll(async () => {
  spec = await loadSpec(new URL('./fixtures/EvalFixture.tla', import.meta.url).pathname, new Map());
});

describe('ASSUME', () => {
  it('every ASSUME of ArithDivMod holds (floor \\div and %, precedence, ranges)', async () => {
    const s = await load('ArithDivMod');
    const as = s.assumptions();
    expect(as.length).toBe(6);
    expect(as.map((a) => a.holds)).toEqual([true, true, true, true, true, true]);
  });

  it('AssumeFalse: the second ASSUME is false, located like TLC prints it', async () => {
    const s = await load('AssumeFalse');
    const as = s.assumptions();
    expect(as.map((a) => a.holds)).toEqual([true, false]);
    const l = as[1].expr.loc;
    expect([l.line, l.col, l.endLine, l.endCol, l.module]).toEqual([10, 8, 10, 41, 'AssumeFalse']);
  });
});

describe('evaluator', () => {
  it('prints values like TLC', () => {
    expect(show('<<1, "a", TRUE>>')).toBe('<<1, "a", TRUE>>');
    expect(show('[b |-> 2, a |-> 1]')).toBe(show('[a |-> 1, b |-> 2]'));
    expect(show('{3, 1, 2, 1}')).toBe('{1, 2, 3}');
    expect(show('(2 :> "x") @@ (5 :> "y")')).toBe('(2 :> "x" @@ 5 :> "y")');
    expect(show('[i \\in 1..3 |-> i * i]')).toBe('<<1, 4, 9>>');
    expect(show('<<>>')).toBe('<<>>');
  });

  it('sets, SUBSET, UNION, set-builder and set-map', () => {
    expect(show('SUBSET {1, 2}')).toBe('{{}, {1}, {2}, {1, 2}}');
    expect(show('UNION {{1}, {2, 3}}')).toBe('{1, 2, 3}');
    expect(show('{x \\in 1..6 : x % 2 = 0}')).toBe('{2, 4, 6}');
    expect(show('{x * 10 : x \\in 1..3}')).toBe('{10, 20, 30}');
    expect(show('{1, 2} \\X {3}')).toBe('{<<1, 3>>, <<2, 3>>}');
    expect(show('[{1, 2} -> {0}]')).toBe('{<<0, 0>>}');
    expect(show('5 \\in Nat /\\ -1 \\notin Nat /\\ <<1>> \\in Seq({1}) /\\ {1} \\in SUBSET Nat')).toBe('TRUE');
    expect(show('2 \\in {x \\in Nat : x < 3} /\\ 7 \\notin {x \\in Nat : x < 3}')).toBe('TRUE');
  });

  it('functions, EXCEPT with paths and @, records', () => {
    expect(show('[[a |-> <<1, 2>>] EXCEPT !.a[2] = @ * 10]')).toBe('[a |-> <<1, 20>>]');
    expect(show('[[i \\in 1..2 |-> 0] EXCEPT ![1] = 5, ![2] = @ + 1]')).toBe('<<5, 1>>');
    expect(show('DOMAIN [a |-> 1, b |-> 2]')).toBe('{"a", "b"}');
    expect(show('[a : {1, 2}, b : {"x"}]')).toBe('{[a |-> 1, b |-> "x"], [a |-> 2, b |-> "x"]}');
  });

  it('CHOOSE, LET with operators, CASE, IF, quantifiers, LAMBDA', () => {
    expect(show('CHOOSE x \\in 1..10 : x * x > 20')).toBe('5');
    expect(show('LET f(a, b) == a + b  c == 4 IN f(c, 1)')).toBe('5');
    expect(show('CASE 1 > 2 -> "a" [] 2 > 1 -> "b" [] OTHER -> "c"')).toBe('"b"');
    expect(show('\\A x \\in 1..3 : \\E y \\in 1..3 : y = x')).toBe('TRUE');
    expect(show('SelectSeq(<<1, 2, 3, 4>>, LAMBDA x : x % 2 = 0)')).toBe('<<2, 4>>');
    expect(show('SortSeq(<<3, 1, 2>>, LAMBDA a, b : a < b)')).toBe('<<1, 2, 3>>');
  });

  it('number formats: \\b, \\o, \\h', () => {
    expect(show('<<\\b101, \\o17, \\hFF, \\Hff>>')).toBe('<<5, 15, 255, 255>>');
  });

  it('sequences and strings', () => {
    expect(show('Append(<<1>>, 2) \\o <<3>>')).toBe('<<1, 2, 3>>');
    expect(show('<<Len(<<1, 2>>), Head(<<7, 8>>), Tail(<<7, 8>>), SubSeq(<<1, 2, 3, 4>>, 2, 3)>>')).toBe('<<2, 7, <<8>>, <<2, 3>>>>');
    expect(show('ToString(<<1, "a">>)')).toBe('"<<1, \\"a\\">>"');
    expect(show('Len("a\\"b\\\\c")')).toBe('5');
    expect(show('"tab\there"')).toBe('"tab\\there"');
    // RandomElement: a fixed-seed choice (TLC's is random), always an element of its argument.
    expect(['1', '2', '3']).toContain(show('RandomElement({1, 2, 3})'));
  });

  it('refuses rather than answers wrongly: overflow, 0^0, CHOOSE with no witness, Assert', () => {
    expect(code('2147483647 + 1')).toBe('overflow');
    expect(code('2^31')).toBe('overflow');
    expect(code('0^0')).toBe('eval');
    expect(code('CHOOSE x \\in {1} : x > 1')).toBe('eval');
    expect(code('Assert(FALSE, "boom")')).toBe('assert');
    expect(code('Head(<<>>)')).toBe('eval');
    expect(code('RandomElement({})')).toBe('eval');
    expect(code('1 = "a"')).toBe('eval');
    expect(code('{} = <<>>')).toBe('eval');
    expect(code('1.5')).toBe('unsupported');
    expect(code('Real')).toBe('unsupported');
    expect(code('TLCGet("level")')).toBe('unsupported');
    expect(code('1 +')).toBe('parse');
  });

});

describe('temporal', () => {
  it('expands A!ASpec through INSTANCE to TLC\'s action-property location', async () => {
    const s = await load('RefineCarryBug');
    const f = s.temporal(s.definition('Refines')!);
    expect(f.kind).toBe('and');
    if (f.kind !== 'and') return;
    const kinds = f.parts.map((p) => p.kind);
    expect(kinds).toEqual(['state', 'boxAction', 'weakFair']);
    const box = f.parts[1];
    if (box.kind !== 'boxAction') return;
    expect([box.loc.line, box.loc.col, box.loc.endLine, box.loc.endCol, box.loc.module]).toEqual([13, 19, 13, 32, 'AbsTally']);
  });

  it('splits \\A n \\in S : WF_v(A(n)) over a constant set into one conjunct per element', async () => {
    const s = await load('LwwConverge');
    const f = s.temporal(s.definition('Spec')!);
    const flat = (x: typeof f): (typeof f)[] => (x.kind === 'and' ? x.parts.flatMap(flat) : [x]);
    const kinds = flat(f).map((p) => p.kind);
    expect(kinds.filter((k) => k === 'weakFair').length).toBe(4);
    expect(kinds.filter((k) => k === 'strongFair').length).toBe(2);
  });
});

describe('evaluator properties', () => {
  const lit = (xs: number[]): string => `{${xs.join(', ')}}`;
  const expected = (xs: number[]): string => lit([...new Set(xs)].sort((a, b) => a - b));

  it('property: \\cup, \\cap and \\ agree with set semantics and print in ascending order', () => {
    const small = fc.array(fc.integer({ min: -4, max: 6 }), { maxLength: 6 });
    const r = fc.check(
      fc.property(small, small, (a, b) => {
        const inB = new Set(b);
        return (
          show(`${lit(a)} \\cup ${lit(b)}`) === expected([...a, ...b]) &&
          show(`${lit(a)} \\cap ${lit(b)}`) === expected(a.filter((x) => inB.has(x))) &&
          show(`${lit(a)} \\ ${lit(b)}`) === expected(a.filter((x) => !inB.has(x)))
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(r.failed, `${fc.defaultReportMessage(r) ?? ''}\n${replay}`).toBe(false);
  });

  it('property: \\div and % are floor division and a non-negative remainder', () => {
    const r = fc.check(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 50 }), (a, b) => {
        const q = Math.floor(a / b);
        return show(`<<(${a}) \\div ${b}, (${a}) % ${b}>>`) === `<<${q}, ${a - b * q}>>`;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(r.failed, `${fc.defaultReportMessage(r) ?? ''}\n${replay}`).toBe(false);
  });
});
