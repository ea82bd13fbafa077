// Test helpers: a minimal .cfg reader and a plain breadth-first search over our front end, to check the
// front end's counts against TLC's before the real checker (src/tla/check) integrates.
import { readFileSync } from 'node:fs';
import type { CfgConstant, CfgValue, ExprHandle, LoadedSpec, State, TemporalFormula } from '../../../src/tla/api.js';
import { loadSpec, valueOps, NestedTlaError } from '../../../src/tla/front-end.js';
import { conformanceDir } from '../../support/paths.js';

/** The TLC conformance suite (../shared/tla-conformance beside the repository). */
export const CONF = conformanceDir();

export interface MiniCfg {
  constants: Map<string, CfgConstant>;
  init?: string;
  next?: string;
  spec?: string;
  invariants: string[];
  constraints: string[];
  actionConstraints: string[];
  view?: string;
  symmetry?: string;
  checkDeadlock: boolean;
  other: string[];
}

function parseValue(s: string): CfgValue {
  s = s.trim();
  if (/^-?\d+$/.test(s)) return { kind: 'int', value: Number(s) };
  if (s.startsWith('"')) return { kind: 'string', value: JSON.parse(s) as string };
  if (s === 'TRUE' || s === 'FALSE') return { kind: 'bool', value: s === 'TRUE' };
  if (s.startsWith('{')) {
    const inner = s.slice(1, -1).trim();
    return { kind: 'set', elems: inner === '' ? [] : inner.split(',').map(parseValue) };
  }
  return { kind: 'modelValue', name: s };
}

export function readCfg(path: string): MiniCfg {
  const cfg: MiniCfg = { constants: new Map(), invariants: [], constraints: [], actionConstraints: [], checkDeadlock: true, other: [] };
  let section = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/\\\*.*$/, '').trim();
    if (line === '') continue;
    const m = /^([A-Z_]+)\s*(.*)$/.exec(line);
    const kw = m?.[1];
    if (kw !== undefined && /^(CONSTANTS?|INIT|NEXT|SPECIFICATION|INVARIANTS?|PROPERTY|PROPERTIES|CONSTRAINTS?|ACTION_CONSTRAINTS?|VIEW|SYMMETRY|CHECK_DEADLOCK)$/.test(kw)) {
      section = kw;
      const rest = m![2].trim();
      if (rest === '') continue;
      if (kw === 'INIT') cfg.init = rest;
      else if (kw === 'NEXT') cfg.next = rest;
      else if (kw === 'SPECIFICATION') cfg.spec = rest;
      else if (kw === 'VIEW') cfg.view = rest;
      else if (kw === 'SYMMETRY') cfg.symmetry = rest;
      else if (kw === 'CHECK_DEADLOCK') cfg.checkDeadlock = rest === 'TRUE';
      else if (kw.startsWith('CONSTANT')) addConstant(cfg, rest);
      else list(cfg, kw).push(...rest.split(/\s+/));
      continue;
    }
    if (section.startsWith('CONSTANT')) addConstant(cfg, line);
    else list(cfg, section).push(...line.split(/\s+/));
  }
  return cfg;
}

function list(cfg: MiniCfg, kw: string): string[] {
  if (kw.startsWith('INVARIANT')) return cfg.invariants;
  if (kw.startsWith('ACTION_CONSTRAINT')) return cfg.actionConstraints;
  if (kw.startsWith('CONSTRAINT')) return cfg.constraints;
  return cfg.other;
}

function addConstant(cfg: MiniCfg, line: string): void {
  const ov = /^(\w+)\s*<-\s*(\w+)$/.exec(line);
  if (ov) {
    cfg.constants.set(ov[1], { kind: 'override', definition: ov[2] });
    return;
  }
  const eq = /^(\w+)\s*=\s*(.*)$/.exec(line);
  if (eq) cfg.constants.set(eq[1], { kind: 'value', value: parseValue(eq[2]) });
}

export interface BfsResult {
  /** The counterexample's states as `var = value` texts (TLC's printing), sorted. */
  states?: string[][];
  /** `<Initial predicate>` / `<Name(args) line.. of module M>` of each state of the counterexample. */
  trace?: string[];
  distinct: number;
  generated: number;
  violated?: string;
  deadlock?: boolean;
  error?: string;
  /** For errors: TLC's nested expression positions. */
  nested?: string[];
}

function initNext(spec: LoadedSpec, cfg: MiniCfg): { init: ExprHandle; next: ExprHandle } {
  if (cfg.init !== undefined && cfg.next !== undefined) return { init: spec.definition(cfg.init)!, next: spec.definition(cfg.next)! };
  const f = spec.temporal(spec.definition(cfg.spec!)!);
  const parts: TemporalFormula[] = f.kind === 'and' ? [...f.parts] : [f];
  const flat = parts.flatMap((p) => (p.kind === 'and' ? p.parts : [p]));
  const init = flat.find((p) => p.kind === 'state');
  const next = flat.find((p) => p.kind === 'boxAction');
  if (init?.kind !== 'state' || next?.kind !== 'boxAction') throw new Error('cannot find Init /\\ [][Next]_v');
  return { init: init.expr, next: next.action };
}

/** SYMMETRY's permutations (functions from model values to model values) as name maps. */
function symmetryPerms(spec: LoadedSpec, cfg: MiniCfg): Map<string, string>[] {
  if (cfg.symmetry === undefined) return [];
  const set = spec.evalState(spec.definition(cfg.symmetry)!, []);
  if (typeof set !== 'object' || set.kind !== 'set') throw new Error('SYMMETRY is not a set');
  return set.elems.map((f) => {
    if (typeof f !== 'object' || f.kind !== 'fn') throw new Error('not a permutation');
    return new Map(f.dom.map((d, i) => [(d as { name: string }).name, (f.rng[i] as { name: string }).name]));
  });
}

/** The `[][A]_v` parts of the cfg's PROPERTIES (checked on every transition, as TLC does). */
function propertyChecks(spec: LoadedSpec, cfg: MiniCfg): { name: string; ok: (s: State, t: State) => boolean }[] {
  const out: { name: string; ok: (s: State, t: State) => boolean }[] = [];
  const walk = (name: string, f: TemporalFormula): void => {
    if (f.kind === 'and') f.parts.forEach((p) => walk(name, p));
    else if (f.kind === 'boxAction') {
      out.push({
        name,
        ok: (s, t) => spec.evalStep(f.action, s, t) === true || valueOps.equals(spec.evalState(f.vars, s), spec.evalState(f.vars, t)),
      });
    }
  };
  for (const p of cfg.other) walk(p, spec.temporal(spec.definition(p)!));
  return out;
}

/** Breadth-first search like TLC's (invariants checked on each new state, constraints filter). */
export async function bfs(name: string): Promise<BfsResult> {
  const cfg = readCfg(`${CONF}/${name}.cfg`);
  const spec = await loadSpec(`${CONF}/${name}.tla`, cfg.constants);
  const { init, next } = initNext(spec, cfg);
  const invs = cfg.invariants.map((n) => [n, spec.definition(n)!] as const);
  const cons = cfg.constraints.map((n) => spec.definition(n)!);
  const acons = cfg.actionConstraints.map((n) => spec.definition(n)!);
  const props = propertyChecks(spec, cfg);
  const view = cfg.view === undefined ? undefined : spec.definition(cfg.view)!;
  const seen = new Set<bigint>();
  const queue: State[] = [];
  const parent = new Map<State, [State, string] | null>();
  const statesOf = (s: State): string[][] => {
    const chain: State[] = [s];
    for (let p = parent.get(s); p !== undefined && p !== null; p = parent.get(p[0])) chain.unshift(p[0]);
    return chain.map((st) => st.map((v, i) => `${spec.variables[i]} = ${valueOps.print(v)}`).sort());
  };
  const traceOf = (s: State): string[] => {
    const out: string[] = [];
    for (let p = parent.get(s); p !== undefined; p = parent.get(p[0])) {
      if (p === null) break;
      out.unshift(p[1]);
      s = p[0];
    }
    return ['<Initial predicate>', ...out];
  };
  let generated = 0;
  const perms = symmetryPerms(spec, cfg);
  const key = (s: State): bigint => {
    if (view !== undefined) return valueOps.fingerprint(spec.evalState(view, s));
    let best = valueOps.fingerprintState(s);
    for (const p of perms) {
      const fp = valueOps.fingerprintState(s.map((v) => valueOps.permute(v, p)));
      if (fp < best) best = fp;
    }
    return best;
  };
  const check = (s: State): string | undefined => invs.find(([, h]) => spec.evalState(h, s) !== true)?.[0];
  try {
    for (const s of spec.initStates(init)) {
      generated++;
      const k = key(s);
      if (seen.has(k)) continue;
      const bad = check(s);
      parent.set(s, null);
      if (bad) return { distinct: seen.size + 1, generated, violated: bad, trace: traceOf(s), states: statesOf(s) };
      if (cons.every((c) => spec.evalState(c, s) === true)) {
        seen.add(k);
        queue.push(s);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      const succ = spec.successors(next, s);
      if (succ.length === 0 && cfg.checkDeadlock) return { distinct: seen.size, generated, deadlock: true, trace: traceOf(s), states: statesOf(s) };
      for (const tr of succ) {
        generated++;
        if (!acons.every((c) => spec.evalStep(c, s, tr.state) === true)) continue;
        const k = key(tr.state);
        // TLC checks action properties after inserting a new state into the seen set.
        const fresh = !seen.has(k);
        const badProp = props.find((p) => !p.ok(s, tr.state));
        if (badProp) return { distinct: seen.size + (fresh ? 1 : 0), generated, violated: badProp.name };
        if (!fresh) continue;
        const bad = check(tr.state);
        const ok = cons.every((c) => spec.evalState(c, tr.state) === true);
        const a = tr.action;
        const args = a.args.length === 0 ? '' : `(${a.args.map((v) => valueOps.print(v)).join(',')})`;
        parent.set(tr.state, [s, `<${a.name}${args} line ${a.loc.line}, col ${a.loc.col} to line ${a.loc.endLine}, col ${a.loc.endCol} of module ${a.loc.module}>`]);
        if (bad) return { distinct: seen.size + (ok ? 1 : 0), generated, violated: bad, trace: traceOf(tr.state), states: statesOf(tr.state) };
        if (!ok) continue;
        seen.add(k);
        queue.push(tr.state);
      }
    }
  } catch (e) {
    const nested = e instanceof NestedTlaError ? e.nested.map((l) => `line ${l.line}, col ${l.col} to line ${l.endLine}, col ${l.endCol}`) : undefined;
    return { distinct: seen.size, generated, error: (e as Error).message, nested };
  }
  return { distinct: seen.size, generated };
}

/** The states of a counterexample in a TLC output, as sorted `var = value` texts (long values unwrapped). */
export function expectedStates(out: string): string[][] {
  const states: string[][] = [];
  let cur: string[] | null = null;
  for (const line of out.split('\n')) {
    if (/^State \d+: </.test(line)) {
      cur = [];
      states.push(cur);
    } else if (cur !== null && line.startsWith('/\\ ')) cur.push(line.slice(3));
    else if (cur !== null && line.startsWith(' ') && cur.length > 0) cur[cur.length - 1] += ' ' + line.trim();
    else cur = null;
  }
  return states.map((st) => st.map(normalise).sort());
}

/** TLC wraps long values over lines: compare texts with whitespace normalised. */
export function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/([{[(]|<<) /g, '$1').replace(/ ([}\])]|>>)/g, '$1');
}
