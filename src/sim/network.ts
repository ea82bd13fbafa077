// The simulated network between nodes: per-link delay, and in the fault phase loss, duplication, reordering
// (a random extra delay) and cut links (partitions, asymmetric cuts). It only decides each message's fate;
// the world schedules the arrivals. Network misbehaviour is never an error (STYLE.md habit 5).
import type { FaultConfig, NetworkConfig } from './config.js';
import type { Prng } from './prng.js';

export interface NetworkCounters {
  sent: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Dropped because the link was cut (partition or asymmetric cut). */
  cut: number;
}

export class Network {
  readonly counters: NetworkCounters = { sent: 0, lost: 0, duplicated: 0, reordered: 0, cut: 0 };
  /** Arrival delays of the copies of the last routed message (valid up to the count `route` returned). */
  readonly delays: [number, number] = [0, 0];
  /** Faults apply only while this is on (the fault phase); cuts apply whenever present. */
  faultsOn = false;
  private faults: FaultConfig;
  private readonly linkDelay: Float64Array;
  /** cut[from * n + to] === 1 when messages from → to are dropped. */
  private readonly cutLinks: Uint8Array;
  private cutCount = 0;
  private readonly jitterMs: number;

  constructor(
    private readonly n: number,
    ids: readonly string[],
    config: NetworkConfig,
    faults: FaultConfig,
    private readonly rng: Prng,
  ) {
    this.faults = faults;
    this.linkDelay = new Float64Array(n * n).fill(config.delayMs);
    this.jitterMs = config.jitterMs;
    for (const [link, ms] of Object.entries(config.linkDelayMs)) {
      const [a, b] = link.split('>');
      const i = ids.indexOf(a);
      const j = ids.indexOf(b);
      if (i >= 0 && j >= 0) this.linkDelay[i * n + j] = ms;
    }
    this.cutLinks = new Uint8Array(n * n);
  }

  setFaults(f: FaultConfig): void {
    this.faults = f;
  }

  setLinkDelay(from: number, to: number, ms: number): void {
    this.linkDelay[from * this.n + to] = ms;
  }

  /** Cut (or restore) one direction of one link: an asymmetric cut. */
  setCut(from: number, to: number, cut: boolean): void {
    const k = from * this.n + to;
    if (this.cutLinks[k] === (cut ? 1 : 0)) return;
    this.cutLinks[k] = cut ? 1 : 0;
    this.cutCount += cut ? 1 : -1;
  }

  /** Partition into groups: every link between nodes of different groups is cut both ways. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Int32Array(this.n).fill(-1);
    groups.forEach((g, gi) => g.forEach((node) => (groupOf[node] = gi)));
    for (let a = 0; a < this.n; a++) {
      for (let b = 0; b < this.n; b++) if (a !== b) this.setCut(a, b, groupOf[a] !== groupOf[b]);
    }
  }

  /** Restore every link. */
  healCuts(): void {
    this.cutLinks.fill(0);
    this.cutCount = 0;
  }

  isCut(from: number, to: number): boolean {
    return this.cutLinks[from * this.n + to] === 1;
  }

  /**
   * Decide the fate of one message from → to: returns how many copies arrive (0, 1 or 2) and leaves their
   * delays in `delays`. Draws randomness only for enabled faults, so zero-fault runs cost no PRNG calls.
   */
  route(from: number, to: number): number {
    this.counters.sent++;
    if (this.cutCount > 0 && this.cutLinks[from * this.n + to] === 1) {
      this.counters.cut++;
      return 0;
    }
    const base = this.linkDelay[from * this.n + to];
    if (!this.faultsOn) {
      this.delays[0] = base + this.jitter();
      return 1;
    }
    const f = this.faults;
    if (this.rng.chance(f.lossRate)) {
      this.counters.lost++;
      return 0;
    }
    this.delays[0] = base + this.jitter() + this.reorderDelay();
    if (!this.rng.chance(f.dupRate)) return 1;
    this.counters.duplicated++;
    this.delays[1] = base + this.jitter() + this.reorderDelay();
    return 2;
  }

  private jitter(): number {
    return this.jitterMs > 0 ? this.rng.nextFloat() * this.jitterMs : 0;
  }

  private reorderDelay(): number {
    if (!this.rng.chance(this.faults.reorderRate)) return 0;
    this.counters.reordered++;
    return this.rng.nextFloat() * this.faults.reorderDelayMsMax;
  }
}
