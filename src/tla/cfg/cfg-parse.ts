// Parser for TLC `.cfg` files: a sequence of sections, each a keyword followed by its items.
// Errors carry file:line:col of the offending token (TlaError code 'cfg').
import type { CfgConstant, CfgValue } from '../api.js';
import type { CfgConstantEntry, CfgModel, CfgName, CfgPos } from './cfg-model.js';
import { cfgError, lexCfg, type CfgToken } from './cfg-lexer.js';

type Section =
  | 'constants'
  | 'init'
  | 'next'
  | 'specification'
  | 'invariants'
  | 'properties'
  | 'constraints'
  | 'actionConstraints'
  | 'symmetry'
  | 'view'
  | 'alias'
  | 'checkDeadlock'
  | 'postconditions';

const KEYWORDS: ReadonlyMap<string, Section> = new Map([
  ['CONSTANT', 'constants'],
  ['CONSTANTS', 'constants'],
  ['INIT', 'init'],
  ['NEXT', 'next'],
  ['SPECIFICATION', 'specification'],
  ['INVARIANT', 'invariants'],
  ['INVARIANTS', 'invariants'],
  ['PROPERTY', 'properties'],
  ['PROPERTIES', 'properties'],
  ['CONSTRAINT', 'constraints'],
  ['CONSTRAINTS', 'constraints'],
  ['ACTION_CONSTRAINT', 'actionConstraints'],
  ['ACTION_CONSTRAINTS', 'actionConstraints'],
  ['SYMMETRY', 'symmetry'],
  ['VIEW', 'view'],
  ['ALIAS', 'alias'],
  ['CHECK_DEADLOCK', 'checkDeadlock'],
  ['POSTCONDITION', 'postconditions'],
  ['POSTCONDITIONS', 'postconditions'],
]);

const SINGLE: ReadonlySet<Section> = new Set(['init', 'next', 'specification', 'symmetry', 'view', 'alias']);

interface Mutable {
  constants: CfgConstantEntry[];
  names: Map<Section, CfgName[]>;
  checkDeadlock?: boolean;
}

class Cursor {
  i = 0;
  constructor(
    readonly toks: readonly CfgToken[],
    readonly file: string,
  ) {}
  peek(k = 0): CfgToken {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  next(): CfgToken {
    return this.toks[this.i < this.toks.length - 1 ? this.i++ : this.i];
  }
  atSectionEnd(): boolean {
    const t = this.peek();
    return t.kind === 'eof' || (t.kind === 'ident' && KEYWORDS.has(t.text));
  }
  fail(t: CfgToken, msg: string): never {
    throw cfgError(this.file, t.line, t.col, msg);
  }
  expect(text: string): CfgToken {
    const t = this.next();
    if (t.text !== text || t.kind === 'string') this.fail(t, `expected "${text}" but found ${describe(t)}`);
    return t;
  }
}

function describe(t: CfgToken): string {
  return t.kind === 'eof' ? 'end of file' : t.kind === 'string' ? `string "${t.text}"` : `"${t.text}"`;
}

export function parseCfg(text: string, file = 'MC.cfg'): CfgModel {
  const cur = new Cursor(lexCfg(text, file), file);
  const m: Mutable = { constants: [], names: new Map() };
  while (cur.peek().kind !== 'eof') {
    const kw = cur.next();
    const section = kw.kind === 'ident' ? KEYWORDS.get(kw.text) : undefined;
    if (section === undefined) return cur.fail(kw, `expected a cfg keyword (CONSTANT, INIT, NEXT, ...) but found ${describe(kw)}`);
    parseSection(cur, section, kw, m);
  }
  return finish(m, file);
}

function parseSection(cur: Cursor, section: Section, kw: CfgToken, m: Mutable): void {
  if (section === 'constants') {
    while (!cur.atSectionEnd()) m.constants.push(parseConstant(cur));
    return;
  }
  if (section === 'checkDeadlock') {
    const t = cur.next();
    if (t.kind !== 'ident' || (t.text !== 'TRUE' && t.text !== 'FALSE')) cur.fail(t, `CHECK_DEADLOCK expects TRUE or FALSE, found ${describe(t)}`);
    m.checkDeadlock = t.text === 'TRUE';
    return;
  }
  const items: CfgName[] = m.names.get(section) ?? [];
  const before = items.length;
  while (!cur.atSectionEnd()) {
    const t = cur.next();
    if (t.kind !== 'ident') cur.fail(t, `${kw.text} expects a definition name, found ${describe(t)}`);
    items.push({ name: t.text, pos: { line: t.line, col: t.col } });
  }
  if (items.length === before) cur.fail(cur.peek(), `${kw.text} needs at least one name`);
  if (SINGLE.has(section) && items.length > 1) {
    const dup = items[1];
    throw cfgError(cur.file, dup.pos.line, dup.pos.col, `${kw.text} given more than once (already ${items[0].name})`);
  }
  m.names.set(section, items);
}

function parseConstant(cur: Cursor): CfgConstantEntry {
  const nameTok = cur.next();
  if (nameTok.kind !== 'ident') cur.fail(nameTok, `expected a constant name, found ${describe(nameTok)}`);
  const pos: CfgPos = { line: nameTok.line, col: nameTok.col };
  const op = cur.next();
  if (op.text === '=' && op.kind === 'punct') {
    const value: CfgConstant = { kind: 'value', value: parseValue(cur) };
    return { name: nameTok.text, value, pos };
  }
  if (op.text === '<-' && op.kind === 'punct') {
    let module: string | undefined;
    if (cur.peek().text === '[' && cur.peek().kind === 'punct') {
      cur.next();
      const mod = cur.next();
      if (mod.kind !== 'ident') cur.fail(mod, `expected a module name, found ${describe(mod)}`);
      module = mod.text;
      cur.expect(']');
    }
    const def = cur.next();
    if (def.kind !== 'ident') cur.fail(def, `expected a definition name after "<-", found ${describe(def)}`);
    const value: CfgConstant = { kind: 'override', definition: def.text };
    return module === undefined ? { name: nameTok.text, value, pos } : { name: nameTok.text, value, module, pos };
  }
  return cur.fail(op, `expected "=" or "<-" after constant ${nameTok.text}, found ${describe(op)}`);
}

function parseValue(cur: Cursor): CfgValue {
  const t = cur.next();
  switch (t.kind) {
    case 'int': {
      const n = Number(t.text);
      if (!Number.isSafeInteger(n) || n > 2147483647 || n < -2147483648) cur.fail(t, `integer ${t.text} is out of TLC's range`);
      return { kind: 'int', value: n };
    }
    case 'string':
      return { kind: 'string', value: t.text };
    case 'ident':
      if (t.text === 'TRUE' || t.text === 'FALSE') return { kind: 'bool', value: t.text === 'TRUE' };
      if (KEYWORDS.has(t.text)) cur.fail(t, `expected a value, found keyword ${t.text}`);
      return { kind: 'modelValue', name: t.text };
    case 'punct':
      if (t.text === '{') return { kind: 'set', elems: parseList(cur, '}') };
      if (t.text === '<<') return { kind: 'tuple', elems: parseList(cur, '>>') };
      return cur.fail(t, `expected a value, found ${describe(t)}`);
    case 'eof':
      return cur.fail(t, 'expected a value, found end of file');
  }
}

function parseList(cur: Cursor, close: string): CfgValue[] {
  const elems: CfgValue[] = [];
  if (cur.peek().text === close && cur.peek().kind === 'punct') {
    cur.next();
    return elems;
  }
  for (;;) {
    elems.push(parseValue(cur));
    const t = cur.next();
    if (t.kind === 'punct' && t.text === close) return elems;
    if (t.kind !== 'punct' || t.text !== ',') cur.fail(t, `expected "," or "${close}", found ${describe(t)}`);
  }
}

function finish(m: Mutable, file: string): CfgModel {
  const one = (s: Section): CfgName | undefined => m.names.get(s)?.[0];
  const many = (s: Section): CfgName[] => m.names.get(s) ?? [];
  const seen = new Map<string, CfgPos>();
  for (const c of m.constants) {
    // `Ballot <- MCBallot` and `Ballot <-[Voting] MCBallot` name different things (the root's, Voting's).
    const key = c.module === undefined ? c.name : `${c.module}!${c.name}`;
    if (seen.has(key)) throw cfgError(file, c.pos.line, c.pos.col, `constant ${c.name} is assigned twice`);
    seen.set(key, c.pos);
  }
  return {
    file,
    constants: m.constants,
    init: one('init'),
    next: one('next'),
    specification: one('specification'),
    invariants: many('invariants'),
    properties: many('properties'),
    constraints: many('constraints'),
    actionConstraints: many('actionConstraints'),
    symmetry: one('symmetry'),
    view: one('view'),
    alias: one('alias'),
    postconditions: many('postconditions'),
    checkDeadlock: m.checkDeadlock ?? true,
  };
}
