// The property tests' runSimulation (properties/support/validated-sim.ts) validates each run's trace against
// the specs in-process: a real run is validated (the counters move), and a trace that is not a behaviour
// makes it throw with the spec, the line and the differing variables.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/sim/index.js';
import { checkRunTrace, runSimulation, traceValidationOn, validationStats } from '../../properties/support/validated-sim.js';
import { repoRoot } from '../spec/harness.js';
import { refinements } from '../../src/conformance/index.js';

describe("the property tests' runSimulation validates every run", () => {
  it('a run of the real node is validated against every mapped spec (unless TRACE_VALIDATE=0)', () => {
    const before = { ...validationStats };
    const r = runSimulation(makeConfig({ seed: 4, nodes: 3, users: 4, messages: 8, faults: { lossRate: 0.05, dupRate: 0.05, reorderRate: 0.1 } }));
    expect(r.errors).toEqual([]);
    if (!traceValidationOn()) return;
    expect(validationStats.runs).toBe(before.runs + refinements.length); // once per mapped spec
    expect(validationStats.events - before.events).toBeGreaterThan(50);
  });

  it('a trace that is not a behaviour throws, naming the spec and the line', () => {
    const raw = readFileSync(path.join(repoRoot, 'traces/no-faults-3-nodes.ndjson'), 'utf8').split('\n');
    const k = raw.findIndex((l) => l.includes('"action":"ReplPersist"') && l.includes('"kind":"message"'));
    const tampered = raw.map((l, j) => (j === k ? l.replace('"kind":"message"', '"kind":"tombstone"') : l));
    expect(() => checkRunTrace(3, tampered)).toThrow(new RegExp(`seed 3: the run is not a behaviour of MailStore[^]*Trace validation failed at line ${k + 1}`));
    expect(() => checkRunTrace(3, raw)).not.toThrow();
  });
});
