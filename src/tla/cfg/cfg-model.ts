// The model a TLC `.cfg` file describes, as the checker consumes it. Every keyword TLC accepts has a
// field here; POSTCONDITION is parsed but refused by the checker (see docs/tla.md).
import type { CfgConstant } from '../api.js';

/** Where a cfg item was written (1-based), for error messages. */
export interface CfgPos {
  readonly line: number;
  readonly col: number;
}

export interface CfgConstantEntry {
  readonly name: string;
  readonly value: CfgConstant;
  /** `Op <-[Mod] Def`: the override applies inside module Mod only. */
  readonly module?: string;
  readonly pos: CfgPos;
}

export interface CfgName {
  readonly name: string;
  readonly pos: CfgPos;
}

export interface CfgModel {
  readonly file: string;
  readonly constants: readonly CfgConstantEntry[];
  readonly init?: CfgName;
  readonly next?: CfgName;
  readonly specification?: CfgName;
  readonly invariants: readonly CfgName[];
  readonly properties: readonly CfgName[];
  readonly constraints: readonly CfgName[];
  readonly actionConstraints: readonly CfgName[];
  readonly symmetry?: CfgName;
  readonly view?: CfgName;
  readonly alias?: CfgName;
  readonly postconditions: readonly CfgName[];
  /** CHECK_DEADLOCK; TLC's default is TRUE. */
  readonly checkDeadlock: boolean;
}

/** The constants as the front end's `loadSpec` takes them: name -> value or override. */
export function constantMap(model: CfgModel): Map<string, CfgConstant> {
  const m = new Map<string, CfgConstant>();
  for (const c of model.constants) if (c.module === undefined) m.set(c.name, c.value);
  return m;
}

/** `Op <-[Mod] Def` lines: module -> (name in Mod -> definition of the root module). */
export function moduleOverrides(model: CfgModel): Map<string, Map<string, string>> {
  const m = new Map<string, Map<string, string>>();
  for (const c of model.constants) {
    if (c.module === undefined || c.value.kind !== 'override') continue;
    if (!m.has(c.module)) m.set(c.module, new Map());
    m.get(c.module)!.set(c.name, c.value.definition);
  }
  return m;
}
