// Assertions state what must be true; a failure is a bug in our code, never a reaction to bad input
// (bad or stale input is rejected as data: a traced drop or an error reply). See STYLE.md habit 5.
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

/** Exhaustiveness check for discriminated unions: the compiler proves this is unreachable. */
export function assertNever(x: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(x)}`);
}
