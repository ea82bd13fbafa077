// Counterexamples the simulator property (properties/membership.test.ts) found, kept as regressions. Each
// schedule is replayed exactly; the comment says what was wrong and what fixed it (docs/membership.md §3).
import { describe, expect, it } from 'vitest';
import { agreementBoundMs, checkSchedule, Run, users, type Action } from './fault-run.js';

interface Schedule {
  readonly seed: number;
  readonly steps: readonly { readonly gapMs: number; readonly action: Action }[];
}

function replay(s: Schedule): Run {
  const r = new Run(s.seed);
  for (const step of s.steps) {
    r.h.run(step.gapMs);
    r.apply(step.action);
  }
  r.heal();
  r.h.run(agreementBoundMs + 2_000);
  return r;
}

describe('membership regressions (simulator counterexamples)', () => {
  it('the coordinator of the view restarts at once and proposes its old epoch number: refused, the next number re-stamps its buckets', () => {
    // Was: the fresh n2 (clock 0) proposed 1@n2, larger than the installed 1@n1 by NodeId; its buckets were
    // "re-stamped" with epoch 1, equal to their old stamp, so no node saw them change and nobody reported
    // to the empty new incarnation. Fixed: a proposal's epoch number must exceed the installed view's.
    const agreedAfterMs = checkSchedule(503107, [
      { gapMs: 0, action: { kind: 'deliver', user: 2, at: 0 } },
      { gapMs: 0, action: { kind: 'crash', node: 1 } },
      { gapMs: 0, action: { kind: 'restart', node: 1 } },
    ]);
    expect(agreedAfterMs).toBeLessThanOrEqual(agreementBoundMs);
  });

  it('a node excluded by one round (lost accept) and readmitted by the next reports its fragments again (rejoined)', () => {
    // Was: the manager dropped the excluded node from its mail maps; the next view kept the bucket's entry,
    // so nobody re-reported it. Fixed by View.rejoined: such members report everything.
    const r = replay({
      seed: 2,
      steps: [
        { gapMs: 1902, action: { kind: 'deliver', user: 0, at: 0 } },
        { gapMs: 0, action: { kind: 'networkFaults', on: true } },
        { gapMs: 0, action: { kind: 'replace', node: 0 } },
        { gapMs: 135, action: { kind: 'partition', side: [6] } },
      ],
    });
    expect(r.h.disagreement()).toBeUndefined();
    expect(r.h.softStateMismatches(users)).toEqual([]);
  });

  it('two partitions commit the same epoch number; a report made in the other view waits for it (view ids, not epochs)', () => {
    // Was: a report tagged (epoch 4) from view 4@n4 reached a manager still in view 4@n3, was applied to
    // the old map (not managed there), dropped and acknowledged, then the bucket moved to it. Fixed by
    // tagging reports with view ids and stashing reports from a larger view.
    const r = replay({
      seed: 120439,
      steps: [
        { gapMs: 333, action: { kind: 'replace', node: 4 } },
        { gapMs: 1028, action: { kind: 'deliver', user: 3, at: 0 } },
        { gapMs: 2763, action: { kind: 'networkFaults', on: false } },
        { gapMs: 776, action: { kind: 'deliver', user: 8, at: 0 } },
        { gapMs: 531, action: { kind: 'partition', side: [0, 3] } },
        { gapMs: 2461, action: { kind: 'partition', side: [3] } },
        { gapMs: 3002, action: { kind: 'networkFaults', on: true } },
        { gapMs: 245, action: { kind: 'crash', node: 5 } },
        { gapMs: 2721, action: { kind: 'heal' } },
        { gapMs: 2135, action: { kind: 'deliver', user: 0, at: 3 } },
      ],
    });
    expect(r.h.disagreement()).toBeUndefined();
    expect(r.h.softStateMismatches(users)).toEqual([]);
  });
});
