// `porcupine tla ...`: check, validate, parse. The coordinator wires runTlaCli into the main command.
import { runCheck } from './check-command.js';
import { runCoverage } from './coverage-command.js';
import { exitForError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { runParse } from './parse-command.js';
import { runValidate } from './validate-command.js';

export const TLA_HELP = `Usage: porcupine tla <command> [options]

Commands:
  check SPEC.tla [--config CFG] [--workers N|auto] [--no-deadlock] [--dump-trace-json F] [--dump-itf F] [--tlc]
        model-check like TLC, TLC's report format and exit codes (several workers give one worker's report)
  validate SPEC.tla TRACE.ndjson [--config CFG]
        check that a recorded NDJSON trace (also a simulator trace, as recorded) is a behaviour of the spec
  coverage SPEC.tla TRACE.ndjson... [--require-all]
        per action of the spec, how many steps of the (validated) simulator traces exercised it
  parse FILE.tla
        parse and bind a module; print a summary

Run 'porcupine tla <command> --help' for a command's options.`;

/** Runs `porcupine tla <argv...>`; returns the process exit code. */
export async function runTlaCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'check':
        return await runCheck(rest, io);
      case 'validate':
        return await runValidate(rest, io);
      case 'parse':
        return await runParse(rest, io);
      case 'coverage':
        return await runCoverage(rest, io);
      case undefined:
      case '--help':
      case 'help':
        io.out(TLA_HELP);
        return cmd === undefined ? 2 : 0;
      default:
        io.err(`porcupine tla: unknown command "${cmd}"\n\n${TLA_HELP}`);
        return 2;
    }
  } catch (e) {
    return exitForError(e, io);
  }
}

export type { CliIo };
