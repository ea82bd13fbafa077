// Numeric command-line flags for the benchmarks (`--messages 1000`): a missing flag takes its default, a
// malformed one stops the run with a message rather than measuring something else.
export function numberFlag(name: string, dflt: number, argv: readonly string[] = process.argv): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a non-negative number, got '${argv[i + 1] ?? ''}'`);
  return v;
}
