// Issue 2 ("Foundation"), property 5 — determinism: the same seed gives the same trace, byte for byte.
// Each case runs twice in the same process (so module-level state leaking between runs is caught too) and
// the two NDJSON texts must be identical; the trace includes state digests of every node at checkpoints,
// so a divergence in state that produced no event still shows. Faults are generated as well: the network's
// random choices must come from the seed as much as the workload's.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { NodeReducer, SimConfig } from '../src/sim/index.js';
import { propertyParams, propertyRuns, propertySeed } from './support/fc-params.js';
import { caseConfig, networkFaultsArb, simCaseArb } from './support/sim-cases.js';
import { recordTrace } from './support/failure-trace.js';
import { checkRunTrace, traceValidationOn } from './support/validated-sim.js';
import { leakyModuleState, timersJittered } from './support/mutations.js';
import { NO_FAULTS } from '../src/sim/index.js';

const FILE = 'properties/foundation-determinism.test.ts';
const NAME = 'same seed, same trace: two runs of one config produce byte-identical NDJSON';

const configArb: fc.Arbitrary<SimConfig> = fc
  .tuple(simCaseArb({ faults: fc.oneof(fc.constant(NO_FAULTS), networkFaultsArb), maxMessages: 12 }), fc.integer({ min: 50, max: 400 }))
  .map(([c, every]) => {
    const config = caseConfig(c);
    // Frequent digest checkpoints: state divergence is caught even between trace events.
    return { ...config, trace: { ...config.trace, checkpointEverySteps: every } };
  });

function sameTraceTwice(config: SimConfig, reducer?: NodeReducer<unknown>): void {
  const opts = reducer === undefined ? {} : { reducer };
  const first = recordTrace(config, opts);
  const second = recordTrace(config, opts);
  // The run is also a behaviour of the specs (validated-sim.ts; the mutation checks' broken reducers are not).
  if (reducer === undefined && traceValidationOn()) checkRunTrace(config.seed, first.split('\n'));
  if (first === second) return;
  const a = first.split('\n');
  const b = second.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  expect.fail(`seed ${config.seed}: traces differ at line ${line + 1}\n  first:  ${a[line]?.slice(0, 300)}\n  second: ${b[line]?.slice(0, 300)}`);
}

describe('foundation property 5: determinism', () => {
  it(`${NAME} (${propertyRuns()} runs)`, () => {
    fc.assert(fc.property(configArb, (c) => sameTraceTwice(c)), propertyParams<[SimConfig]>(NAME, { file: FILE, toConfig: ([c]) => c }));
  });

  it('the traces compared are not trivial: they hold deliveries, checkpoints and the end line', () => {
    const [config] = fc.sample(configArb, { seed: propertySeed(), numRuns: 1 });
    const text = recordTrace({ ...config, messages: 5 });
    expect(text).toContain('"action":"Deliver"');
    expect(text).toContain('"kind":"checkpoint"');
    expect(text.trimEnd().split('\n').at(-1)).toContain('"kind":"end"');
  });

  it('property 5 catches the mutation: a timer fires late at random (Math.random instead of env.entropy)', () => {
    const out = fc.check(fc.property(configArb, (c) => sameTraceTwice(c, timersJittered)), { seed: propertySeed(), numRuns: 20, endOnFailure: true });
    expect(out.failed, `the mutation went unnoticed in ${out.numRuns} runs`).toBe(true);
  });

  it('property 5 catches the mutation: state leaking between runs through a module-level counter', () => {
    const out = fc.check(fc.property(configArb, (c) => sameTraceTwice(c, leakyModuleState)), { seed: propertySeed(), numRuns: 50, endOnFailure: true });
    expect(out.failed, `the mutation went unnoticed in ${out.numRuns} runs`).toBe(true);
  });
});
