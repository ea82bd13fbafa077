// Fault injection for tests and drills (`porcupine node --fault-injection`, off by default): an isolated node
// drops every RPC frame it would send and every one it receives, while its SMTP, POP3 and HTTP front ends keep
// serving. That is a network partition of the node's RPC traffic alone (issue 8: "isolate one node (stop its
// RPC traffic) and heal"), unlike SIGSTOP, which also freezes the front ends. Toggled over the admin API
// (PUT /admin/fault/rpc, authenticated with the cluster secret); see docs/runtime-transport.md.
import type { Message } from '../pure/messages.js';
import type { NodeId } from '../pure/types.js';

export interface RpcFaultState {
  readonly isolated: boolean;
  /** Frames dropped while isolated, outbound (not sent) and inbound (received, not delivered). */
  readonly droppedOut: number;
  readonly droppedIn: number;
}

export class RpcFaults {
  private isolatedNow = false;
  private out = 0;
  private in = 0;

  get state(): RpcFaultState {
    return { isolated: this.isolatedNow, droppedOut: this.out, droppedIn: this.in };
  }

  setIsolated(on: boolean): void {
    this.isolatedNow = on;
  }

  /** The transport's send, dropping while isolated (the reducer retries, as after any lost message). */
  wrapSend(send: (to: NodeId, message: Message) => void): (to: NodeId, message: Message) => void {
    return (to, message) => {
      if (this.isolatedNow) this.out++;
      else send(to, message);
    };
  }

  /** The transport's inbound sink, dropping while isolated. */
  wrapReceive(deliver: (from: NodeId, message: Message) => void): (from: NodeId, message: Message) => void {
    return (from, message) => {
      if (this.isolatedNow) this.in++;
      else deliver(from, message);
    };
  }
}
