// ALIAS: TLC prints each counterexample state as the fields of the alias record instead of the variables.
// Fields are read through ValueOps' JSON shape (records are plain objects) and printed back in TLC's
// format. A state whose alias cannot be evaluated is printed with its variables (and the reason).
import { TlaError, type ExprHandle, type LoadedSpec, type State, type ValueOps } from '../api.js';
import { stateLines, type StatePrinter } from './report.js';

export function aliasPrinter(spec: LoadedSpec, ops: ValueOps, alias: ExprHandle): StatePrinter {
  return (s: State) => {
    try {
      const j = ops.toJson(spec.evalState(alias, s));
      if (typeof j !== 'object' || j === null || Array.isArray(j) || Object.keys(j).some((k) => k.startsWith('#'))) {
        throw new TlaError('eval', `ALIAS ${alias.text} must evaluate to a record`, alias.loc);
      }
      return Object.entries(j as Record<string, unknown>).map(([k, v]) => `/\\ ${k} = ${ops.print(ops.fromJson(v))}`);
    } catch (e) {
      if (!(e instanceof TlaError)) throw e;
      return [`\\* ALIAS not printable here: ${e.message}`, ...stateLines(spec.variables, s, ops)];
    }
  };
}
