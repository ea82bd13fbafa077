// Turns a LoadedSpec + CfgModel into a CheckPlan: what to explore and what to check where, classified
// the way TLC's SpecProcessor does it:
// - a PROPERTY conjunct without temporal operators is checked on the initial states;
// - `[]P` with P a state predicate is checked like an invariant (and reported as one);
// - `[][A]_v` is an action property, checked on every generated transition;
// - anything else temporal is checked after exploration, on the state graph: common shapes directly
//   (liveness.ts), any other formula through the tableau (tableau-search.ts).
// A PROPERTY whose body is a conjunction names each conjunct by its source location, as TLC does.
import { TlaError, type ExprHandle, type LoadedSpec, type SourceLoc, type TemporalFormula } from '../api.js';
import type { CfgModel, CfgName } from '../cfg/cfg-model.js';

export interface NamedExpr {
  /** The name TLC prints (a cfg name or a source location). */
  readonly name: string;
  /** The cfg entry it came from. */
  readonly cfgName: string;
  readonly expr: ExprHandle;
}

export interface ActionProperty {
  readonly name: string;
  readonly cfgName: string;
  readonly action: ExprHandle;
  readonly vars: ExprHandle;
}

export interface Fairness {
  readonly kind: 'wf' | 'sf';
  readonly action: ExprHandle;
  readonly vars: ExprHandle;
}

/** A temporal formula without temporal operators: a state predicate built from leaves. */
export type StatePred = TemporalFormula;

/** Negation-ready shapes of the liveness properties we check (see liveness.ts). */
export type LiveShape =
  | { readonly kind: 'eventually'; readonly p: StatePred }
  | { readonly kind: 'infinitelyOften'; readonly p: StatePred }
  | { readonly kind: 'eventuallyAlways'; readonly p: StatePred }
  | { readonly kind: 'leadsTo'; readonly p: StatePred; readonly q: StatePred }
  | { readonly kind: 'fair'; readonly fairness: Fairness }
  /** Any other temporal formula: checked through the tableau (tableau-search.ts). */
  | { readonly kind: 'general'; readonly formula: TemporalFormula };

export interface LiveProperty {
  readonly name: string;
  readonly cfgName: string;
  readonly shape: LiveShape;
  /** Fairness assumed by this property only (`WF_v(A) => P`). */
  readonly assume: readonly Fairness[];
}

export interface CheckPlan {
  readonly init: ExprHandle;
  readonly next: ExprHandle;
  readonly invariants: readonly NamedExpr[];
  readonly initProperties: readonly NamedExpr[];
  readonly actionProperties: readonly ActionProperty[];
  readonly liveProperties: readonly LiveProperty[];
  readonly fairness: readonly Fairness[];
  readonly constraints: readonly ExprHandle[];
  readonly actionConstraints: readonly ExprHandle[];
  readonly view?: ExprHandle;
  readonly symmetry?: ExprHandle;
  readonly checkDeadlock: boolean;
  /** Warnings TLC prints before checking (e.g. symmetry with liveness). */
  readonly warnings: readonly string[];
}

/** TLC's warning (MP.W_SYMMETRY_LIVENESS-style) when temporal properties are checked under SYMMETRY. */
export const SYMMETRY_LIVENESS_WARNING =
  'Declaring symmetry during liveness checking is dangerous. It might cause TLC to miss violations of the stated liveness properties. Please check liveness without symmetry defined.';

export function locText(loc: SourceLoc): string {
  return `line ${loc.line}, col ${loc.col} to line ${loc.endLine}, col ${loc.endCol} of module ${loc.module}`;
}

function unsupported(msg: string, loc?: SourceLoc): never {
  throw new TlaError('unsupported', loc ? `${msg} (${locText(loc)})` : msg, loc);
}

function lookup(spec: LoadedSpec, cfg: CfgModel, n: CfgName, what: string): ExprHandle {
  const h = spec.definition(n.name);
  if (h === undefined) {
    throw new TlaError('cfg', `${cfg.file}:${n.pos.line}:${n.pos.col}: the ${what} ${n.name} is not defined in module ${spec.moduleName}`);
  }
  return h;
}

export function isStateLevel(f: TemporalFormula): boolean {
  switch (f.kind) {
    case 'state':
      return true;
    case 'and':
    case 'or':
      return f.parts.every(isStateLevel);
    case 'not':
      return isStateLevel(f.sub);
    case 'implies':
      return isStateLevel(f.lhs) && isStateLevel(f.rhs);
    default:
      return false;
  }
}

function flattenAnd(f: TemporalFormula): TemporalFormula[] {
  return f.kind === 'and' ? f.parts.flatMap(flattenAnd) : [f];
}

/** The location of a formula, for naming conjuncts. */
function formulaLoc(f: TemporalFormula): SourceLoc | undefined {
  switch (f.kind) {
    case 'state':
    case 'action':
      return f.expr.loc;
    case 'boxAction':
    case 'diamondAction':
      return f.loc;
    case 'weakFair':
    case 'strongFair':
      return f.action.loc;
    case 'and':
    case 'or':
      return f.parts.length > 0 ? formulaLoc(f.parts[0]) : undefined;
    case 'not':
    case 'always':
    case 'eventually':
      return formulaLoc(f.sub);
    case 'implies':
    case 'leadsTo':
      return formulaLoc(f.lhs);
  }
}

interface SpecParts {
  init: ExprHandle;
  next: ExprHandle;
  fairness: Fairness[];
}

function specificationParts(spec: LoadedSpec, cfg: CfgModel): SpecParts {
  const name = cfg.specification as CfgName;
  const f = spec.temporal(lookup(spec, cfg, name, 'specification'));
  let init: ExprHandle | undefined;
  let next: ExprHandle | undefined;
  const fairness: Fairness[] = [];
  for (const part of flattenAnd(f)) {
    if (part.kind === 'state' && init === undefined) init = part.expr;
    else if (part.kind === 'boxAction' && next === undefined) next = part.action;
    else if (part.kind === 'weakFair') fairness.push({ kind: 'wf', action: part.action, vars: part.vars });
    else if (part.kind === 'strongFair') fairness.push({ kind: 'sf', action: part.action, vars: part.vars });
    else unsupported(`SPECIFICATION ${name.name}: only Init /\\ [][Next]_v /\\ WF/SF conjuncts are supported`, formulaLoc(part));
  }
  if (init === undefined || next === undefined) {
    throw new TlaError('cfg', `SPECIFICATION ${name.name} must have the form Init /\\ [][Next]_vars (/\\ fairness)`);
  }
  return { init, next, fairness };
}

export function buildPlan(spec: LoadedSpec, cfg: CfgModel): CheckPlan {
  if (cfg.postconditions.length > 0) {
    const p = cfg.postconditions[0];
    throw new TlaError('unsupported', `${cfg.file}:${p.pos.line}:${p.pos.col}: POSTCONDITION is not supported by this checker`);
  }
  let parts: SpecParts;
  if (cfg.specification !== undefined) {
    if (cfg.init !== undefined || cfg.next !== undefined) throw new TlaError('cfg', `${cfg.file}: give either SPECIFICATION or INIT/NEXT, not both`);
    parts = specificationParts(spec, cfg);
  } else {
    if (cfg.init === undefined || cfg.next === undefined) throw new TlaError('cfg', `${cfg.file}: missing INIT/NEXT or SPECIFICATION`);
    parts = { init: lookup(spec, cfg, cfg.init, 'INIT'), next: lookup(spec, cfg, cfg.next, 'NEXT'), fairness: [] };
  }
  const invariants: NamedExpr[] = cfg.invariants.map((n) => ({ name: n.name, cfgName: n.name, expr: lookup(spec, cfg, n, 'invariant') }));
  const props = classifyProperties(spec, cfg);
  // Under SYMMETRY or VIEW the explored graph links representatives, not real successors: TLC checks liveness
  // on that graph anyway (and warns for SYMMETRY, since violations may be missed); so do we.
  const warnings = props.liveProperties.length > 0 && cfg.symmetry ? [SYMMETRY_LIVENESS_WARNING] : [];
  return {
    init: parts.init,
    next: parts.next,
    invariants: [...invariants, ...props.invariants],
    initProperties: props.initProperties,
    actionProperties: props.actionProperties,
    liveProperties: props.liveProperties,
    fairness: parts.fairness,
    constraints: cfg.constraints.map((n) => lookup(spec, cfg, n, 'constraint')),
    actionConstraints: cfg.actionConstraints.map((n) => lookup(spec, cfg, n, 'action constraint')),
    view: cfg.view ? lookup(spec, cfg, cfg.view, 'VIEW') : undefined,
    symmetry: cfg.symmetry ? lookup(spec, cfg, cfg.symmetry, 'SYMMETRY') : undefined,
    checkDeadlock: cfg.checkDeadlock,
    warnings,
  };
}

interface Classified {
  invariants: NamedExpr[];
  initProperties: NamedExpr[];
  actionProperties: ActionProperty[];
  liveProperties: LiveProperty[];
}

function classifyProperties(spec: LoadedSpec, cfg: CfgModel): Classified {
  const out: Classified = { invariants: [], initProperties: [], actionProperties: [], liveProperties: [] };
  for (const n of cfg.properties) {
    const f = spec.temporal(lookup(spec, cfg, n, 'property'));
    const conjuncts = flattenAnd(f);
    for (const c of conjuncts) {
      // TLC names a safety conjunct of a conjunction by its location (RefineCarryBug); liveness conjuncts
      // (also those of an expanded \A) keep the cfg name, which is what a user can act on.
      const loc = formulaLoc(c);
      const byLoc = conjuncts.length > 1 && loc !== undefined && !isLive(c);
      classifyOne(c, byLoc ? locText(loc) : n.name, n.name, out);
    }
  }
  return out;
}

function isLive(c: TemporalFormula): boolean {
  return !isStateLevel(c) && !(c.kind === 'always' && c.sub.kind === 'state') && c.kind !== 'boxAction';
}

function classifyOne(c: TemporalFormula, name: string, cfgName: string, out: Classified): void {
  if (c.kind === 'state') {
    out.initProperties.push({ name, cfgName, expr: c.expr });
  } else if (isStateLevel(c)) {
    // A compound state formula (e.g. P \/ Q) has no single handle to evaluate: it must hold initially,
    // which the tableau checks as a temporal formula.
    out.liveProperties.push({ name, cfgName, shape: { kind: 'general', formula: c }, assume: [] });
  } else if (c.kind === 'always' && c.sub.kind === 'state') {
    out.invariants.push({ name, cfgName, expr: c.sub.expr });
  } else if (c.kind === 'boxAction') {
    out.actionProperties.push({ name, cfgName, action: c.action, vars: c.vars });
  } else {
    const assume: Fairness[] = [];
    let body: TemporalFormula = c;
    const lhs = c.kind === 'implies' ? flattenAnd(c.lhs) : [];
    if (c.kind === 'implies' && lhs.every((a) => a.kind === 'weakFair' || a.kind === 'strongFair')) {
      for (const a of lhs) assume.push(asFairness(a, name));
      body = c.rhs;
    } else if (c.kind === 'implies') {
      out.liveProperties.push({ name, cfgName, shape: { kind: 'general', formula: c }, assume });
      return;
    }
    for (const part of flattenAnd(body)) out.liveProperties.push({ name, cfgName, shape: liveShape(part, name), assume });
  }
}

function asFairness(f: TemporalFormula, name: string): Fairness {
  if (f.kind === 'weakFair') return { kind: 'wf', action: f.action, vars: f.vars };
  if (f.kind === 'strongFair') return { kind: 'sf', action: f.action, vars: f.vars };
  return unsupported(`property ${name}: expected WF or SF`, formulaLoc(f));
}

function liveShape(f: TemporalFormula, name: string): LiveShape {
  if (f.kind === 'weakFair' || f.kind === 'strongFair') return { kind: 'fair', fairness: asFairness(f, name) };
  if (f.kind === 'eventually' && isStateLevel(f.sub)) return { kind: 'eventually', p: f.sub };
  if (f.kind === 'leadsTo' && isStateLevel(f.lhs) && isStateLevel(f.rhs)) return { kind: 'leadsTo', p: f.lhs, q: f.rhs };
  if (f.kind === 'always') {
    const s = f.sub;
    if (s.kind === 'eventually' && isStateLevel(s.sub)) return { kind: 'infinitelyOften', p: s.sub };
    // [](P => <>Q) is P ~> Q.
    if (s.kind === 'implies' && isStateLevel(s.lhs) && s.rhs.kind === 'eventually' && isStateLevel(s.rhs.sub)) {
      return { kind: 'leadsTo', p: s.lhs, q: s.rhs.sub };
    }
  }
  if (f.kind === 'eventually' && f.sub.kind === 'always' && isStateLevel(f.sub.sub)) return { kind: 'eventuallyAlways', p: f.sub.sub };
  void name;
  return { kind: 'general', formula: f };
}
