// The trace recorder (DESIGN.md §5): NDJSON, one JSON value per line.
//   line 1  header  {"kind":"header","spec","constants","seed","version","config"}
//   events          {"i","t","node","action","args","state"}  — one per `trace` effect, in order; `state`
//                   is a compact refinement of the cluster after the step (see `refine`)
//   metadata        {"kind":"checkpoint","step","t","digests"} every `checkpointEverySteps` reducer steps
//                   (further apart once node states are large: digests must not dominate the run),
//                   {"kind":"phase","phase","t"} at phase changes, {"kind":"fault","fault","t"} for network
//                   faults of the schedule, and {"kind":"end",...} last. Crash/Restart are events.
// A line is an event iff it has "action"; conformance tools skip the others. `porcupine replay` re-runs the
// header's config and demands the same lines, byte for byte (digests are fingerprints of digestNode).
import type { NodeId } from '../pure/types.js';
import type { SimConfig } from './config.js';
import { fingerprint } from './digest.js';
import type { World } from './world.js';

export const TRACE_SPEC_MODULE = 'Porcupine';

/**
 * Events the simulator records itself, not the nodes (faults.ts: a node crashes; a restart, recorded while the
 * node is still down, just before its Boot). With src/pure/trace-actions.ts they are every action a trace
 * names; test/spec/names-in-sync.test.ts keeps both lists equal to spec/MailStore.tla's actions.
 */
export const SIM_TRACE_ACTIONS = ['Crash', 'Restart'] as const;
export type SimTraceAction = (typeof SIM_TRACE_ACTIONS)[number];

/** Budget for checkpoint digests, in characters of rendered state per reducer step. */
const DIGEST_CHARS_PER_STEP = 100;

export interface TraceHeader {
  readonly kind: 'header';
  readonly spec: string;
  readonly constants: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly version: string;
  readonly config: SimConfig;
}

export function makeHeader(config: SimConfig, version: string, nodes: readonly NodeId[]): TraceHeader {
  return {
    kind: 'header',
    spec: TRACE_SPEC_MODULE,
    constants: { Nodes: nodes, Users: config.users, Spread: config.node.spread, LoadPolicy: config.node.loadPolicy },
    seed: config.seed,
    version,
    config,
  };
}

export class TraceRecorder {
  private events = 0;
  private checkpoints = 0;
  private nextCheckpointAt: number;

  constructor(
    private readonly sink: ((line: string) => void) | undefined,
    private readonly world: World<unknown>,
    private readonly config: SimConfig,
    /** Receives each line as the object it is serialised from (in-process consumers skip JSON). */
    private readonly objects?: (line: Readonly<Record<string, unknown>>) => void,
  ) {
    this.nextCheckpointAt = config.trace.checkpointEverySteps;
  }

  private emit(line: Readonly<Record<string, unknown>>): void {
    this.sink?.(JSON.stringify(line));
    this.objects?.(line);
  }

  header(version: string): void {
    this.emit(makeHeader(this.config, version, this.world.nodes.map((n) => n.id)) as unknown as Readonly<Record<string, unknown>>);
  }

  event(node: number, action: string, args: Readonly<Record<string, unknown>>): void {
    this.emit({ i: ++this.events, t: this.world.now, node: this.world.nodes[node].id, action, args, state: this.refine() });
  }

  afterStep(): void {
    const steps = this.world.counters.steps;
    if (steps < this.nextCheckpointAt) return;
    const digestedChars = this.checkpoint();
    // A digest renders every node's whole state, which grows with the mail stored; space checkpoints so
    // digesting costs at most ~DIGEST_CHARS_PER_STEP per step on average (deterministic: lengths are).
    this.nextCheckpointAt = steps + Math.max(this.config.trace.checkpointEverySteps, Math.ceil(digestedChars / DIGEST_CHARS_PER_STEP));
  }

  /** Write a checkpoint line; returns how many characters of state were digested. */
  checkpoint(): number {
    let chars = 0;
    const digests: Record<NodeId, string> = {};
    for (const [id, d] of Object.entries(this.world.digests())) {
      chars += d.length;
      digests[id] = fingerprint(d);
    }
    this.emit({ kind: 'checkpoint', n: ++this.checkpoints, step: this.world.counters.steps, t: this.world.now, digests });
    return chars;
  }

  /** A metadata line (not an event): `{"kind": …, "t": …, …}`. */
  meta(fields: Readonly<Record<string, unknown>> & { readonly kind: string }): void {
    this.emit({ ...fields, t: this.world.now, step: this.world.counters.steps });
  }

  phase(phase: string): void {
    this.emit({ kind: 'phase', phase, t: this.world.now, step: this.world.counters.steps });
  }

  end(summary: Readonly<Record<string, unknown>>): void {
    // An 'up' trace is for in-process validation only: its end line skips the digests (rendering every
    // node's whole state costs as much as the rest of the recording).
    const digests = this.config.trace.state === 'up' ? {} : this.digests();
    this.emit({ kind: 'end', step: this.world.counters.steps, t: this.world.now, events: this.events, digests, summary });
  }

  private digests(): Record<NodeId, string> {
    const out: Record<NodeId, string> = {};
    for (const [id, d] of Object.entries(this.world.digests())) out[id] = fingerprint(d);
    return out;
  }

  /**
   * The refinement of the cluster written with each event. 'counts': which nodes are up and how many
   * messages each stores durably (O(nodes)); 'mailboxes': per user, per node, the sorted stored msg ids
   * (O(messages) per event: for small conformance runs only); 'up': only the nodes up (reading the stored
   * counts folds every disk's write log at every event).
   */
  private refine(): Record<string, unknown> {
    if (this.config.trace.state === 'up') return { up: this.world.nodes.filter((n) => n.up).map((n) => n.id) };
    const up: NodeId[] = [];
    const stored: Record<NodeId, number> = {};
    for (const n of this.world.nodes) {
      if (n.up) up.push(n.id);
      stored[n.id] = n.disk.storedMessages;
    }
    if (this.config.trace.state === 'counts') return { up, stored };
    return { up, mailboxes: mailboxes(this.world) };
  }
}

/** Per user, per node, the sorted ids stored durably (the recorder's `mailboxes` state; also from-spec/mail.ts). */
export function mailboxes(world: World<unknown>): Record<string, Record<NodeId, string[]>> {
  const out: Record<string, Record<NodeId, string[]>> = {};
  for (const n of world.nodes) {
    for (const [user, frag] of n.disk.durable.fragments.sortedEntries()) {
      (out[user] ??= {})[n.id] = frag.keys().sort();
    }
  }
  const sorted: Record<string, Record<NodeId, string[]>> = {};
  for (const user of Object.keys(out).sort()) sorted[user] = out[user];
  return sorted;
}
