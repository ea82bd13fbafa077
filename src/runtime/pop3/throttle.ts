// Password-guessing brakes for POP3 logins: failed logins are counted per user name and per client address in
// a fixed window; once either count reaches its limit, further logins for that user (from anywhere) or from
// that address (for anyone) are refused until the window ends — without asking the node, so a guessing loop
// costs the cluster nothing. A success clears the user's count. Memory is bounded: each table keeps at most
// `maxTracked` entries, dropping the oldest when full (an attacker who floods the table with fresh names
// still meets the per-address limit first).

export interface LoginThrottleOptions {
  /** Delay before a failed login is answered (ms). Default 1000. */
  readonly failureDelayMs?: number;
  /** Failures of one user name within the window before its logins are refused. Default 5. */
  readonly maxFailuresPerUser?: number;
  /** Failures from one client address within the window before its logins are refused. Default 20. */
  readonly maxFailuresPerAddress?: number;
  /** Length of the counting window (ms). Default 15 minutes. */
  readonly windowMs?: number;
  /** Entries kept per table (user names, addresses). Default 10000. */
  readonly maxTracked?: number;
}

interface Count {
  count: number;
  readonly since: number;
}

class FailureTable {
  private readonly entries = new Map<string, Count>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxTracked: number,
  ) {}

  private current(key: string, now: number): Count | undefined {
    const e = this.entries.get(key);
    if (e !== undefined && now - e.since >= this.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  blocked(key: string, now: number): boolean {
    return (this.current(key, now)?.count ?? 0) >= this.max;
  }

  fail(key: string, now: number): void {
    const e = this.current(key, now);
    if (e !== undefined) {
      e.count++;
      return;
    }
    this.entries.set(key, { count: 1, since: now });
    // Map iteration order is insertion order: the first key is the oldest window.
    while (this.entries.size > this.maxTracked) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

export class LoginThrottle {
  readonly failureDelayMs: number;
  private readonly users: FailureTable;
  private readonly addresses: FailureTable;

  constructor(options: LoginThrottleOptions = {}, private readonly clock: () => number = Date.now) {
    this.failureDelayMs = options.failureDelayMs ?? 1000;
    const windowMs = options.windowMs ?? 15 * 60_000;
    const maxTracked = options.maxTracked ?? 10_000;
    this.users = new FailureTable(options.maxFailuresPerUser ?? 5, windowMs, maxTracked);
    this.addresses = new FailureTable(options.maxFailuresPerAddress ?? 20, windowMs, maxTracked);
  }

  /** Why a login must be refused now without trying it, or undefined. */
  refusal(user: string, address: string): 'user' | 'address' | undefined {
    const now = this.clock();
    if (this.addresses.blocked(address, now)) return 'address';
    if (this.users.blocked(user.toLowerCase(), now)) return 'user';
    return undefined;
  }

  failed(user: string, address: string): void {
    const now = this.clock();
    this.users.fail(user.toLowerCase(), now);
    this.addresses.fail(address, now);
  }

  succeeded(user: string): void {
    this.users.clear(user.toLowerCase());
  }

  /** Entries held (for tests of the memory bound). */
  tracked(): { users: number; addresses: number } {
    return { users: this.users.size, addresses: this.addresses.size };
  }
}
