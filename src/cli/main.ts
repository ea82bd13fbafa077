#!/usr/bin/env node
// The `porcupine` command. Each subcommand lives in its own module and is loaded on demand, so
// `porcupine tla ...` does not pay for the simulator and `porcupine sim` does not load tree-sitter.
import { readFileSync } from 'node:fs';

const USAGE = `porcupine — the Porcupine cluster mail service, its simulator and its TLA+ toolchain

Usage: porcupine <command> [options]

Commands:
  sim       run a deterministic simulated cluster from a seed and print a summary
  replay    re-run a recorded simulation trace and check it reaches identical state digests
  tla       TLA+ tools: check (model checker), validate (trace validation), parse
  audit     compare two revisions for code review: behaviour, checks, specs, costs, names
  help      show this help (also: porcupine <command> --help)

Options:
  -h, --help     show help
  -V, --version  show the version

Not yet available: the real SMTP/POP3 cluster (porcupine cluster / node) — it comes with the runtime
issue; until then 'npm start' runs a simulated 5-node cluster.`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  sim: async () => (await import('./sim-command.js')).runSimCommand,
  replay: async () => (await import('./replay-command.js')).runReplayCommand,
  tla: async () => (await import('../tla/cli/index.js')).runTlaCli,
  audit: async () => (await import('./audit-command.js')).runAuditCommand,
};

function version(): string {
  const pkgUrl = new URL('../../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '-h' || cmd === '--help') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '-V' || cmd === '--version') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const load = commands[cmd];
  if (load === undefined) {
    process.stderr.write(`porcupine: unknown command '${cmd}'. Run 'porcupine --help' for the list.\n`);
    return 2;
  }
  const run = await load();
  return run(rest);
}

// Exit explicitly once stdout and stderr have drained: web-tree-sitter keeps the event loop alive for a
// few hundred ms after `porcupine tla` is done, and a plain process.exit() could cut piped output short.
function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitWhenFlushed, (err: unknown) => {
  process.stderr.write(`porcupine: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  exitWhenFlushed(70); // EX_SOFTWARE: a bug, not bad input
});
