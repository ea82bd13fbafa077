// Scheduled faults of the fault phase (crash, restart, partition, cut, network heal, join, leave, disk loss)
// and the heal phase's undoing of the transient ones. Crashes and restarts are trace events (actions `Crash`,
// `Restart`: the spec sees a node lose its soft state); network changes, joins and disk losses are metadata
// lines (`kind: "fault"`), a leave is a `Crash` plus a metadata line (the node never comes back).
import { assertNever } from '../pure/assert.js';
import type { HardState } from '../pure/hard-state.js';
import type { ScheduledFault } from './config.js';
import type { TraceRecorder } from './trace.js';
import type { World } from './world.js';

/**
 * Which nodes are not part of the cluster right now: joiners before their join, and nodes that left. The
 * heal phase restarts crashed nodes but never these; the convergence measure ignores them.
 */
export interface Destruction {
  readonly node: string;
  readonly atMs: number;
  readonly kind: 'leave' | 'loseDisk';
}

export class Membership {
  /** What a new or wiped disk holds: the provisioned user directory, no mail. */
  constructor(readonly blankDisk: HardState) {}
  readonly absent = new Set<number>();
  /** Nodes that left for good (a later `join` of the same id is ignored). */
  readonly left = new Set<number>();
  /** Membership changes the faults made (joins, leaves); the nodes' own view changes are counted elsewhere. */
  joins = 0;
  leaves = 0;
  disksLost = 0;
  /** Disks gone for good (the node left, or lost its disk), in time order: what they held then is gone. */
  readonly destructions: Destruction[] = [];
}

export function applyFault(world: World<unknown>, f: ScheduledFault, recorder: TraceRecorder | undefined, m: Membership): void {
  const idx = (id: string): number => world.index.get(id) as number; // validated by validateConfig
  switch (f.kind) {
    case 'crash': {
      const n = idx(f.node);
      if (!world.nodes[n].up) return;
      world.crash(n);
      recorder?.event(n, 'Crash', { node: f.node });
      return;
    }
    case 'restart': {
      const n = idx(f.node);
      if (world.nodes[n].up || m.absent.has(n)) return;
      recorder?.event(n, 'Restart', { node: f.node });
      world.restart(n);
      return;
    }
    case 'join': {
      const n = idx(f.node);
      if (!m.absent.has(n) || m.left.has(n)) return;
      m.absent.delete(n);
      m.joins++;
      recorder?.meta({ kind: 'fault', fault: f });
      world.boot(n);
      return;
    }
    case 'leave': {
      const n = idx(f.node);
      if (m.absent.has(n)) return;
      m.absent.add(n);
      m.left.add(n);
      m.leaves++;
      m.destructions.push({ node: f.node, atMs: world.now, kind: 'leave' });
      recorder?.meta({ kind: 'fault', fault: f });
      if (!world.nodes[n].up) return;
      world.crash(n);
      recorder?.event(n, 'Crash', { node: f.node });
      return;
    }
    case 'loseDisk':
      return loseDisk(world, idx(f.node), f, recorder, m);
    case 'partition':
      world.network.partition(f.groups.map((g) => g.map(idx)));
      recorder?.meta({ kind: 'fault', fault: f });
      return;
    case 'cut':
      world.network.setCut(idx(f.from), idx(f.to), true);
      recorder?.meta({ kind: 'fault', fault: f });
      return;
    case 'healNetwork':
      world.network.healCuts();
      recorder?.meta({ kind: 'fault', fault: f });
      return;
  }
  assertNever(f, 'scheduled fault');
}

/** Permanent disk loss (issue 5): the node stops, its durable state is wiped, it boots again empty. */
function loseDisk(world: World<unknown>, n: number, f: ScheduledFault, recorder: TraceRecorder | undefined, m: Membership): void {
  if (m.absent.has(n)) return;
  const slot = world.nodes[n];
  if (slot.up) {
    world.crash(n);
    recorder?.event(n, 'Crash', { node: slot.id });
  }
  slot.disk.wipe(m.blankDisk);
  m.disksLost++;
  m.destructions.push({ node: slot.id, atMs: world.now, kind: 'loseDisk' });
  recorder?.meta({ kind: 'fault', fault: f });
  recorder?.event(n, 'Restart', { node: slot.id });
  world.restart(n);
}

/** The heal phase begins: random faults stop, every link is restored, every crashed member restarts. */
export function healAll(world: World<unknown>, recorder: TraceRecorder | undefined, m: Membership): void {
  world.network.faultsOn = false;
  world.network.healCuts();
  world.nodes.forEach((slot, n) => {
    if (slot.up || m.absent.has(n)) return;
    recorder?.event(n, 'Restart', { node: slot.id });
    world.restart(n);
  });
}
