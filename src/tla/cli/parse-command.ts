// `porcupine tla parse FILE.tla`: load a module (with FILE.cfg's constants when present) and summarise it.
import { existsSync } from 'node:fs';
import { TlaError } from '../api.js';
import { constantMap } from '../cfg/index.js';
import { loadSpec } from '../front-end.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { defaultCfgPath, readCfg } from './load.js';

export const PARSE_HELP = `Usage: porcupine tla parse FILE.tla [--config CFG] [--lib DIR]...

Parses FILE.tla and the modules it EXTENDS/INSTANCEs, binds constants from CFG (default FILE.cfg when it
exists) and prints the module name, variables, assumptions and the standard definitions it finds. Modules are looked for beside FILE, then in each --lib DIR, then in
the folders of the TLA_PATH environment variable.`;

export async function runParse(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { values: ['--config', '--lib'], switches: ['--help'] });
  if (args.switches.has('--help')) {
    io.out(PARSE_HELP);
    return 0;
  }
  if (args.positional.length !== 1) {
    io.err('porcupine tla parse: give exactly one FILE.tla (see --help)');
    return 2;
  }
  const file = args.positional[0];
  if (!existsSync(file)) throw new TlaError('io', `cannot read ${file}`);
  const cfgPath = args.values.get('--config') ?? defaultCfgPath(file);
  const constants = existsSync(cfgPath) ? constantMap(readCfg(cfgPath)) : new Map();
  const spec = await loadSpec(file, constants, { libs: args.lists.get('--lib') ?? [] });
  io.out(`Module ${spec.moduleName}`);
  io.out(`Variables: ${spec.variables.length > 0 ? spec.variables.join(', ') : '(none)'}`);
  const asm = spec.assumptions();
  io.out(`Assumptions: ${asm.length} (${asm.filter((a) => !a.holds).length} false)`);
  const unbound: string[] = [];
  const known = ['Init', 'Next', 'Spec', 'TypeOK', 'Inv', 'vars'].filter((n) => {
    try {
      return spec.definition(n) !== undefined;
    } catch (e) {
      if (!(e instanceof TlaError)) throw e;
      unbound.push(`${n}: ${e.message}`);
      return true;
    }
  });
  io.out(`Definitions found: ${known.length > 0 ? known.join(', ') : '(none of Init, Next, Spec, TypeOK, Inv, vars)'}`);
  for (const u of unbound) io.out(`  not bound without a cfg: ${u}`);
  return 0;
}
