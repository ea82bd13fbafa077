// Maps load/cfg/evaluation errors to a message and TLC's exit status.
import { TlaError } from '../api.js';
import { EXIT } from '../check/index.js';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';

export function exitForError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError) {
    io.err(`porcupine tla: ${e.message} (see --help)`);
    return 2;
  }
  if (!(e instanceof TlaError)) {
    // A bug of ours, not of the spec: say so, with the stack, and use TLC's generic error status.
    io.err(`Error: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.generic;
  }
  io.err(`Error: ${e.message}`);
  switch (e.code) {
    case 'cfg':
      return EXIT.configParse;
    case 'parse':
    case 'semantic':
    case 'unsupported':
    case 'io':
      return EXIT.specParse;
    case 'assert':
      return EXIT.assert;
    case 'eval':
    case 'overflow':
      return EXIT.specEval;
    case 'trace':
      return 1;
  }
}
