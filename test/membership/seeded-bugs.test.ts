// Mutation check of the membership properties: each seeded bug (src/pure/membership/bugs.ts, never set in
// production or the simulator's defaults) breaks one mechanism, and the property guarding that mechanism
// must then FAIL within a modest number of runs. A property that cannot catch a known bug proves nothing.
// The properties are the very checks CI runs (protocol-run.ts, fault-run.ts, reassign-checks.ts,
// four-cases.ts), only given the bugs; docs/membership.md §9 tabulates bug → property → runs needed.
// Budgets assume the default SEED; with another one, raise PROPERTY_RUNS (it overrides every budget).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import type { NodeState } from '../../src/pure/node.js';
import type { NodeReducer } from '../../src/sim/world.js';
import { replicatedEmptyFragmentNotUnlisted } from '../../properties/support/mutations.js';
import { checkSchedule, runArb, type Action } from './fault-run.js';
import { fourCases } from './four-cases.js';
import { checkProtocolSchedule, scheduleArb } from './protocol-run.js';
import { bigCase, checkBalanced, checkBigMinimal, checkDeterministic, checkMinimal, checkStamping, smallCase } from './reassign-checks.js';

const seed = process.env.SEED === undefined ? 20261124 : Number(process.env.SEED);
/** Runs allowed per bug (each stops at its first failure); PROPERTY_RUNS overrides every budget. */
const budget = (runs: number): number => (process.env.PROPERTY_RUNS === undefined ? runs : Number(process.env.PROPERTY_RUNS));

type Bug = keyof MembershipBugs;

interface Outcome {
  readonly failed: boolean;
  readonly numRuns: number;
}
type Params = { readonly seed: number; readonly numRuns: number; readonly endOnFailure: true };

/** The properties, each run with the seeded bugs (no shrinking: only "does it fail" matters, and shrinking a simulator run is slow). */
const properties = {
  protocolAgreement: (bugs, p) => fc.check(fc.property(scheduleArb, (s) => void checkProtocolSchedule(s, bugs)), p),
  simulatedCluster: (bugs, p) => fc.check(fc.property(runArb, ({ seed: s, steps }) => void checkSchedule(s, steps, { membershipBugs: bugs })), p),
  reassignBalanced: (bugs, p) => fc.check(fc.property(smallCase, (c) => checkBalanced(c, bugs)), p),
  reassignMinimal: (bugs, p) => fc.check(fc.property(smallCase, (c) => checkMinimal(c, bugs)), p),
  reassignStamping: (bugs, p) => fc.check(fc.property(smallCase, (c) => checkStamping(c, bugs)), p),
  reassignDeterministic: (bugs, p) => fc.check(fc.property(smallCase, fc.integer(), (c, salt) => checkDeterministic(c, salt, bugs)), p),
  reassign256: (bugs, p) => fc.check(fc.property(bigCase, (c) => checkBigMinimal(c, bugs)), p),
} satisfies Record<string, (bugs: MembershipBugs, p: Params) => Outcome>;

type PropertyName = keyof typeof properties;

function check(property: PropertyName, bugs: MembershipBugs, numRuns: number): Outcome {
  return properties[property](bugs, { seed, numRuns, endOnFailure: true });
}

/** [bug, property that must catch it, runs allowed] — each allowance is a few times the runs measured. */
const randomCases: readonly [Bug, PropertyName, number][] = [
  ['noPingRing', 'protocolAgreement', 30],
  ['noPingRing', 'simulatedCluster', 60],
  ['noProbes', 'protocolAgreement', 150],
  ['noProbes', 'simulatedCluster', 60],
  ['acceptStaleEpoch', 'protocolAgreement', 20],
  ['membershipFromProposalNotAnswers', 'protocolAgreement', 20],
  ['membershipFromProposalNotAnswers', 'simulatedCluster', 20],
  ['reassignUnbalanced', 'reassignBalanced', 20],
  ['reassignUnbalanced', 'protocolAgreement', 20],
  ['reassignUnbalanced', 'simulatedCluster', 20],
  ['reassignMovesEverything', 'reassignMinimal', 30],
  ['reassignMovesEverything', 'reassign256', 20],
  ['noRestampOfRestarted', 'reassignStamping', 20],
  ['reassignInListOrder', 'reassignDeterministic', 60],
  ['skipSoftStateReports', 'simulatedCluster', 40],
  ['keepDepartedNodes', 'simulatedCluster', 200],
];

interface Schedule {
  readonly seed: number;
  readonly steps: readonly { readonly gapMs: number; readonly action: Action }[];
}

const counterexamples: readonly [Bug, string, Schedule][] = [
  [
    'neverRetryReports',
    'SEED=424242, run 869',
    {
      seed: 3,
      steps: [
        { gapMs: 167, action: { kind: 'deliver', user: 6, at: 5 } },
        { gapMs: 2037, action: { kind: 'networkFaults', on: false } },
        { gapMs: 3806, action: { kind: 'networkFaults', on: true } },
        { gapMs: 1971, action: { kind: 'deleteAll', user: 3, at: 0 } },
        { gapMs: 2492, action: { kind: 'heal' } },
        { gapMs: 1021, action: { kind: 'crash', node: 2 } },
        { gapMs: 3079, action: { kind: 'deliver', user: 7, at: 3 } },
        { gapMs: 2650, action: { kind: 'crash', node: 6 } },
        { gapMs: 144, action: { kind: 'deliver', user: 0, at: 1 } },
      ],
    },
  ],
  [
    'forgetJoinedNodeReportsAll',
    'SEED=20261124, run 195',
    {
      seed: 931798,
      steps: [
        { gapMs: 2058, action: { kind: 'networkFaults', on: true } },
        { gapMs: 1100, action: { kind: 'deliver', user: 9, at: 3 } },
        { gapMs: 3910, action: { kind: 'deleteAll', user: 7, at: 2 } },
        { gapMs: 2748, action: { kind: 'restart', node: 2 } },
        { gapMs: 3262, action: { kind: 'deliver', user: 7, at: 2 } },
        { gapMs: 3764, action: { kind: 'restart', node: 6 } },
        { gapMs: 3437, action: { kind: 'deliver', user: 8, at: 4 } },
        { gapMs: 143, action: { kind: 'replace', node: 6 } },
      ],
    },
  ],
  [
    'noRestampOfRestarted',
    'SEED=20261124, run 150',
    {
      seed: 6,
      steps: [
        { gapMs: 1148, action: { kind: 'deleteAll', user: 4, at: 3 } },
        { gapMs: 3254, action: { kind: 'deleteAll', user: 9, at: 1 } },
        { gapMs: 113, action: { kind: 'deleteAll', user: 4, at: 4 } },
        { gapMs: 2080, action: { kind: 'deliver', user: 8, at: 6 } },
        { gapMs: 1505, action: { kind: 'deliver', user: 1, at: 2 } },
        { gapMs: 3234, action: { kind: 'crash', node: 2 } },
        { gapMs: 638, action: { kind: 'crash', node: 4 } },
        { gapMs: 394, action: { kind: 'crash', node: 1 } },
        { gapMs: 955, action: { kind: 'restart', node: 2 } },
      ],
    },
  ],
];

describe('the membership properties catch each seeded bug', () => {
  for (const [bug, property, runs] of randomCases) {
    const numRuns = budget(runs);
    it(`bug "${bug}" makes property "${property}" fail within ${numRuns} runs (replay: SEED=${seed} PROPERTY_RUNS=${numRuns})`, () => {
      const d = check(property, { [bug]: true }, numRuns);
      console.log(`seeded bug ${bug} → ${property}: ${d.failed ? `failed at run ${d.numRuns}` : 'MISSED'} (SEED=${seed})`); // for docs/membership.md §9
      expect(d.failed, `property "${property}" missed the seeded bug "${bug}" in ${d.numRuns} runs (SEED=${seed})`).toBe(true);
    });
  }

  // Random simulator runs take 150–870 runs to hit these three (a restart or a readmission at the right moment,
  // a report lost with no later change): too slow for CI here, so each gets the counterexample the property
  // found (SEED and run given), replayed through the same judge; the real code passes each schedule.
  for (const [bug, found, schedule] of counterexamples) {
    it(`bug "${bug}" fails the simulated-cluster property on the schedule it found (${found}); the real code passes it`, () => {
      expect(() => checkSchedule(schedule.seed, schedule.steps, { membershipBugs: { [bug]: true } })).toThrow();
      expect(checkSchedule(schedule.seed, schedule.steps)).toBeGreaterThanOrEqual(0);
    });
  }

  // Issue 13: soft state = f(hard state) was judged on unreplicated runs only, where this bug is inert.
  it('a replicated mailbox that never tells the manager a fragment emptied fails the replicated simulated-cluster property (and not the unreplicated one)', () => {
    const reducer = replicatedEmptyFragmentNotUnlisted as NodeReducer<NodeState>;
    const runs = budget(60);
    const replicated = fc.check(fc.property(runArb, ({ seed: s, steps }) => void checkSchedule(s, steps, { replicas: 2, reducer })), { seed, numRuns: runs, endOnFailure: true });
    console.log(`seeded bug replicatedEmptyFragmentNotUnlisted → simulatedCluster (R=2): ${replicated.failed ? `failed at run ${replicated.numRuns}` : 'MISSED'} (SEED=${seed})`);
    expect(replicated.failed, `missed in ${replicated.numRuns} runs (SEED=${seed})`).toBe(true);
    expect(String(replicated.errorInstance)).toMatch(/soft state: /);
    const unreplicated = fc.check(fc.property(runArb, ({ seed: s, steps }) => void checkSchedule(s, steps, { reducer })), { seed, numRuns: replicated.numRuns });
    expect(unreplicated.failed).toBe(false);
  });

  it('and the simulator properties pass without any bug on the same seed (the failures above are the bugs, not the harness)', () => {
    expect(check('protocolAgreement', {}, budget(20)).failed).toBe(false);
    expect(check('simulatedCluster', {}, budget(20)).failed).toBe(false);
  });

  /** [case index in four-cases.ts, bugs that must make it fail]. */
  const caseBugs: readonly [number, readonly Bug[]][] = [
    [0, ['skipSoftStateReports', 'keepDepartedNodes']],
    // acceptStaleEpoch used to be listed here too, but it only failed this case through a race in the
    // case's own set-up (the link to the manager was cut before the fragment notice had landed, which made
    // the real code fail at other seeds): protocolAgreement above is what catches it.
    [1, ['keepDepartedNodes']],
    [2, ['skipSoftStateReports']],
    // Case 4's outcome (an empty rebuilt map) is what a do-nothing reconstruction gives too: only bugs
    // that stop the reconfiguration itself break it.
    [3, ['noPingRing', 'membershipFromProposalNotAnswers']],
  ];
  for (const [i, bugs] of caseBugs) {
    for (const bug of bugs) {
      it(`bug "${bug}" makes PORCUPINE.md case ${i + 1} fail ("${fourCases[i].name.split(':')[0]}")`, () => {
        expect(() => fourCases[i].run({ [bug]: true })).toThrow();
      });
    }
  }
});
