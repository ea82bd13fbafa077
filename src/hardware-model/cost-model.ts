// The hardware model's costs for the simulator's world (src/sim/costs.ts): per node a CPU (clock rate) and
// disks, one shared Ethernet segment for everyone, and the meters the experiments read (busy time of every
// CPU, disk and the segment; steps by kind). The same reducers run; only time changes.
import type { ClientReply, ClientRequest, HardWrite, Input, Message } from '../pure/io.js';
import type { CostHooks } from '../sim/costs.js';
import { cpuMs300, scaleToClock, stepKind, type StepKind } from './cpu-costs.js';
import { NodeDisks } from './disks.js';
import { EthernetSegment } from './ethernet.js';
import type { Machine } from './machines.js';
import { messageBytes, replyBytes, requestBytes, writeBytes } from './wire-size.js';

export interface CostSettings {
  /** CPUs cost nothing (experiment 3: the network limit alone). */
  readonly freeCpu?: boolean;
  /** Segment bandwidth override, bits/s (default 1 Gb/s; Infinity = no network limit). */
  readonly networkBitsPerSecond?: number;
}

/** A snapshot of the meters, to take differences over a measurement window. */
export interface Meters {
  readonly t: number;
  readonly cpuBusyMs: readonly number[];
  readonly diskBusyMs: readonly number[];
  readonly diskWrites: readonly number[];
  readonly segmentBusyMs: number;
  readonly segmentBytes: number;
  readonly stepsByKind: Readonly<Record<string, number>>;
}

export class HardwareCosts implements CostHooks {
  readonly disks: NodeDisks[];
  readonly segment: EthernetSegment;
  /** CPU time charged per node (work queued; a crash discards what was not done, see onCrash). */
  private readonly cpuBusyMs: Float64Array;
  private readonly cpuFreeAt: Float64Array;
  private readonly stepsByKind = new Map<StepKind, number>();
  /** The world's clock, for onCrash (the hook gets no time). */
  now: () => number = () => 0;

  constructor(
    readonly machines: readonly Machine[],
    private readonly settings: CostSettings = {},
  ) {
    this.disks = machines.map((m) => new NodeDisks(m.disks));
    this.segment = new EthernetSegment(settings.networkBitsPerSecond);
    this.cpuBusyMs = new Float64Array(machines.length);
    this.cpuFreeAt = new Float64Array(machines.length);
  }

  cpuMs(node: number, input: Input): number {
    const kind = stepKind(input);
    this.stepsByKind.set(kind, (this.stepsByKind.get(kind) ?? 0) + 1);
    if (this.settings.freeCpu === true) return 0;
    const ms = scaleToClock(cpuMs300(input, kind), this.machines[node].cpuMhz);
    // Mirror the world's FIFO CPU queue so that busy time can be cut at a window's end.
    const now = this.now();
    this.cpuFreeAt[node] = Math.max(now, this.cpuFreeAt[node]) + ms;
    this.cpuBusyMs[node] += ms;
    return ms;
  }

  persistDoneAt(node: number, now: number, write: HardWrite): number {
    return this.disks[node].write(now, writeBytes(write));
  }

  messageArrivesAt(from: number, to: number, now: number, message: Message): number {
    if (from === to) return now; // a node's message to itself never leaves the machine
    return this.segment.transmit(now, messageBytes(message));
  }

  requestArrivesAt(_node: number, now: number, request: ClientRequest): number {
    return this.segment.transmit(now, requestBytes(request));
  }

  replyArrivesAt(_node: number, now: number, reply: ClientReply): number {
    return this.segment.transmit(now, replyBytes(reply));
  }

  onCrash(node: number): void {
    const now = this.now();
    this.disks[node].crash(now);
    if (this.cpuFreeAt[node] > now) this.cpuBusyMs[node] -= this.cpuFreeAt[node] - now;
    this.cpuFreeAt[node] = now;
  }

  meters(t: number): Meters {
    return {
      t,
      cpuBusyMs: Array.from(this.cpuBusyMs, (b, i) => b - Math.max(0, this.cpuFreeAt[i] - t)),
      diskBusyMs: this.disks.map((d) => d.busyBy(t)),
      diskWrites: this.disks.map((d) => d.writes),
      segmentBusyMs: this.segment.busyBy(t),
      segmentBytes: this.segment.bytesOnWire,
      stepsByKind: Object.fromEntries(this.stepsByKind),
    };
  }
}
