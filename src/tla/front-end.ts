// The TLA+ front end as the back end sees it (api.ts): loadSpec parses the root file and the modules it
// uses, binds the cfg's constants, and answers evaluation and enumeration questions.
import { readFileSync } from 'node:fs';
import { basename, delimiter, dirname } from 'node:path';
import { TlaError, type CfgConstant, type ExprHandle, type LoadedSpec, type State, type TemporalFormula, type Transition, type ValueOps, type SourceLoc } from './api.js';
import { getParser } from './parse/index.js';
export { getParser };
import { resetRandom } from './stdlib/tlc.js';
import { type Value, valueOps as ops, newInterningEpoch } from './values/index.js';
import { ModuleLoader, ScopeBuilder, applyCfg, internCfg } from './eval/modules.js';
import { Binder } from './eval/bind.js';
import type { IR } from './eval/ir.js';
import type { Ctx, Env } from './eval/env.js';
import { ev } from './eval/eval.js';
import { successors, initStates, enabled } from './eval/actions.js';
import { Enumeration } from './eval/enumerate.js';
import { toTemporal } from './eval/temporal.js';
import type { ModScope } from './eval/scope.js';

export const valueOps: ValueOps = ops;

/** Errors from initStates/successors/enabled may be this subclass, with TLC's "nested expressions". */
export { NestedTlaError } from './eval/enumerate.js';

/** Our ExprHandle: the bound expression and the environment it lives in. */
interface Handle extends ExprHandle {
  readonly ir: IR;
  readonly env: Env;
}

function isHandle(e: ExprHandle): e is Handle {
  return 'ir' in e;
}

/** Where modules outside the spec's folder are looked for: `libs` (e.g. --lib), then TLA_PATH (':'-separated, like TLC's -DTLA-Library). */
export function libraryPath(libs: readonly string[] = []): string[] {
  const env = process.env.TLA_PATH ?? '';
  return [...libs, ...env.split(delimiter).filter((d) => d !== '')];
}

export interface LoadOptions {
  /** Library folders searched after the spec's folder (TLA_PATH's are added after these). */
  readonly libs?: readonly string[];
  /** The cfg's `Op <-[Mod] Def` lines: module -> (name in Mod -> definition of the root module). */
  readonly moduleOverrides?: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export async function loadSpec(tlaPath: string, constants: ReadonlyMap<string, CfgConstant>, opts: LoadOptions = {}): Promise<LoadedSpec> {
  return loadSpecWith(await getParser(), tlaPath, constants, opts);
}

/**
 * loadSpec with the parser already initialised (`await getParser()` once): synchronous, for callers that
 * cannot await, such as a fast-check property validating each simulated run's trace (src/conformance).
 */
export function loadSpecWith(
  parser: Awaited<ReturnType<typeof getParser>>,
  tlaPath: string,
  constants: ReadonlyMap<string, CfgConstant>,
  opts: LoadOptions = {},
): LoadedSpec {
  newInterningEpoch();
  resetRandom();
  internCfg(constants);
  let text: string;
  try {
    text = readFileSync(tlaPath, 'utf8');
  } catch {
    throw new TlaError('io', `Cannot read ${tlaPath}`);
  }
  const loader = new ModuleLoader(parser, [dirname(tlaPath), ...libraryPath(opts.libs)]);
  const mods = loader.loadFile(tlaPath, text);
  if (mods.length === 0) throw new TlaError('parse', `No module in ${tlaPath}`);
  // SANY's refusal (ParseUnit): the root file must be named after its module.
  const fileName = basename(tlaPath).replace(/\.tla$/, '');
  if (fileName !== mods[0].name) throw new TlaError('parse', `File name '${fileName}' does not match the name '${mods[0].name}' of the top level module it contains.`);
  const vars: string[] = [];
  const builder = new ScopeBuilder(loader, constants);
  const scope = builder.root(mods[0], vars);
  applyCfg(scope, constants);
  builder.refreshCaptures();
  builder.applyModuleOverrides(scope, opts.moduleOverrides ?? new Map());
  return new Spec(mods[0].name, vars, scope, loader, builder);
}

class Spec implements LoadedSpec {
  private exprCount = 0;

  constructor(
    readonly moduleName: string,
    readonly variables: readonly string[],
    private readonly scope: ModScope,
    private readonly loader: ModuleLoader,
    private readonly builder: ScopeBuilder,
  ) {}

  private handle(ir: IR, env: Env, text?: string): Handle {
    return { ir, env, loc: ir.loc, text: text ?? this.loader.text(ir.loc) };
  }

  private h(e: ExprHandle): Handle {
    if (!isHandle(e)) throw new TlaError('semantic', 'Not an expression handle of this front end');
    return e;
  }

  private ctx(s: readonly (Value | undefined)[], t: readonly (Value | undefined)[] | null): Ctx {
    return { s, t, varNames: this.variables };
  }

  definition(name: string): ExprHandle | undefined {
    const ent = this.scope.entities.get(name);
    if (ent === undefined || ent.kind === 'inst') return undefined;
    if (ent.kind === 'def' && ent.def.params.length > 0) return undefined;
    const loc: SourceLoc = ent.kind === 'def' ? ent.def.bodyLoc : { module: this.moduleName, file: '', line: 0, col: 0, endLine: 0, endCol: 0 };
    const ir = new Binder(this.scope).entityRef(ent, name, [], loc);
    return this.handle(ir, null, name);
  }

  assumptions(): readonly { readonly expr: ExprHandle; readonly holds: boolean }[] {
    return this.builder.assumptions.map((a) => {
      const ir = new Binder(a.scope).bind(a.expr);
      const v = ev(ir, null, this.ctx([], null));
      if (typeof v !== 'boolean') throw new TlaError('eval', `ASSUME at line ${a.expr.loc.line} is not a boolean`, a.expr.loc);
      return { expr: this.handle(ir, null), holds: v };
    });
  }

  initStates(init: ExprHandle): readonly State[] {
    const h = this.h(init);
    return initStates(h.ir, h.env, this.variables);
  }

  successors(next: ExprHandle, s: State): readonly Transition[] {
    const h = this.h(next);
    return successors(h.ir, h.env, s, this.variables, { def: null, args: [] });
  }

  /** Per action name: the call `name(a0, ..., an)` whose arguments are locals, bound once (actionSuccessors). */
  private readonly actionCalls = new Map<string, IR | null>();

  actionSuccessors(name: string, args: readonly Value[], s: State): readonly State[] | undefined {
    let ir = this.actionCalls.get(name);
    if (ir === undefined) {
      const ent = this.scope.entities.get(name);
      if (ent?.kind !== 'def' || ent.def.fnBounds !== null || ent.def.params.some((p) => p.arity > 0)) ir = null;
      else {
        // Argument i is the local at absolute level i (distance n-1-i from the innermost): the env below.
        const n = ent.def.params.length;
        const loc = ent.def.bodyLoc;
        const locals: IR[] = ent.def.params.map((p, i) => ({ k: 'loc', d: n - 1 - i, name: p.name, f: 0, m: i, loc }));
        ir = new Binder(this.scope).entityRef(ent, name, locals, loc);
      }
      this.actionCalls.set(name, ir);
    }
    if (ir === null || (ir.k === 'call' && ir.args.length !== args.length)) return undefined;
    let env: Env = null;
    for (const v of args) env = { v, up: env };
    const out: State[] = [];
    new Enumeration('next', s, this.variables, (t) => out.push(t), name).run(ir, env);
    return out;
  }

  evalState(e: ExprHandle, s: State): Value {
    const h = this.h(e);
    return ev(h.ir, h.env, this.ctx(s, null));
  }

  evalStep(e: ExprHandle, s: State, t: State): Value {
    const h = this.h(e);
    return ev(h.ir, h.env, this.ctx(s, t));
  }

  enabled(e: ExprHandle, s: State): boolean {
    const h = this.h(e);
    return enabled(h.ir, h.env, s, this.variables);
  }

  temporal(e: ExprHandle): TemporalFormula {
    const h = this.h(e);
    return toTemporal(h.ir, h.env, this.ctx([], null), (ir, env) => this.handle(ir, env));
  }

  expr(text: string): ExprHandle {
    const name = `__Expr${++this.exprCount}`;
    const src = `---- MODULE ${name} ----\n${name} == ${text}\n====\n`;
    const mods = this.loader.loadFile(`<expr ${this.exprCount}>`, src);
    const unit = mods[0]?.units[0];
    if (unit?.kind !== 'opDef') throw new TlaError('parse', `Cannot parse expression: ${text}`);
    const ir = new Binder(this.scope).bind(unit.body);
    return this.handle(ir, null, text);
  }
}
