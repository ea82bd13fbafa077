// SANY's precedence rule, which the tree-sitter grammar leaves to a later pass (it parses every infix
// operator as left-associative): two infix operators whose precedence ranges overlap may not be mixed
// without parentheses, unless they are the same associative operator. TLC rejects such a module
// (`a + b % c`, `a /\ b \/ c`, `2^3^2`, `a = b = c`); so do we, rather than guess a grouping.
// Ranges from Specifying Systems, p. 271 (Table 6), keyed by the grammar's symbol node types.
import type { Node } from 'web-tree-sitter';
import { TlaError } from '../api.js';

interface Prec {
  readonly lo: number;
  readonly hi: number;
  readonly assoc: boolean;
}

const p = (lo: number, hi: number, assoc = false): Prec => ({ lo, hi, assoc });

const TABLE: ReadonlyMap<string, Prec> = new Map([
  ['implies', p(1, 1)],
  ['plus_arrow', p(2, 2)],
  ['equiv', p(2, 2)],
  ['iff', p(2, 2)],
  ['leads_to', p(2, 2)],
  ['land', p(3, 3, true)],
  ['lor', p(3, 3, true)],
  ...['assign', 'bnf_rule', 'eq', 'neq', 'lt', 'gt', 'leq', 'geq', 'approx', 'rs_ttile', 'rd_ttile', 'ls_ttile', 'ld_ttile', 'asymp', 'cong', 'doteq', 'gg', 'll', 'in', 'notin', 'prec', 'succ', 'preceq', 'succeq', 'propto', 'sim', 'simeq', 'sqsubset', 'sqsupset', 'sqsubseteq', 'sqsupseteq', 'subset', 'supset', 'subseteq', 'supseteq'].map(
    (k) => [k, p(5, 5)] as const,
  ),
  ['cdot', p(5, 14, true)],
  ['compose', p(6, 6, true)],
  ['map_to', p(7, 7)],
  ['map_from', p(7, 7)],
  ['setminus', p(8, 8)],
  ['cap', p(8, 8, true)],
  ['cup', p(8, 8, true)],
  ['dots_2', p(9, 9)],
  ['dots_3', p(9, 9)],
  ['plus', p(10, 10, true)],
  ['plusplus', p(10, 10, true)],
  ['oplus', p(10, 10, true)],
  ['mod', p(10, 11)],
  ['modmod', p(10, 11, true)],
  ['vert', p(10, 11, true)],
  ['vertvert', p(10, 11, true)],
  ['ominus', p(11, 11, true)],
  ['minus', p(11, 11, true)],
  ['minusminus', p(11, 11, true)],
  ['amp', p(13, 13, true)],
  ['ampamp', p(13, 13, true)],
  ['odot', p(13, 13, true)],
  ['oslash', p(13, 13)],
  ['otimes', p(13, 13, true)],
  ['mul', p(13, 13, true)],
  ['mulmul', p(13, 13, true)],
  ['slash', p(13, 13)],
  ['slashslash', p(13, 13)],
  ['bigcirc', p(13, 13, true)],
  ['bullet', p(13, 13, true)],
  ['div', p(13, 13)],
  ['circ', p(13, 13, true)],
  ['star', p(13, 13, true)],
  ['sqcap', p(9, 13, true)],
  ['sqcup', p(9, 13, true)],
  ['uplus', p(9, 13, true)],
  ['wr', p(9, 14)],
  ['pow', p(14, 14)],
  ['powpow', p(14, 14)],
]);

function overlap(a: Prec, b: Prec): boolean {
  return a.lo <= b.hi && b.lo <= a.hi;
}

/** Throws if an unparenthesised operand of the infix node `n` mixes operators SANY would reject. */
export function checkInfixPrecedence(n: Node, op: string, lhs: Node, rhs: Node, where: () => string): void {
  const mine = TABLE.get(op);
  if (mine === undefined) return;
  for (const child of [lhs, rhs]) {
    if (child.type !== 'bound_infix_op') continue;
    const other = child.childForFieldName('symbol')?.type;
    if (other === undefined) continue;
    const theirs = TABLE.get(other);
    if (theirs === undefined || !overlap(mine, theirs)) continue;
    if (other === op && mine.assoc) continue;
    throw new TlaError('parse', `Precedence conflict between the operators ${symbolText(child)} and ${symbolText(n)}: add parentheses (${where()})`);
  }
}

function symbolText(n: Node): string {
  return n.childForFieldName('symbol')?.text ?? '?';
}
