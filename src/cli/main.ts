#!/usr/bin/env node
// The `porcupine` command. Each subcommand lives in its own module and is loaded on demand, so
// `porcupine tla ...` does not pay for the simulator and `porcupine sim` does not load tree-sitter.
import { readFileSync } from 'node:fs';

const USAGE = `porcupine — the Porcupine cluster mail service, its simulator and its TLA+ toolchain

Usage: porcupine <command> [options]

Commands:
  cluster   start a local mail cluster (one process per node), print its addresses and a demo user
  node      run one node of a cluster (on this machine or one of several)
  user      add, change, list or remove users through any node
  sim       run a deterministic simulated cluster from a seed and print a summary
  campaign  run many seeded simulations in parallel and report the failing ones with their replay commands
  replay    re-run a recorded simulation trace and check it reaches identical state digests
  tla       TLA+ tools: check (model checker), validate (trace validation, also of simulator traces), parse
  trace     trace tools: view (a self-contained HTML sequence diagram of a simulator trace)
  model     the hardware model of the paper's 1999 cluster: list and run experiments (CSV + SVG)
  audit     compare two revisions for code review: behaviour, checks, specs, costs, names
  help      show this help (also: porcupine <command> --help)

Options:
  -h, --help     show help
  -V, --version  show the version

'npm start' builds and runs 'porcupine cluster --nodes 3' (data in ./data).`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  cluster: async () => (await import('../runtime/cluster-command.js')).runClusterCommand,
  node: async () => (await import('../runtime/node-process.js')).runNodeCommand,
  user: async () => (await import('../runtime/user-command.js')).runUserCommand,
  sim: async () => (await import('./sim-command.js')).runSimCommand,
  campaign: async () => (await import('./campaign-command.js')).runCampaignCommand,
  replay: async () => (await import('./replay-command.js')).runReplayCommand,
  tla: async () => (await import('../tla/cli/index.js')).runTlaCli,
  trace: async () => (await import('./trace-command.js')).runTraceCommand,
  model: async () => (await import('./model-command.js')).runModelCommand,
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
