// Shared by the seeded-bug validation tests: the real node reducer with a patch of NodeConfig (seeded bug
// flags) applied at every boot, and a simulator run's raw trace lines.
import type { NodeConfig } from '../../src/pure/io.js';
import { porcupineReducer, runSimulation, type NodeReducer, type SimConfig } from '../../src/sim/index.js';

/** The real reducer with `patch` merged into the node config of every boot (e.g. `{ replicationBugs }`). */
export function withBootConfig(patch: Partial<NodeConfig>): NodeReducer<unknown> {
  const real = porcupineReducer as NodeReducer<unknown>;
  return {
    ...real,
    step: (s, input, env) => real.step(s, input.kind === 'boot' ? { ...input, config: { ...input.config, ...patch } } : input, env),
  };
}

/** The raw NDJSON lines of one run (header first), with the real or the given reducer. */
export function traceLines(config: SimConfig, reducer?: NodeReducer<unknown>): string[] {
  const lines: string[] = [];
  runSimulation(config, { ...(reducer === undefined ? {} : { reducer }), trace: { sink: (l) => lines.push(l), version: 'seeded-bug-test' } });
  return lines;
}
