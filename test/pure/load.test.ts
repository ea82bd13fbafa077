import { describe, expect, it } from 'vitest';
import { chooseNode, type ChoiceInput } from '../../src/pure/load/choose.js';
import { emptyLoadState, learnLoad, loadTableEntries, mergeLoadTable, ringSuccessor } from '../../src/pure/load/load-table.js';

const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
const loads: Record<string, number> = { n1: 5, n2: 1, n3: 9, n4: 0, n5: 0 };

function input(over: Partial<ChoiceInput>): ChoiceInput {
  let r = 0;
  return {
    policy: 'dynamic', spread: 2, user: 'alice', members, fragmentNodes: [],
    loadOf: (n) => loads[n] ?? 0, random: (n) => r++ % n, ...over,
  };
}

describe('load balancer', () => {
  it('dynamic: the least loaded of the fragment nodes wins when they already reach the spread', () => {
    expect(chooseNode(input({ fragmentNodes: ['n3', 'n2'] }))).toBe('n2');
    expect(chooseNode(input({ fragmentNodes: ['n1', 'n3', 'n2'], spread: 2 }))).toBe('n2');
  });
  it('dynamic: pads with random live nodes up to spread (affinity vs load)', () => {
    // fragment n3 (load 9) padded with one random node (n1 from random 0, load 5) → n1 (this proxy has no store
    // in flight at them, so the spread is not judged overloaded).
    expect(chooseNode(input({ fragmentNodes: ['n3'], spread: 2, outstandingOf: () => 0 }))).toBe('n1');
    // spread 5: every node is a candidate → one of the two idle nodes.
    expect(['n4', 'n5']).toContain(chooseNode(input({ fragmentNodes: ['n3'], spread: 5 })));
  });
  it('dynamic, soft spread (B2): an overloaded spread also considers the lightest member, only with stores in flight there', () => {
    // n3 (9) and n1 (5) both exceed the lightest (0) by more than the margin, and this proxy has stores in flight
    // at both: the lightest member n4 joins the candidates and wins.
    const busy = (n: string) => (n === 'n3' || n === 'n1' ? 1 : 0);
    expect(chooseNode(input({ fragmentNodes: ['n3', 'n1'], spread: 2, outstandingOf: busy }))).toBe('n4');
    // Without first-hand evidence at one of them (no store in flight at n1): the spread stays as it is.
    expect(chooseNode(input({ fragmentNodes: ['n3', 'n1'], spread: 2, outstandingOf: (n) => (n === 'n3' ? 1 : 0) }))).toBe('n1');
    // A candidate within the margin of the lightest: not overloaded.
    expect(chooseNode(input({ fragmentNodes: ['n3', 'n2'], spread: 2, outstandingOf: () => 1 }))).toBe('n2');
    // Further replicas never widen the spread.
    expect(chooseNode(input({ fragmentNodes: ['n3', 'n1'], spread: 2, outstandingOf: busy, softSpread: false }))).toBe('n1');
  });
  it('dynamic (B2, sweep case 7484): a tie goes to the candidate with the fewest of this proxy\'s stores in flight, not to a slow disk at random', () => {
    // Proxy n3's choice at t = 5121 ms of `SEED=20260424 PROPERTY_PATH=7484:32:34:34` (before the merges that
    // shifted the run's random stream): user0's fragments n1, n2, n4; sampled loads n1 2, n2 1, n4 0 (n4's
    // sample predates every write sent to it); n3's own unanswered stores: one at n2, two at n4 (sent 67 and
    // 43 ms earlier, still queued behind n4's 40 ms-a-write disk). With them added, n1, n2 and n4 all look like
    // 2, and the random tie-break put a fifth write on n4's disk (dynamic peak 5 > max(static 4, 4 proxies)).
    const sampled: Record<string, number> = { n1: 2, n2: 1, n3: 1, n4: 0 };
    const mine: Record<string, number> = { n2: 1, n3: 1, n4: 2 };
    for (let r0 = 0; r0 < 6; r0++) {
      let r = r0;
      const chosen = chooseNode({
        policy: 'dynamic', spread: 2, user: 'user0', members: ['n1', 'n2', 'n3', 'n4'], fragmentNodes: ['n1', 'n2', 'n4'],
        loadOf: (n) => (sampled[n] ?? 0) + (mine[n] ?? 0), outstandingOf: (n) => mine[n] ?? 0, random: (n) => r++ % n,
      });
      expect(chosen, `random stream starting at ${r0}`).toBe('n1');
    }
    // Equal in both figures: still a random pick among them (no fixed preference that would make proxies herd).
    const picks = new Set<string>();
    for (let r0 = 0; r0 < 4; r0++) {
      let r = r0;
      picks.add(chooseNode(input({ fragmentNodes: ['n4', 'n5'], spread: 2, outstandingOf: () => 1, random: (n) => r++ % n })));
    }
    expect([...picks].sort()).toEqual(['n4', 'n5']);
  });
  it('dynamic: fragment nodes that are not live are not candidates', () => {
    expect(members).toContain(chooseNode(input({ fragmentNodes: ['n9'], spread: 1 })));
  });
  it('static: the same user always goes to the same node; random: any live node', () => {
    const a = chooseNode(input({ policy: 'static' }));
    expect(chooseNode(input({ policy: 'static', random: () => 3 }))).toBe(a);
    expect(chooseNode(input({ policy: 'random', random: () => 3 }))).toBe('n4');
  });
  it('load table keeps the newest sample per node and never learns about itself', () => {
    let s = learnLoad(emptyLoadState(), 'n1', 'n2', { pending: 3, at: 10 });
    s = learnLoad(s, 'n1', 'n2', { pending: 7, at: 5 });
    s = learnLoad(s, 'n1', 'n1', { pending: 99, at: 50 });
    s = mergeLoadTable(s, 'n1', [{ node: 'n3', load: { pending: 1, at: 1 } }]);
    expect(loadTableEntries(s, 'n1', { pending: 0, at: 20 })).toEqual([
      { node: 'n1', load: { pending: 0, at: 20 } },
      { node: 'n2', load: { pending: 3, at: 10 } },
      { node: 'n3', load: { pending: 1, at: 1 } },
    ]);
  });
  it('the ring successor is the next node in node order, wrapping around', () => {
    expect(ringSuccessor(['n1', 'n2', 'n10'], 'n2')).toBe('n10');
    expect(ringSuccessor(['n1', 'n2', 'n10'], 'n10')).toBe('n1');
    expect(ringSuccessor(['n1'], 'n1')).toBeUndefined();
  });
});
