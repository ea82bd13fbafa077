import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { parseCfg } from '../../../src/tla/cfg/index.js';
import { TlaError } from '../../../src/tla/api.js';
import { conformanceDir } from './helpers.js';

describe('cfg parser', () => {
  it('parses every keyword TLC accepts, with comments', () => {
    const m = parseCfg(
      `\\* a comment
CONSTANTS
  N = 3   Neg = -2
  S = {a, b, "x", <<1, TRUE>>}
  a = a
  Cap <- MCCap
  Op <-[Inner] Other
(* block (* nested *) comment *)
INIT Init NEXT Next
INVARIANTS TypeOK Safe
INVARIANT More
PROPERTY Live
PROPERTIES P1 P2
CONSTRAINT Bound
ACTION_CONSTRAINTS AC
SYMMETRY Sym VIEW V ALIAS Al
CHECK_DEADLOCK FALSE
POSTCONDITION Post`,
      'X.cfg',
    );
    expect(m.constants.map((c) => c.name)).toEqual(['N', 'Neg', 'S', 'a', 'Cap', 'Op']);
    expect(m.constants[0].value).toEqual({ kind: 'value', value: { kind: 'int', value: 3 } });
    expect(m.constants[1].value).toEqual({ kind: 'value', value: { kind: 'int', value: -2 } });
    expect(m.constants[2].value).toEqual({
      kind: 'value',
      value: {
        kind: 'set',
        elems: [
          { kind: 'modelValue', name: 'a' },
          { kind: 'modelValue', name: 'b' },
          { kind: 'string', value: 'x' },
          { kind: 'tuple', elems: [{ kind: 'int', value: 1 }, { kind: 'bool', value: true }] },
        ],
      },
    });
    expect(m.constants[4].value).toEqual({ kind: 'override', definition: 'MCCap' });
    expect(m.constants[5]).toMatchObject({ module: 'Inner', value: { kind: 'override', definition: 'Other' } });
    expect(m.init?.name).toBe('Init');
    expect(m.next?.name).toBe('Next');
    expect(m.invariants.map((n) => n.name)).toEqual(['TypeOK', 'Safe', 'More']);
    expect(m.properties.map((n) => n.name)).toEqual(['Live', 'P1', 'P2']);
    expect(m.constraints.map((n) => n.name)).toEqual(['Bound']);
    expect(m.actionConstraints.map((n) => n.name)).toEqual(['AC']);
    expect([m.symmetry?.name, m.view?.name, m.alias?.name]).toEqual(['Sym', 'V', 'Al']);
    expect(m.checkDeadlock).toBe(false);
    expect(m.postconditions.map((n) => n.name)).toEqual(['Post']);
  });

  it('defaults CHECK_DEADLOCK to TRUE', () => {
    expect(parseCfg('SPECIFICATION Spec').checkDeadlock).toBe(true);
  });

  const bad: [string, RegExp][] = [
    ['INIT Init\nNEXT', /X\.cfg:2:5: NEXT needs at least one name/],
    ['CONSTANTS\n  N == 3', /X\.cfg:2:6: expected a value/],
    ['CONSTANTS\n  N := 3', /X\.cfg:2:5: unexpected character/],
    ['INIT A B', /X\.cfg:1:8: INIT given more than once/],
    ['FOO Bar', /X\.cfg:1:1: expected a cfg keyword/],
    ['CONSTANT S = {1, 2', /X\.cfg:1:19: expected "," or "}"/],
    ['CHECK_DEADLOCK maybe', /X\.cfg:1:16: CHECK_DEADLOCK expects TRUE or FALSE/],
    ['CONSTANT N = 1 N = 2', /X\.cfg:1:16: constant N is assigned twice/],
    ['INIT Init (* open', /X\.cfg:1:11: unterminated comment/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${JSON.stringify(text)} with line and column`, () => {
      let err: unknown;
      try {
        parseCfg(text, 'X.cfg');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TlaError);
      expect((err as TlaError).code).toBe('cfg');
      expect((err as TlaError).message).toMatch(re);
    });
  }

  it('parses every conformance cfg', () => {
    const dir = conformanceDir();
    const files = readdirSync(dir).filter((f) => f.endsWith('.cfg'));
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      const m = parseCfg(readFileSync(`${dir}/${f}`, 'utf8'), f);
      expect(m.init !== undefined || m.specification !== undefined, f).toBe(true);
    }
  });
});
