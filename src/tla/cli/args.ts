// A small, strict flag parser for the `porcupine tla` subcommands: unknown flags are errors.
export interface FlagSpec {
  /** Flags taking a value, e.g. `--config`. */
  readonly values: readonly string[];
  /** Boolean flags, e.g. `--tlc`. */
  readonly switches: readonly string[];
}

export interface ParsedArgs {
  readonly positional: readonly string[];
  /** The last value of each value flag. */
  readonly values: ReadonlyMap<string, string>;
  /** Every value of each value flag, in order (for repeatable flags such as --lib). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (spec.values.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, v);
      lists.set(name, [...(lists.get(name) ?? []), v]);
    } else if (spec.switches.includes(name) && eq < 0) switches.add(name);
    else throw new UsageError(`unknown flag ${name}`);
  }
  return { positional, values, lists, switches };
}
