// `porcupine trace view FILE [-o OUT.html]`: the trace viewer (src/viewer). The trace is validated against
// spec/MailStore.tla first (src/conformance) so the page can highlight the first divergence.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const USAGE = `Usage: porcupine trace view FILE [-o OUT.html] [--no-validate]

Writes one self-contained HTML file (no network access needed) that shows the simulator trace FILE as a
sequence diagram: a lane per node and per client (users; one shared lane when there are more than 16),
messages as arrows, nodes that are down shaded, fault and phase lines marked, every event labelled with
its spec action (spec/MailStore.tla's arguments), the arguments and state of a row on hover or click, and
a search box (message id, user, action). The trace is validated against spec/MailStore.tla first; when it
is not a behaviour of the spec, the first divergence is highlighted and explained. Only the visible rows
are drawn, so a trace of tens of thousands of lines opens fast.

Options:
  -o, --output OUT.html   where to write the page (default: FILE with .html instead of .ndjson)
  --no-validate           do not validate (faster on very long traces)
  -h, --help              show this help

Exit status: 0 page written (also when the trace diverges), 2 bad usage or unreadable trace.`;

export async function runTraceCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'view') {
    process.stderr.write(`porcupine trace: unknown subcommand '${sub}' (only 'view'; see porcupine trace --help)\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let output: string | undefined;
  let validate = true;
  const files: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    if (a === '-o' || a === '--output') {
      output = rest[++k];
      if (output === undefined) return usage(`${a} needs a file name`);
    } else if (a === '--no-validate') validate = false;
    else if (a.startsWith('-')) return usage(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length !== 1) return usage('expected exactly one trace file');
  const file = files[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`porcupine trace view: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const { buildModel } = await import('../viewer/model.js');
  const { renderPage } = await import('../viewer/page.js');
  let divergence: { line: number; spec: string; lines: string[] } | undefined;
  try {
    if (validate) divergence = await validateForView(text);
    const out = output ?? file.replace(/\.ndjson$/, '') + '.html';
    writeFileSync(out, renderPage(buildModel(text, path.basename(file), divergence)));
    process.stdout.write(`wrote ${out}${divergence !== undefined ? ` (the trace diverges from ${divergence.spec} at line ${divergence.line})` : ''}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`porcupine trace view: ${file}: ${(e as Error).message}\n`);
    return 2;
  }
}

function usage(msg: string): number {
  process.stderr.write(`porcupine trace view: ${msg}\nUsage: porcupine trace view FILE [-o OUT.html] [--no-validate]\n`);
  return 2;
}

/** The first divergence from spec/MailStore.tla (shipped with the package). */
async function validateForView(text: string): Promise<{ line: number; spec: string; lines: string[] } | undefined> {
  const { bundledSpec, validateSimTrace } = await import('../conformance/index.js');
  const { describeFailure } = await import('../tla/trace/index.js');
  const spec = bundledSpec('MailStore');
  if (spec === undefined) throw new Error('spec/MailStore.tla not found beside the package (use --no-validate)');
  const v = await validateSimTrace(spec, text);
  return v.result.ok ? undefined : { line: v.result.failure.line, spec: 'MailStore', lines: describeFailure(v.result.failure) };
}
