// Building module scopes: EXTENDS (merged namespaces), INSTANCE ... WITH (substitutions), LOCAL,
// standard modules (native builtins), nested modules, and the cfg's constants.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { TlaError, type CfgConstant, type CfgValue } from '../api.js';
import type { Bound, Expr, Loc, Module, Param, Unit } from '../parse/ast.js';
import { parseText } from '../parse/index.js';
import { type Value, int, str, modelValue, setOf, tuple, printValue } from '../values/index.js';
import { standardModule, CORE_OPS, COMMUNITY_OVERRIDES } from '../stdlib/index.js';
import { Binder, BUILTIN_INFIX, type Local } from './bind.js';
import { F_IMPURE, type Builtin, type BoundIR, type Def, type IR } from './ir.js';
import type { Entity, ModScope } from './scope.js';

for (const [k, op] of CORE_OPS) BUILTIN_INFIX.set(k, { kind: 'builtin', op });

export class ModuleLoader {
  private readonly modules = new Map<string, Module>();
  private readonly sources = new Map<string, string[]>();

  /** `dirs`: the spec's folder first, then the library path (--lib, TLA_PATH), searched in order. */
  constructor(
    private readonly parser: Parser,
    private readonly dirs: readonly string[],
  ) {}

  loadFile(file: string, text: string): Module[] {
    this.sources.set(file, text.split('\n'));
    const mods = parseText(this.parser, text, file);
    for (const m of mods) this.register(m);
    return mods;
  }

  register(m: Module): void {
    if (!this.modules.has(m.name)) this.modules.set(m.name, m);
    for (const u of m.units) if (u.kind === 'module') this.register(u.module);
  }

  get(name: string, loc: Loc): Module {
    const m = this.modules.get(name);
    if (m !== undefined) return m;
    const file = this.dirs.map((d) => join(d, `${name}.tla`)).find((f) => existsSync(f));
    if (file === undefined) {
      throw new TlaError('semantic', `Cannot find module ${name} (looked for ${name}.tla in ${this.dirs.join(', ')})`, loc);
    }
    const text = readFileSync(file, 'utf8');
    const mods = this.loadFile(file, text);
    const found = mods.find((x) => x.name === name);
    if (found === undefined) throw new TlaError('semantic', `File ${file} does not define module ${name}`, loc);
    return found;
  }

  /** The source text of a span (for messages and ExprHandle.text). */
  text(loc: Loc): string {
    const lines = this.sources.get(loc.file);
    if (lines === undefined) return '';
    if (loc.line === loc.endLine) return (lines[loc.line - 1] ?? '').slice(loc.col - 1, loc.endCol);
    const out = [(lines[loc.line - 1] ?? '').slice(loc.col - 1)];
    for (let l = loc.line + 1; l < loc.endLine; l++) out.push(lines[l - 1] ?? '');
    out.push((lines[loc.endLine - 1] ?? '').slice(0, loc.endCol));
    return out.join('\n');
  }
}

export interface Assumption {
  readonly expr: Expr;
  readonly scope: ModScope;
}

/** Facts about an INSTANCE being built, read lazily by its definitions (labels, see actions.ts). */
interface InstInfo {
  /** `A!` for `A == INSTANCE M`, '' for an unnamed INSTANCE. */
  readonly prefix: string;
  /** Whether M has parameters (CONSTANT/VARIABLE), i.e. SANY wraps its bodies in a substitution. */
  params: boolean;
}

type Mode =
  | { readonly kind: 'root'; readonly vars: string[] }
  | { readonly kind: 'inst'; readonly outer: ModScope; readonly subst: ReadonlyMap<string, () => IR>; readonly info: InstInfo };

export class ScopeBuilder {
  readonly assumptions: Assumption[] = [];
  /** Every instantiated module's scope, for the cfg's `Op <-[Mod] Def` overrides. */
  private readonly instances: ModScope[] = [];

  constructor(
    private readonly loader: ModuleLoader,
    private readonly cfg: ReadonlyMap<string, CfgConstant> = new Map(),
  ) {}

  /** A root CONSTANT, with its cfg value right away (an INSTANCE may capture it before applyCfg runs). */
  private rootConst(name: string, arity: number): Entity {
    const c = this.cfg.get(name);
    return { kind: 'const', name, value: c?.kind === 'value' ? cfgValue(c.value) : undefined, arity };
  }

  /** A standard module's operators; one the cfg overrides (`Seq <- LimitedSeq`) means the root's override in every module, as in TLC. */
  private addStandard(scope: ModScope, std: ReadonlyMap<string, Builtin>): void {
    for (const [k, op] of std) {
      scope.entities.set(k, { kind: 'builtin', op });
      if (this.cfg.get(k)?.kind === 'override' && this.rootScope !== undefined && scope !== this.rootScope) this.captures.push({ scope, name: k, outer: this.rootScope });
    }
  }

  private rootScope: ModScope | undefined;

  root(m: Module, vars: string[]): ModScope {
    const scope: ModScope = { name: m.name, entities: new Map(), instantiate: (u) => this.letInstance(scope, u) };
    this.rootScope = scope;
    this.populate(scope, m, { kind: 'root', vars }, new Set(), true, true);
    return scope;
  }

  /**
   * Adds module m's definitions (and those of the modules it extends) to `scope`. `top`: m is the root module
   * or the instantiated one, whose LOCAL definitions `scope` may keep. An extended module's LOCAL definitions
   * (and LOCAL INSTANCEs) are visible only inside it, as in SANY: they go to an overlay of `scope` that only
   * that module's definitions are bound in. An instantiated module's go to such an overlay too, so that
   * `I!Op` and an unnamed INSTANCE do not expose them.
   */
  private populate(scope: ModScope, m: Module, mode: Mode, visited: Set<string>, collectAssumes: boolean, top = false): void {
    if (visited.has(m.name)) return;
    visited.add(m.name);
    for (const ext of m.extends) {
      const std = standardModule(ext);
      if (std !== undefined) this.addStandard(scope, std);
      else this.populate(scope, this.loader.get(ext, m.loc), mode, visited, collectAssumes);
    }
    const hides = (!top || mode.kind === 'inst') && m.units.some((u) => 'local' in u && u.local);
    const own: ModScope = hides ? { ...scope, entities: new OverlayMap(scope.entities) } : scope;
    const overrides = COMMUNITY_OVERRIDES.get(m.name);
    for (const u of m.units) {
      const native = u.kind === 'opDef' ? overrides?.get(u.name) : undefined;
      const target = 'local' in u && u.local ? own : scope;
      if (native !== undefined && u.kind === 'opDef' && native.arity === u.params.length) target.entities.set(u.name, { kind: 'builtin', op: native });
      else this.unit(own, u, mode, collectAssumes, target);
    }
  }

  /** `scope`: where u's definitions are bound; `target`: where its names are added. */
  private unit(scope: ModScope, u: Unit, mode: Mode, collectAssumes: boolean, target: ModScope = scope): void {
    switch (u.kind) {
      case 'constants':
        for (const d of u.decls) target.entities.set(d.name, mode.kind === 'root' ? this.rootConst(d.name, d.arity) : this.substEntity(target, mode, d.name, u.loc));
        return;
      case 'variables':
        for (const n of u.names) {
          if (mode.kind === 'root') {
            target.entities.set(n, { kind: 'var', i: mode.vars.length, name: n });
            mode.vars.push(n);
          } else target.entities.set(n, this.substEntity(target, mode, n, u.loc));
        }
        return;
      case 'opDef':
        target.entities.set(u.name, { kind: 'def', def: topDef(scope, u.name, u.params, u.body, u.loc, null, instInfo(mode)) });
        return;
      case 'fnDef':
        target.entities.set(u.name, { kind: 'def', def: topDef(scope, u.name, [], u.body, u.loc, u.bounds, instInfo(mode)) });
        return;
      case 'instance':
        return this.instance(scope, u, target);
      case 'assume':
        if (collectAssumes) this.assumptions.push({ expr: u.expr, scope });
        return;
      case 'module':
        this.loader.register(u.module);
        return;
    }
  }

  /** Constants and variables of instances taken implicitly from the instancing module (`INSTANCE M` without WITH for them). */
  private readonly captures: { readonly scope: ModScope; readonly name: string; readonly outer: ModScope }[] = [];

  private substEntity(scope: ModScope, mode: Extract<Mode, { kind: 'inst' }>, name: string, loc: Loc): Entity {
    mode.info.params = true;
    const get = mode.subst.get(name);
    if (get !== undefined) {
      return {
        kind: 'ir',
        get ir(): IR {
          return get();
        },
      };
    }
    const ent = mode.outer.entities.get(name);
    if (ent === undefined) throw new TlaError('semantic', `INSTANCE: no substitution for ${name} and no ${name} in the instantiating module`, loc);
    this.captures.push({ scope, name, outer: mode.outer });
    return ent;
  }

  /** After the cfg is applied to the root: implicit substitutions see the cfg's values and overrides. */
  refreshCaptures(): void {
    this.refreshCapturesOf();
  }

  /** Re-reads implicit substitutions (of every instance, or of the one built last, `only`). */
  private refreshCapturesOf(only?: ModScope): void {
    for (const c of this.captures) {
      if (only !== undefined && c.scope !== only) continue;
      const ent = c.outer.entities.get(c.name);
      if (ent !== undefined) c.scope.entities.set(c.name, ent);
    }
  }

  /**
   * `Op <-[Mod] Def`: inside every instance of Mod, Op means the root module's Def (bodies are bound on first
   * use, after this runs, so every use inside Mod sees the override).
   */
  applyModuleOverrides(root: ModScope, overrides: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
    for (const [mod, names] of overrides) {
      const scopes = this.instances.filter((s) => s.name === mod);
      if (scopes.length === 0) throw new TlaError('cfg', `The configuration overrides definitions of module ${mod}, which the spec does not instantiate`);
      for (const [name, def] of names) {
        const target = root.entities.get(def);
        if (target === undefined) throw new TlaError('cfg', `The configuration substitutes ${def} for ${mod}!${name}, but ${def} is not defined`);
        for (const s of scopes) {
          if (!s.entities.has(name)) throw new TlaError('cfg', `The configuration substitutes for ${mod}!${name}, which module ${mod} does not define`);
          s.entities.set(name, target);
        }
      }
    }
  }

  /** `N == INSTANCE M` inside a LET of `scope`'s module: built like a module-level one, returned instead of added. */
  private letInstance(scope: ModScope, u: Extract<Unit, { kind: 'instance' }>): ModScope {
    const tmp: ModScope = { ...scope, entities: new Map(scope.entities) };
    this.instance(tmp, u);
    const ent = tmp.entities.get(u.name!);
    if (ent?.kind !== 'inst') throw new TlaError('semantic', `INSTANCE ${u.module} inside LET`, u.loc);
    this.refreshCapturesOf(ent.scope);
    return ent.scope;
  }

  /** `scope`: where the substitutions are bound; `target`: where the instance's names are added. */
  private instance(scope: ModScope, u: Extract<Unit, { kind: 'instance' }>, target: ModScope = scope): void {
    if (u.params.length > 0) {
      // `P(x) == INSTANCE M`: built per value of x, with x a constant of the instancing scope.
      if (u.name === null || u.params.some((p) => p.arity > 0)) throw new TlaError('unsupported', `Parameterised INSTANCE ${u.name ?? ''} with operator parameters (line ${u.loc.line})`, u.loc);
      const names = u.params.map((p) => p.name);
      const made = new Map<string, ModScope>();
      const make = (vals: readonly Value[]): ModScope => {
        const key = vals.map((v) => printValue(v)).join('\u0000');
        let inst = made.get(key);
        if (inst === undefined) {
          const outer: ModScope = { ...scope, entities: new Map(scope.entities) };
          names.forEach((n, i) => outer.entities.set(n, { kind: 'const', name: n, value: vals[i], arity: 0 }));
          inst = this.letInstance(outer, { ...u, params: [] });
          made.set(key, inst);
        }
        return inst;
      };
      target.entities.set(u.name, { kind: 'inst', scope: { name: u.module, entities: new Map() }, params: { names, make } });
      return;
    }
    const inst: ModScope = { name: u.module, entities: new Map() };
    this.instances.push(inst);
    const std = standardModule(u.module);
    if (std !== undefined) this.addStandard(inst, std);
    else {
      const binder = new Binder(scope);
      // `C <- Op` for an operator constant: Op is passed as an operator, not evaluated.
      // Bound on first use: a substituted constant may get its value (or override) from the cfg afterwards.
      const subst = new Map(
        u.subst.map(([n, e]) => {
          let ir: IR | undefined;
          const get = (): IR => (ir ??= e.kind === 'ref' && e.args === null && isOperator(scope.entities.get(e.name)) ? binder.opArg(e.name, e.loc) : binder.bind(e));
          return [n, get] as const;
        }),
      );
      const info: InstInfo = { prefix: u.name === null ? '' : `${u.name}!`, params: false };
      this.populate(inst, this.loader.get(u.module, u.loc), { kind: 'inst', outer: scope, subst, info }, new Set(), false, true);
    }
    if (u.name !== null) target.entities.set(u.name, { kind: 'inst', scope: inst });
    else for (const [k, ent] of inst.entities) if (ent.kind === 'def' || ent.kind === 'builtin') target.entities.set(k, ent);
  }
}

/** An entity that takes arguments (passed, not evaluated, when it is substituted for an operator constant). */
function isOperator(t: Entity | undefined): boolean {
  return (t?.kind === 'def' && t.def.params.length > 0) || (t?.kind === 'builtin' && t.op.arity > 0);
}

function instInfo(mode: Mode): InstInfo | null {
  return mode.kind === 'inst' ? mode.info : null;
}

/** A module-level definition; its body is bound on first use, so definitions may come in any order. */
function topDef(scope: ModScope, name: string, params: readonly Param[], body: Expr, loc: Loc, bounds: readonly Bound[] | null, inst: InstInfo | null): Def {
  let ir: IR | undefined;
  let binding = false;
  let fb: readonly BoundIR[] | null | undefined = bounds === null ? null : undefined;
  const locals: Local[] = bounds === null ? params.map((p) => ({ name: p.name, arity: p.arity })) : bounds.flatMap((b) => b.names.map((n) => ({ name: n, arity: 0 })));
  const def: Def = {
    name: inst === null ? name : inst.prefix + name,
    substituted: () => inst !== null && inst.params,
    params,
    loc,
    bodyLoc: body.loc,
    ast: body,
    bindSub: (e: Expr): IR => new Binder(scope, locals).bind(e),
    get fnBounds(): readonly BoundIR[] | null {
      if (fb === undefined) fb = new Binder(scope).bounds(bounds!).irs;
      return fb;
    },
    body(): IR {
      if (ir === undefined) {
        if (binding) throw new TlaError('semantic', `Circular definition of ${name} (line ${loc.line})`, loc);
        binding = true;
        try {
          ir = new Binder(scope, locals).bind(body);
        } finally {
          binding = false;
        }
      }
      return ir;
    },
    flags(): number {
      if (ir === undefined && binding) return F_IMPURE; // a recursive reference: never cached
      let f = def.body().f;
      for (const b of def.fnBounds ?? []) f |= b.set?.f ?? 0;
      return f;
    },
  };
  return def;
}

export function cfgValue(c: CfgValue): Value {
  switch (c.kind) {
    case 'int':
      return int(c.value);
    case 'string':
      return str(c.value);
    case 'bool':
      return c.value;
    case 'modelValue':
      return modelValue(c.name);
    case 'set':
      return setOf(c.elems.map(cfgValue));
    case 'tuple':
      return tuple(c.elems.map(cfgValue));
  }
}

/** Interns the cfg's names first: TLC reads the cfg before parsing, which fixes string order. */
export function internCfg(constants: ReadonlyMap<string, CfgConstant>): void {
  const walk = (c: CfgValue): void => {
    if (c.kind === 'string') str(c.value);
    else if (c.kind === 'modelValue') modelValue(c.name);
    else if (c.kind === 'set' || c.kind === 'tuple') c.elems.forEach(walk);
  };
  for (const c of constants.values()) if (c.kind === 'value') walk(c.value);
}

export function applyCfg(scope: ModScope, constants: ReadonlyMap<string, CfgConstant>): void {
  for (const [name, c] of constants) {
    const ent = scope.entities.get(name);
    if (c.kind === 'value') {
      if (ent === undefined) throw new TlaError('cfg', `The configuration assigns ${name}, which is not declared in the spec`);
      scope.entities.set(name, { kind: 'const', name, value: cfgValue(c.value), arity: 0 });
    } else {
      const target = scope.entities.get(c.definition);
      if (target === undefined) throw new TlaError('cfg', `The configuration substitutes ${c.definition} for ${name}, but ${c.definition} is not defined`);
      if (ent === undefined) throw new TlaError('cfg', `The configuration substitutes for ${name}, which is not declared in the spec`);
      scope.entities.set(name, target);
    }
  }
}

/**
 * A module's own names over the names it shares with the modules that extend it: its LOCAL definitions are
 * found here first and never reach the shared map; everything else is read from (and stays in) the shared map.
 */
class OverlayMap extends Map<string, Entity> {
  constructor(private readonly base: Map<string, Entity>) {
    super();
  }
  override get(k: string): Entity | undefined {
    return super.get(k) ?? this.base.get(k);
  }
  override has(k: string): boolean {
    return super.has(k) || this.base.has(k);
  }
  override *[Symbol.iterator](): MapIterator<[string, Entity]> {
    for (const e of this.base) if (!super.has(e[0])) yield e;
    yield* super.entries();
  }
  override entries(): MapIterator<[string, Entity]> {
    return this[Symbol.iterator]();
  }
}
