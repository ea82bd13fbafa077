// One shared, unswitched Gigabit Ethernet segment (PORCUPINE.md "Evaluation setup"): every frame of every
// node and client serialises on it, one at a time. A transfer of B bytes of TCP payload becomes
// ceil(B / 1460) data frames (each at least a 512-byte slot: half-duplex carrier extension) plus one TCP ACK
// frame per two data frames; the segment is busy for their bits at 1 Gb/s (parameters.ts ETHERNET).
import { ETHERNET } from './parameters.js';

/** Bytes on the wire (preamble and gap included) for `payload` bytes of TCP payload in one direction. */
export function wireBytes(payload: number): number {
  const e = ETHERNET;
  const frames = Math.max(1, Math.ceil(payload / e.payloadPerFrameBytes));
  const full = frames - 1;
  const last = payload - full * e.payloadPerFrameBytes;
  // Per frame: the MAC frame (headers + payload + FCS, at least the 512-byte slot) + preamble 8 + gap 12.
  const macOverhead = e.frameOverheadBytes - 20;
  const frame = (p: number): number => Math.max(e.minFrameBytes, p + macOverhead) + 20;
  const acks = Math.ceil(frames / e.dataFramesPerAck);
  return full * frame(e.payloadPerFrameBytes) + frame(last) + acks * frame(0);
}

export class EthernetSegment {
  private busyUntil = 0;
  busyMs = 0;
  bytesOnWire = 0;
  private readonly msPerByte: number;

  constructor(bitsPerSecond: number = ETHERNET.bitsPerSecond) {
    this.msPerByte = bitsPerSecond === Infinity ? 0 : (8 / bitsPerSecond) * 1000;
  }

  /** Send `payload` bytes at `now`: they wait for the segment, cross it, and arrive after the latency. */
  transmit(now: number, payload: number): number {
    const wire = wireBytes(payload);
    const ms = wire * this.msPerByte;
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + ms;
    this.busyMs += ms;
    this.bytesOnWire += wire;
    return this.busyUntil + ETHERNET.latencyMs;
  }

  /** Busy time counting only transmissions finished by `t`. */
  busyBy(t: number): number {
    return this.busyMs - Math.max(0, this.busyUntil - t);
  }
}
