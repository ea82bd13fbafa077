// Scheduled faults of the fault phase (crash, restart, partition, cut, network heal) and the heal phase's
// undoing of all of them. Crashes and restarts are trace events (actions `Crash`, `Restart`: the spec sees
// a node lose its soft state); network changes are metadata lines.
import { assertNever } from '../pure/assert.js';
import type { ScheduledFault } from './config.js';
import type { TraceRecorder } from './trace.js';
import type { World } from './world.js';

export function applyFault(world: World<unknown>, f: ScheduledFault, recorder: TraceRecorder | undefined): void {
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
      if (world.nodes[n].up) return;
      recorder?.event(n, 'Restart', { node: f.node });
      world.restart(n);
      return;
    }
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

/** The heal phase begins: random faults stop, every link is restored, every crashed node restarts. */
export function healAll(world: World<unknown>, recorder: TraceRecorder | undefined): void {
  world.network.faultsOn = false;
  world.network.healCuts();
  world.nodes.forEach((slot, n) => {
    if (slot.up) return;
    recorder?.event(n, 'Restart', { node: slot.id });
    world.restart(n);
  });
}
