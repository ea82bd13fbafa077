// The benchmarks' flag parser (bench/flags.ts): --help prints every option with its default and runs
// nothing; an unknown flag, a missing value or a malformed number is refused with one line naming the flag.
// The last tests run two built benches as child processes (after `npx tsc -p tsconfig.json`, as npm test does),
// for the exit codes: 0 after --help, 2 after a flag no bench knows.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, parseBenchFlags, type ParseOutcome } from '../../bench/flags.js';
import { REPO_ROOT } from '../support/paths.js';

const spec = {
  name: 'bench:demo',
  usage: ['npm run bench:demo -- [options]', 'node dist/bench/demo.js [options]'],
  description: 'A demonstration bench that measures nothing.',
  options: {
    messages: { type: 'number', default: 20_000, integer: true, min: 1, placeholder: 'M', help: 'messages per run' },
    pop: { type: 'number', default: 0.25, max: 1, help: 'a fraction' },
    replicas: { type: 'number', integer: true, max: 3, defaultText: 'both 0 and 2', help: 'replication factor' },
    profile: { type: 'boolean', help: 'write CPU profiles' },
    only: { type: 'string', choices: ['smtp', 'pop'], defaultText: 'both', help: 'measure one half' },
    dir: { type: 'string', placeholder: 'DIR', help: 'where to write' },
  },
  env: [{ name: 'DEMO_SKIP=1', help: 'skip the second half' }],
} as const;

function parse(argv: readonly string[]): ParseOutcome<typeof spec.options> {
  return parseBenchFlags(spec, argv);
}

function errorOf(argv: readonly string[]): string {
  const r = parse(argv);
  if (r.kind !== 'error') throw new Error(`expected an error for ${JSON.stringify(argv)}, got ${r.kind}`);
  return r.message;
}

describe('bench flag parser', () => {
  it('applies every default when no flag is given', () => {
    const r = parse([]);
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.values).toEqual({ messages: 20_000, pop: 0.25, replicas: undefined, profile: false, only: undefined, dir: undefined });
    expect(r.positionals).toEqual([]);
  });

  it('reads numbers, strings and choices, in both --flag v and --flag=v forms', () => {
    const r = parse(['--messages', '1e3', '--pop=0.5', '--replicas', '0', '--only', 'pop', '--dir', '/x y']);
    expect(r.kind === 'run' && r.values).toEqual({ messages: 1000, pop: 0.5, replicas: 0, profile: false, only: 'pop', dir: '/x y' });
  });

  it('a boolean flag is true when given, takes no value', () => {
    const r = parse(['--profile']);
    expect(r.kind === 'run' && r.values.profile).toBe(true);
    expect(errorOf(['--profile=yes'])).toBe("bench:demo: --profile takes no value, got 'yes'");
  });

  it('help lists the usage, the description, every option with its default, and the environment', () => {
    const text = helpText(spec);
    expect(text).toMatch(/^usage: npm run bench:demo -- \[options\]\n {7}node dist\/bench\/demo\.js \[options\]\n/);
    expect(text).toContain('A demonstration bench that measures nothing.');
    const line = (flag: string): string => text.split('\n').find((l) => l.trimStart().startsWith(flag)) ?? `(no line for ${flag})`;
    expect(line('--messages M')).toMatch(/messages per run \(default: 20000\)$/);
    expect(line('--pop N')).toMatch(/\(default: 0\.25\)$/);
    expect(line('--replicas N')).toMatch(/\(default: both 0 and 2\)$/);
    expect(line('--profile')).toMatch(/write CPU profiles \(default: off\)$/);
    expect(line('--only smtp|pop')).toMatch(/\(default: both\)$/);
    expect(line('--dir DIR')).toMatch(/\(default: none\)$/);
    expect(line('--help, -h')).toContain('print this help');
    expect(line('DEMO_SKIP=1')).toContain('skip the second half');
  });

  it('--help and -h ask for the help, even beside a bad flag', () => {
    for (const argv of [['--help'], ['-h'], ['--mesages', '10', '--help'], ['--messages', 'x', '-h']]) {
      const r = parse(argv);
      expect(r.kind, JSON.stringify(argv)).toBe('help');
      expect(r.kind === 'help' && r.text).toBe(helpText(spec));
    }
  });

  it('an unknown flag is refused, named, on one line', () => {
    expect(errorOf(['--mesages', '10'])).toBe('bench:demo: unknown flag --mesages (--help lists the flags)');
    expect(errorOf(['--messages', '5', '-x'])).toBe('bench:demo: unknown flag -x (--help lists the flags)');
  });

  it('a flag without its value is refused, named', () => {
    expect(errorOf(['--messages'])).toBe('bench:demo: --messages needs a value');
    expect(errorOf(['--only', '--profile'])).toBe("bench:demo: --only needs a value, got the flag '--profile'");
  });

  it('a malformed or out-of-range number is refused, named, with what it needs', () => {
    expect(errorOf(['--messages', '1x'])).toBe("bench:demo: --messages needs an integer >= 1, got '1x'");
    expect(errorOf(['--messages', 'Infinity'])).toBe("bench:demo: --messages needs an integer >= 1, got 'Infinity'");
    expect(errorOf(['--messages', 'NaN'])).toContain('--messages needs an integer');
    expect(errorOf(['--messages', ''])).toContain('--messages needs an integer');
    expect(errorOf(['--messages', '0x10'])).toContain('--messages needs an integer');
    expect(errorOf(['--messages', '2.5'])).toContain("got '2.5'");
    expect(errorOf(['--messages', '0'])).toContain("got '0'");
    expect(errorOf(['--messages', '-5'])).toBe("bench:demo: --messages needs an integer >= 1, got '-5'");
    expect(errorOf(['--messages=-5'])).toBe("bench:demo: --messages needs an integer >= 1, got '-5'");
    expect(errorOf(['--pop', '1.5'])).toBe("bench:demo: --pop needs a number from 0 to 1, got '1.5'");
    expect(errorOf(['--replicas', '4'])).toBe("bench:demo: --replicas needs an integer from 0 to 3, got '4'");
  });

  it('a value outside the choices is refused', () => {
    expect(errorOf(['--only', 'imap'])).toBe("bench:demo: --only must be one of smtp, pop, got 'imap'");
  });

  it('positional arguments are refused unless declared, and counted when they are', () => {
    expect(errorOf(['extra'])).toBe("bench:demo: unexpected argument 'extra': this bench takes no positional arguments");
    const withFilter = { ...spec, positionals: { name: 'FILTER', help: 'rows to run', max: 1 } };
    const one = parseBenchFlags(withFilter, ['Paxos', '--messages', '7']);
    expect(one.kind === 'run' && [one.positionals, one.values.messages]).toEqual([['Paxos'], 7]);
    const two = parseBenchFlags(withFilter, ['a', 'b']);
    expect(two.kind === 'error' && two.message).toBe('bench:demo: at most 1 FILTER argument, got 2: a b');
    expect(helpText(withFilter)).toMatch(/arguments:\n {2}FILTER +rows to run\n/);
  });
});

describe('built benches on the command line', () => {
  const dist = join(REPO_ROOT, 'dist/bench');
  const run = (script: string, args: readonly string[]) => {
    const js = join(dist, script);
    if (!existsSync(js)) throw new Error(`${js} is missing: run 'npx tsc -p tsconfig.json' (npm test builds first)`);
    // A timeout, so that a bench which ignored the flag and started measuring fails the test instead of running on.
    return spawnSync(process.execPath, [js, ...args], { encoding: 'utf8', timeout: 30_000 });
  };

  it('bench:smtp --help prints its options and defaults and exits 0 without running', () => {
    const r = run('smtp.js', ['--help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run bench:smtp/);
    expect(r.stdout).toMatch(/--messages M +SMTP messages per run \(default: 20000\)/);
    expect(r.stdout).toMatch(/--only smtp\|pop .*\(default: both\)/);
    expect(r.stdout).not.toContain('starting');
  });

  it('bench:pmap --bogus exits 2 with one line naming the flag, having measured nothing', () => {
    const r = run('pmap.js', ['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('bench:pmap: unknown flag --bogus (--help lists the flags)\n');
    expect(r.stdout).toBe('');
  });
});
