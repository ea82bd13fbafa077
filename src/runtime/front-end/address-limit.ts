// Connections per client address (SMTP and POP3 front ends): one address cannot take every connection
// slot of a node. Counted per normalised address; an address leaves the map when its last connection closes,
// so the map never holds more entries than there are open connections.

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same client. */
export function normaliseAddress(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

export class AddressLimit {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Takes a slot for `address`, or returns false when it already has `maxPerAddress` connections. */
  acquire(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= this.maxPerAddress) return false;
    this.open.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    const n = this.open.get(address) ?? 0;
    if (n <= 1) this.open.delete(address);
    else this.open.set(address, n - 1);
  }

  /** Open connections of one address (for tests and the status page). */
  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
