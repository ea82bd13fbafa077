// Trace validation: is a recorded NDJSON trace a behaviour of the spec?
// The first event (or, when it names no action / names Init, its state) must match an initial state; each
// later event must be a step of Next whose action label (TLC's split of Next: name and `\E` arguments)
// is the event's action and whose successor agrees with the variables the event gives. Events that
// give only some variables leave several candidate states: we keep the set (deduplicated, bounded).
// When the named action is not a label of Next's split (e.g. a composite definition), the step is
// accepted if `evalStep(Action, s, t)` holds for a Next successor t.
import { TlaError, type ExprHandle, type LoadedSpec, type State, type Transition, type Value, type ValueOps } from '../api.js';
import { valueOps } from '../values/index.js';
import { parseNdjson, type ParsedTrace, type TraceEvent } from './ndjson.js';

export interface ValidateOptions {
  /** Value operations (default: the front end's valueOps). */
  readonly ops?: ValueOps;
  /** Definitions to use (default Init and Next). */
  readonly init?: string;
  readonly next?: string;
  /** Bound on the candidate-state set (default 10,000). */
  readonly maxCandidates?: number;
  /**
   * Check an event that names an operator of the spec and gives its arguments as a list by evaluating that
   * operator with the arguments bound (default true). False: enumerate every successor of Next for every
   * event (the reference path; the fast path falls back to it for any event it cannot confirm).
   */
  readonly direct?: boolean;
}

export interface ValidationFailure {
  readonly line: number;
  readonly step?: number;
  readonly expectedAction: string;
  readonly message: string;
  /** Variables whose trace value differs from the closest state the spec allows: [var, trace, spec]. */
  readonly differences: readonly (readonly [string, string, string])[];
  /** Actions of Next enabled in the candidate states before this event. */
  readonly enabled: readonly string[];
}

export type ValidationResult =
  | { readonly ok: true; readonly steps: number; readonly candidates: number }
  | { readonly ok: false; readonly steps: number; readonly failure: ValidationFailure };

interface Partial {
  readonly idx: readonly number[];
  readonly vals: readonly Value[];
}

type Resolved = ValidateOptions & { readonly ops: ValueOps };

class Validator {
  private readonly opts: Resolved;
  private readonly init: ExprHandle;
  /** Bound on first use: Next is needed only when the fast path cannot confirm an event (binding it costs). */
  private nextHandle: ExprHandle | undefined;
  /** Init's states, computed once for every trace this validator checks. */
  private initial: State[] | undefined;
  private readonly max: number;
  private readonly varIndex: Map<string, number>;
  private readonly defCache = new Map<string, ExprHandle | undefined>();
  /** Action names with no operator of the recorded arity (the fast path does not apply to them). */
  private readonly noOperator = new Set<string>();

  constructor(
    private readonly spec: LoadedSpec,
    opts: ValidateOptions,
  ) {
    this.opts = { ...opts, ops: opts.ops ?? valueOps };
    this.init = this.need(opts.init ?? 'Init');
    this.max = opts.maxCandidates ?? 10_000;
    this.varIndex = new Map(spec.variables.map((v, i) => [v, i]));
  }

  private get next(): ExprHandle {
    this.nextHandle ??= this.need(this.opts.next ?? 'Next');
    return this.nextHandle;
  }

  private need(name: string): ExprHandle {
    const h = this.spec.definition(name);
    if (h === undefined) throw new TlaError('trace', `the spec has no definition ${name}`);
    return h;
  }

  run(trace: ParsedTrace): ValidationResult {
    const events = trace.events;
    if (events.length === 0) return { ok: true, steps: 0, candidates: 0 };
    this.initial ??= [...this.spec.initStates(this.init)];
    let cands: State[] = this.initial;
    let k = 0;
    const first = events[0];
    if (first.action === undefined || first.action === (this.opts.init ?? 'Init')) {
      const p = this.partial(first);
      const matching = this.dedup(cands.filter((s) => this.matches(s, p)));
      if (matching.length === 0) return { ok: false, steps: 0, failure: this.initFailure(first, cands, p) };
      cands = matching;
      k = 1;
    }
    for (; k < events.length; k++) {
      const ev = events[k];
      const p = this.partial(ev);
      const direct = this.direct(ev, cands, p);
      if (direct !== undefined) {
        cands = direct;
        continue;
      }
      const nextCands: State[] = [];
      const tried: Transition[] = [];
      for (const s of cands) {
        const succs = this.spec.successors(this.next, s);
        for (const tr of succs) {
          tried.push(tr);
          if (this.matches(tr.state, p) && this.isAction(ev, s, tr)) nextCands.push(tr.state);
        }
        if (ev.action === undefined && this.matches(s, p)) nextCands.push(s); // a stuttering event
      }
      const found = this.dedup(nextCands);
      if (found.length === 0) return { ok: false, steps: k, failure: this.stepFailure(ev, tried, p) };
      if (found.length > this.max) throw new TlaError('trace', `line ${ev.line}: more than ${this.max} candidate states; the trace gives too few variables`);
      cands = found;
    }
    return { ok: true, steps: events.length, candidates: cands.length };
  }

  /**
   * The fast path: the successors of the named action with the recorded arguments bound, restricted to the
   * traced variables. Undefined when it does not apply (no list of arguments, no operator of that name and
   * arity, the named definition is Next itself) or finds no successor: the enumeration of Next then decides
   * and explains. It relies on every operator a trace names being a disjunct of Next over its parameters'
   * domains, as the labels of our specs are (test/spec/names-in-sync.test.ts checks the names).
   */
  private direct(ev: TraceEvent, cands: readonly State[], p: Partial): State[] | undefined {
    const a = ev.action;
    if (this.opts.direct === false || a === undefined || !Array.isArray(ev.args) || a === (this.opts.next ?? 'Next')) return undefined;
    if (this.noOperator.has(a)) return undefined;
    const args = (ev.args as readonly unknown[]).map((j) => this.opts.ops.fromJson(j));
    const found: State[] = [];
    for (const s of cands) {
      const succs = this.spec.actionSuccessors(a, args, s);
      if (succs === undefined) {
        this.noOperator.add(a);
        return undefined;
      }
      for (const t of succs) if (this.matches(t, p)) found.push(t);
    }
    if (found.length === 0) return undefined;
    const out = this.dedup(found);
    if (out.length > this.max) throw new TlaError('trace', `line ${ev.line}: more than ${this.max} candidate states; the trace gives too few variables`);
    return out;
  }

  private partial(ev: TraceEvent): Partial {
    const idx: number[] = [];
    const vals: Value[] = [];
    for (const [name, j] of Object.entries(ev.state)) {
      const i = this.varIndex.get(name);
      if (i === undefined) throw new TlaError('trace', `line ${ev.line}: ${name} is not a variable of ${this.spec.moduleName}`);
      idx.push(i);
      vals.push(this.opts.ops.fromJson(j));
    }
    return { idx, vals };
  }

  private matches(s: State, p: Partial): boolean {
    for (let k = 0; k < p.idx.length; k++) if (!this.opts.ops.equals(s[p.idx[k]], p.vals[k])) return false;
    return true;
  }

  private isAction(ev: TraceEvent, s: State, tr: Transition): boolean {
    const a = ev.action;
    if (a === undefined || a === (this.opts.next ?? 'Next')) return true;
    if (tr.action.name === a) return this.argsMatch(ev, tr);
    let def = this.defCache.get(a);
    if (!this.defCache.has(a)) {
      def = this.spec.definition(a);
      this.defCache.set(a, def);
    }
    return def !== undefined && this.spec.evalStep(def, s, tr.state) === true;
  }

  /** Event args (an array, or an object in parameter order) against the label's argument values. */
  private argsMatch(ev: TraceEvent, tr: Transition): boolean {
    if (ev.args === undefined) return true;
    const given = Array.isArray(ev.args) ? ev.args : Object.values(ev.args);
    if (given.length === 0) return true;
    if (given.length !== tr.action.args.length) return false;
    return given.every((j, i) => this.opts.ops.equals(this.opts.ops.fromJson(j), tr.action.args[i]));
  }

  private dedup(states: State[]): State[] {
    if (states.length <= 1) return states;
    const seen = new Set<bigint>();
    return states.filter((s) => {
      const fp = this.opts.ops.fingerprintState(s);
      if (seen.has(fp)) return false;
      seen.add(fp);
      return true;
    });
  }

  private diff(s: State, p: Partial): [string, string, string][] {
    const out: [string, string, string][] = [];
    const pr = (v: Value): string => this.opts.ops.print(v);
    p.idx.forEach((i, k) => {
      if (!this.opts.ops.equals(s[i], p.vals[k])) out.push([this.spec.variables[i], pr(p.vals[k]), pr(s[i])]);
    });
    return out;
  }

  private closest(states: readonly State[], p: Partial): [string, string, string][] {
    let best: [string, string, string][] | undefined;
    for (const s of states) {
      const d = this.diff(s, p);
      if (best === undefined || d.length < best.length) best = d;
    }
    return best ?? [];
  }

  private initFailure(ev: TraceEvent, inits: readonly State[], p: Partial): ValidationFailure {
    const differences = this.closest(inits, p);
    const message = `line ${ev.line}: the first state does not satisfy ${this.opts.init ?? 'Init'}`;
    return { line: ev.line, step: ev.i, expectedAction: this.opts.init ?? 'Init', message, differences, enabled: [] };
  }

  private stepFailure(ev: TraceEvent, tried: readonly Transition[], p: Partial): ValidationFailure {
    const action = ev.action ?? (this.opts.next ?? 'Next');
    const named = tried.filter((tr) => ev.action === undefined || tr.action.name === ev.action);
    const enabled = [...new Set(tried.map((tr) => tr.action.name + (tr.action.args.length ? `(${tr.action.args.map((v) => this.opts.ops.print(v)).join(',')})` : '')))];
    const differences = this.closest((named.length > 0 ? named : tried).map((tr) => tr.state), p);
    const why = named.length === 0 && ev.action !== undefined ? `${action} is not enabled` : `no ${action} step leads to the traced state`;
    return { line: ev.line, step: ev.i, expectedAction: action, message: `line ${ev.line}: ${why}`, differences, enabled };
  }
}

/** Validates NDJSON trace lines (header first) against a loaded spec. */
export function validateTrace(spec: LoadedSpec, lines: string | readonly string[], opts: ValidateOptions = {}): ValidationResult {
  return new Validator(spec, opts).run(parseNdjson(lines));
}

export function validateParsed(spec: LoadedSpec, trace: ParsedTrace, opts: ValidateOptions = {}): ValidationResult {
  return new Validator(spec, opts).run(trace);
}

/**
 * validateParsed for several traces of one spec (a refinement that yields one behaviour per object), with
 * one validator: its bound definitions and caches are shared. The first failure, or ok with the steps summed.
 */
export function validateParsedEach(spec: LoadedSpec, traces: readonly ParsedTrace[], opts: ValidateOptions = {}): ValidationResult {
  const v = new Validator(spec, opts);
  let steps = 0;
  let candidates = 0;
  for (const t of traces) {
    const r = v.run(t);
    if (!r.ok) return { ...r, steps: steps + r.steps };
    steps += r.steps;
    candidates = Math.max(candidates, r.candidates);
  }
  return { ok: true, steps, candidates };
}

const ENABLED_SHOWN = 40;

export function describeFailure(f: ValidationFailure): string[] {
  const out = [`Trace validation failed at ${f.message}${f.step !== undefined ? ` (event i=${f.step})` : ''}.`, `Expected action: ${f.expectedAction}`];
  if (f.differences.length > 0) {
    out.push('Variables that differ from the closest state the spec allows (trace value vs spec value):');
    for (const [v, tr, sp] of f.differences) out.push(`  ${v}: trace ${tr}, spec ${sp}`);
  }
  // The enabled labels of a big model run into thousands (every Store of every id): show the first ones.
  const shown = f.enabled.slice(0, ENABLED_SHOWN);
  const more = f.enabled.length > ENABLED_SHOWN ? `, … (${f.enabled.length - ENABLED_SHOWN} more)` : '';
  out.push(`Enabled actions: ${shown.length > 0 ? shown.join(', ') + more : '(none)'}`);
  return out;
}
