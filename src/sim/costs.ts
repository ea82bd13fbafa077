// Cost hooks: how the hardware model (src/hardware-model, DESIGN.md §8) gives the world's events the time
// 1999 hardware would take. The world stays protocol-agnostic: it asks the hooks for a CPU time per reducer
// step (served one at a time per node, FIFO), a completion time per durable write, and an arrival time per
// message or client exchange; the hooks own the disks' and the shared network segment's queues.
// Absent hooks (every simulator run outside the model) = zero-cost timing, the simulator's own path.
import type { ClientReply, ClientRequest, HardWrite, Input, Message } from '../pure/io.js';

export interface CostHooks {
  /** CPU time (ms) node `node` spends on `input`; the step runs once that work is done. */
  cpuMs(node: number, input: Input): number;
  /** Virtual time at which `write`, issued by `node` at `now`, is durable (the model queues it on a disk). */
  persistDoneAt(node: number, now: number, write: HardWrite): number;
  /** Virtual time at which `message` sent at `now` from → to arrives (before the network's own delay). */
  messageArrivesAt(from: number, to: number, now: number, message: Message): number;
  /** Virtual time at which a client's request reaches `node`. */
  requestArrivesAt(node: number, now: number, request: ClientRequest): number;
  /** Virtual time at which `node`'s reply reaches its client. */
  replyArrivesAt(node: number, now: number, reply: ClientReply): number;
  /** `node` crashed: the work queued on its disks is gone with it. */
  onCrash(node: number): void;
}
