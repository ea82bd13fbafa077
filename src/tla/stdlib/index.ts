// The standard modules, implemented natively (never parsed from .tla): name -> its operators.
// Infix and prefix operators are keyed by the grammar's symbol node type (`plus`, `circ`, `oplus`, ...).
import { TlaError } from '../api.js';
import type { Builtin } from '../eval/ir.js';
import { CORE_OPS } from './core-ops.js';
import { INTEGERS, NATURALS } from './naturals.js';
import { FINITE_SETS, SEQUENCES } from './sequences.js';
import { TLC } from './tlc.js';
import { BAGS } from './bags.js';

export { CORE_OPS };
export { COMMUNITY_OVERRIDES } from './community.js';

const MODULES: ReadonlyMap<string, ReadonlyMap<string, Builtin>> = new Map([
  ['Naturals', NATURALS],
  ['Integers', INTEGERS],
  ['Sequences', SEQUENCES],
  ['FiniteSets', FINITE_SETS],
  ['TLC', TLC],
  ['Bags', BAGS],
]);

/**
 * Standard modules that exist in TLC but that we refuse rather than risk a wrong answer. The CommunityModules
 * (Functions, SequencesExt, FiniteSetsExt, IOUtils, ...) are not here: they are read from their TLA+ definitions
 * on the library path (--lib, TLA_PATH), like any other module.
 */
const REFUSED = new Set(['Reals', 'RealTime', 'Randomization']);

/** The operators of a standard module, or undefined when `name` is not one. */
export function standardModule(name: string): ReadonlyMap<string, Builtin> | undefined {
  if (REFUSED.has(name)) throw new TlaError('unsupported', `The standard module ${name} is not supported`);
  return MODULES.get(name);
}
