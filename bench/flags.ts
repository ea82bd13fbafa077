// Command-line flags of the benchmarks, on node:util's parseArgs in strict mode. Each bench declares its
// options (name, type, default, one line of help), a usage line and a short description, then calls
// `benchFlags` before it does anything else:
//   - `--help` (or -h) prints the usage, the description, every option with its default and the environment
//     knobs, and exits 0 without running the bench;
//   - an unknown flag, a flag without its value, a malformed number (not finite, not an integer where one is
//     needed, out of range), a value outside an option's choices or an unexpected positional argument stops it
//     with ONE line on stderr naming the flag, exit 2.
// Why: flags used to be read by hand from process.argv, so `--help` ran the whole 20-minute bench:smtp and a
// misspelt flag (`--mesages 10`) was ignored: the bench ran and measured something else.
// `parseBenchFlags` is the pure part (argv in, outcome out: the tests call it); `benchFlags` prints and exits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** A number (`--messages 20000`): finite, an integer if `integer`, at least `min` (0 unless given), at most `max`. */
export interface NumberOption {
  readonly type: 'number';
  /** Without a default the value is `undefined` when the flag is absent (the bench decides what that means). */
  readonly default?: number;
  /** Shown for the default when there is none, or when the number alone would not say it ("both 0 and 2"). */
  readonly defaultText?: string;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** The value's name in the help (N unless given). */
  readonly placeholder?: string;
  readonly help: string;
}

/** A switch (`--profile`): true when given, false otherwise; it takes no value. */
export interface BooleanOption {
  readonly type: 'boolean';
  readonly help: string;
}

/** A string (`--dir DIR`), one of `choices` when they are given. */
export interface StringOption {
  readonly type: 'string';
  readonly default?: string;
  readonly defaultText?: string;
  readonly choices?: readonly string[];
  readonly placeholder?: string;
  readonly help: string;
}

export type OptionSpec = NumberOption | BooleanOption | StringOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface BenchSpec<O extends OptionSpecs> {
  /** Prefix of the error line (`bench:smtp: unknown flag --bogus`). */
  readonly name: string;
  /** One or more usage lines, without the leading "usage: ". */
  readonly usage: string | readonly string[];
  readonly description: string;
  /** Keyed by the flag's name without its dashes: `{ 'pop-messages': … }` is `--pop-messages`. */
  readonly options: O;
  /** Positional arguments (`[FILTER]`, `[MODEL...]`); without this, any positional argument is refused. */
  readonly positionals?: { readonly name: string; readonly help: string; readonly max?: number };
  /** Environment variables the bench reads, listed in the help. */
  readonly env?: readonly { readonly name: string; readonly help: string }[];
}

type ValueOf<T extends OptionSpec> = T extends BooleanOption
  ? boolean
  : T extends NumberOption
    ? T extends { readonly default: number }
      ? number
      : number | undefined
    : T extends { readonly default: string }
      ? string
      : string | undefined;

export type FlagValues<O extends OptionSpecs> = { readonly [K in keyof O]: ValueOf<O[K]> };

export interface ParsedFlags<O extends OptionSpecs> {
  readonly values: FlagValues<O>;
  readonly positionals: readonly string[];
}

export type ParseOutcome<O extends OptionSpecs> =
  | ({ readonly kind: 'run' } & ParsedFlags<O>)
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

const HELP_NAMES = new Set(['help', 'h']);

function placeholder(o: OptionSpec): string {
  if (o.type === 'boolean') return '';
  if (o.type === 'string' && o.choices !== undefined) return ` ${o.choices.join('|')}`;
  return ` ${o.placeholder ?? (o.type === 'number' ? 'N' : 'VALUE')}`;
}

function defaultShown(o: OptionSpec): string {
  if (o.type === 'boolean') return 'off';
  if (o.defaultText !== undefined) return o.defaultText;
  return o.default === undefined ? 'none' : String(o.default);
}

/** The text `--help` prints: usage, description, every option with its default, positionals, environment. */
export function helpText<O extends OptionSpecs>(spec: BenchSpec<O>): string {
  const usage = typeof spec.usage === 'string' ? [spec.usage] : spec.usage;
  const lines = usage.map((u, i) => `${i === 0 ? 'usage: ' : '       '}${u}`);
  lines.push('', spec.description, '');
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [`--${name}${placeholder(o)}`, `${o.help} (default: ${defaultShown(o)})`]);
  rows.push(['--help, -h', 'print this help and exit, running nothing']);
  const pos = spec.positionals;
  const envs = spec.env ?? [];
  const width = Math.max(...rows.map((r) => r[0].length), ...(pos ? [pos.name.length] : []), ...envs.map((e) => e.name.length)) + 2;
  const table = (rs: readonly (readonly [string, string])[]): string[] => rs.map(([l, r]) => `  ${l.padEnd(width)}${r}`);
  if (pos !== undefined) lines.push('arguments:', ...table([[pos.name, pos.help]]), '');
  lines.push('options:', ...table(rows));
  if (envs.length > 0) lines.push('', 'environment:', ...table(envs.map((e) => [e.name, e.help] as const)));
  return lines.join('\n') + '\n';
}

// A plain decimal number (digits, a point, an exponent): not '', not '0x10', not 'Infinity', not '1,000'.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function checkNumber(flag: string, o: NumberOption, raw: string): number | string {
  const v = DECIMAL.test(raw) ? Number(raw) : NaN;
  const min = o.min ?? 0;
  const ok = Number.isFinite(v) && (!o.integer || Number.isInteger(v)) && v >= min && (o.max === undefined || v <= o.max);
  if (ok) return v;
  const kind = o.integer ? 'an integer' : 'a number';
  const range = o.max !== undefined ? `from ${min} to ${o.max}` : min === 0 ? '>= 0' : `>= ${min}`;
  return `${flag} needs ${kind} ${range}, got '${raw}'`;
}

/**
 * The first thing wrong with `argv`, named by its flag, once the strict parse has refused it. A lenient parse
 * (its tokens keep every argument, known or not) finds it; parseArgs' own message is the fallback.
 */
function diagnose<O extends OptionSpecs>(spec: BenchSpec<O>, argv: readonly string[], strictError: unknown): string {
  const { tokens } = parseArgs({ args: [...argv], options: parseArgsOptions(spec), strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'positional' && spec.positionals === undefined) return `unexpected argument '${t.value}': this bench takes no positional arguments`;
    if (t.kind !== 'option' || HELP_NAMES.has(t.name)) continue;
    const o = spec.options[t.name] as OptionSpec | undefined; // undefined: a flag no option declares
    if (o === undefined) return `unknown flag ${t.rawName} (--help lists the flags)`;
    if (o.type === 'boolean') {
      if (t.value !== undefined) return `${t.rawName} takes no value, got '${t.value}'`;
    } else if (t.value === undefined) {
      return `${t.rawName} needs a value`;
    } else if (!t.inlineValue && t.value.startsWith('-')) {
      // parseArgs takes no value starting with '-' after a space (it is most likely the next flag); a negative
      // number is the one such value worth a word: refused by the option's range, or to be written --seed=-1.
      if (!DECIMAL.test(t.value)) return `${t.rawName} needs a value, got the flag '${t.value}'`;
      const v = o.type === 'number' ? checkNumber(t.rawName, o, t.value) : undefined;
      return typeof v === 'string' ? v : `${t.rawName}: write ${t.rawName}=${t.value} for a value starting with '-'`;
    }
  }
  const msg = strictError instanceof Error ? strictError.message : String(strictError);
  return msg.split('\n')[0];
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parseArgsOptions<O extends OptionSpecs>(spec: BenchSpec<O>): ParseArgsOptions {
  const out: ParseArgsOptions = { help: { type: 'boolean', short: 'h' } };
  // Numbers go through parseArgs as strings: checkNumber converts them, so that '1x' is refused, not NaN.
  for (const [name, o] of Object.entries(spec.options)) out[name] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
  return out;
}

/** Pure: what `argv` (without node and the script) asks of the bench `spec`. */
export function parseBenchFlags<const O extends OptionSpecs>(spec: BenchSpec<O>, argv: readonly string[]): ParseOutcome<O> {
  if ('help' in spec.options) throw new Error(`${spec.name}: --help is the parser's own flag, not an option to declare`);
  // --help wins over anything else on the line (`--mesages 10 --help` asks for help, not for the error).
  const lenient = parseArgs({ args: [...argv], options: parseArgsOptions(spec), strict: false, allowPositionals: true, tokens: true });
  if (lenient.tokens.some((t) => t.kind === 'option' && HELP_NAMES.has(t.name))) return { kind: 'help', text: helpText(spec) };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsOptions(spec), strict: true, allowPositionals: spec.positionals !== undefined });
  } catch (e) {
    return { kind: 'error', message: `${spec.name}: ${diagnose(spec, argv, e)}` };
  }
  const pos = spec.positionals;
  if (pos?.max !== undefined && parsed.positionals.length > pos.max) {
    return { kind: 'error', message: `${spec.name}: at most ${pos.max} ${pos.name} argument${pos.max === 1 ? '' : 's'}, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}` };
  }
  const values: Record<string, number | boolean | string | undefined> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const raw = parsed.values[name];
    if (o.type === 'boolean') {
      values[name] = raw === true;
    } else if (typeof raw !== 'string') {
      values[name] = o.default;
    } else if (o.type === 'number') {
      const v = checkNumber(`--${name}`, o, raw);
      if (typeof v === 'string') return { kind: 'error', message: `${spec.name}: ${v}` };
      values[name] = v;
    } else {
      if (o.choices !== undefined && !o.choices.includes(raw)) return { kind: 'error', message: `${spec.name}: --${name} must be one of ${o.choices.join(', ')}, got '${raw}'` };
      values[name] = raw;
    }
  }
  // The loop above gave every declared option a value of its declared type (ValueOf), which TypeScript cannot follow.
  return { kind: 'run', values: values as FlagValues<O>, positionals: parsed.positionals };
}

/**
 * The bench's flags from the command line. `--help` prints the help and exits 0; anything malformed prints one
 * line on stderr and exits 2. Call it before the bench does anything.
 */
export function benchFlags<const O extends OptionSpecs>(spec: BenchSpec<O>, argv: readonly string[] = process.argv.slice(2)): ParsedFlags<O> {
  const r = parseBenchFlags(spec, argv);
  if (r.kind === 'help') {
    process.stdout.write(r.text);
    process.exit(0);
  }
  if (r.kind === 'error') {
    process.stderr.write(`${r.message}\n`);
    process.exit(2);
  }
  return r;
}

/** Whether the module at `moduleUrl` (its import.meta.url) is the script node runs, not an import. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && fileURLToPath(moduleUrl) === path.resolve(script);
}
