// The node's optional NDJSON trace, in the simulator's line format (src/sim/trace.ts): a header line, then one
// `{"i","t","node","action","args"}` line per trace effect. A real node cannot see the whole cluster, so event
// lines carry no `state` refinement; merging the nodes' files by `t` gives a cluster trace for the checkers
// that read events only (conformance tools skip lines without "action").
import { createWriteStream, type WriteStream } from 'node:fs';
import type { NodeId } from '../pure/types.js';
import type { DriverHooks } from './driver.js';
import { TRACE_SPEC_MODULE } from '../sim/trace.js';

export class TraceFile {
  private readonly out: WriteStream;
  private events = 0;

  constructor(path: string, private readonly node: NodeId, nodes: readonly NodeId[], version: string) {
    this.out = createWriteStream(path, { flags: 'a' });
    const header = { kind: 'header', spec: TRACE_SPEC_MODULE, constants: { Nodes: nodes }, seed: 0, version, runtime: { node } };
    this.out.write(JSON.stringify(header) + '\n');
  }

  readonly hooks: DriverHooks = {
    onTrace: (action, args, now) => {
      this.out.write(JSON.stringify({ i: ++this.events, t: now, node: this.node, action, args }) + '\n');
    },
  };

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
