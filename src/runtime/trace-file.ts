// The node's optional NDJSON trace, in the simulator's line format (src/sim/trace.ts): a header line, then one
// `{"i","t","mono","node","action","args"}` line per trace effect. A real node cannot see the whole cluster, so
// event lines carry no `state` refinement: `porcupine tla validate SPEC FILE...` merges the nodes' files into
// one cluster trace and derives it (src/conformance/runtime-traces.ts, docs/runtime-traces.md).
//
// `mono` is the host's monotonic clock in µs (CLOCK_MONOTONIC via process.hrtime, one clock for every process
// of a boot of the host), read when the event is written — before the step's messages are sent — so ordering
// the files of one host by it respects every message between the nodes. The header names the host's boot
// (`bootId`): files from different boots or hosts are merged by wall time `t` instead.
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import type { NodeId } from '../pure/types.js';
import type { DriverHooks } from './driver.js';
import { TRACE_SPEC_MODULE } from '../sim/trace.js';

/** Linux's id of this boot of the host (undefined elsewhere): equal ids mean one monotonic clock. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

export interface TraceFileConfig {
  readonly replicas?: number;
  readonly ackReplicas?: number;
}

export class TraceFile {
  private readonly out: WriteStream;
  private events = 0;

  constructor(path: string, private readonly node: NodeId, nodes: readonly NodeId[], version: string, config: TraceFileConfig = {}) {
    this.out = createWriteStream(path, { flags: 'a' });
    const header = {
      kind: 'header', spec: TRACE_SPEC_MODULE, constants: { Nodes: nodes }, seed: 0, version,
      config: { node: { replicas: config.replicas, ackReplicas: config.ackReplicas } },
      runtime: { node, host: hostname(), bootId: bootId() },
    };
    this.out.write(JSON.stringify(header) + '\n');
  }

  readonly hooks: DriverHooks = {
    onTrace: (action, args, now) => {
      const mono = Number(process.hrtime.bigint() / 1000n);
      this.out.write(JSON.stringify({ i: ++this.events, t: now, mono, node: this.node, action, args }) + '\n');
    },
  };

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
