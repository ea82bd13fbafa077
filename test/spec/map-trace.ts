// Command-line refinement mapping (docs/spec.md "Validating a trace by hand"):
//   node dist/test/spec/map-trace.js RAW.ndjson [MAPPED.ndjson]
// writes the trace rewritten for spec/MailStore.tla (stdout when no output file is given); then
//   node dist/src/cli/main.js tla validate spec/MailStore.tla MAPPED.ndjson
// validates it (the constants come from the mapped header: there is no spec/MailStore.cfg on purpose).
import { readFileSync, writeFileSync } from 'node:fs';
import { mapTrace } from './refinement.js';

const [input, output] = process.argv.slice(2);
if (input === undefined) {
  process.stderr.write('usage: node dist/test/spec/map-trace.js RAW.ndjson [MAPPED.ndjson]\n');
  process.exit(2);
}
const mapped = mapTrace(readFileSync(input, 'utf8').split('\n'));
const text = mapped.lines.join('\n') + '\n';
if (output === undefined) process.stdout.write(text);
else writeFileSync(output, text);
process.stderr.write(`${mapped.events} events mapped; ${mapped.constants.Msgs.length} message ids, ${mapped.constants.Users.length} users\n`);
