// Issue 13 (found at 20 nodes: `porcupine sim --nodes 20 --users 2000 --messages 4000 --faults
// crash,restart,partition,loss --seed 13`, before B8's fix changed that run): a manager that installs a view
// late must not lose a fragment notice it acknowledged under its previous view. n3 managed user1002's bucket
// in views 15829 and 16614; n9 and n13 installed 16614 first and reported to n3 (reports stashed there), then
// stored a message for user1002 and notified n3, still in 15829, which acknowledged. When n3 installed 16614
// the bucket was rebuilt (new stamp): its entries were wiped and the stashed reports, computed before the
// store, did not list user1002 — the acknowledged message vanished from every listing (noLoss).
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/pure/hash.js';
import type { View } from '../../src/pure/membership/messages.js';
import { PMap } from '../../src/pure/pmap.js';
import { addFragmentNode, fragmentNodes } from '../../src/pure/soft-state/mail-map.js';
import type { ManagerState } from '../../src/pure/soft-state/manager.js';
import { resetManagerState } from '../../src/pure/soft-state/reconstruct-node.js';
import { BUCKETS } from '../../src/pure/types.js';

const members = ['n3', 'n9', 'n13'];
const user = 'user1002';
const b = bucketOf(user);
function view(epoch: number, ownerOf: (bucket: number) => string): View {
  return { epoch, coordinator: 'n9', members, rejoined: [], map: Array.from({ length: BUCKETS }, (_, i) => ({ node: ownerOf(i), epoch })) };
}
const manager: ManagerState = { mailMap: addFragmentNode(addFragmentNode(PMap.empty(), user, 'n9', 7), user, 'n13', 4), profiles: PMap.empty(), awaiting: PMap.empty() };

describe('a manager installing a view late keeps the notices of buckets it managed before (issue 13)', () => {
  it('a rebuilt bucket it managed in its previous view keeps its acknowledged entries', () => {
    const s = resetManagerState(manager, view(15829, () => 'n3'), view(16614, () => 'n3'), 'n3', new Set([b]));
    expect(fragmentNodes(s.mailMap, user)).toEqual(['n9', 'n13']);
  });

  it('a rebuilt bucket new to it starts empty (filled by reports), and departed nodes are still forgotten', () => {
    const fresh = resetManagerState(manager, view(15829, () => 'n9'), view(16614, () => 'n3'), 'n3', new Set([b]));
    expect(fragmentNodes(fresh.mailMap, user)).toEqual([]);
    const smaller: View = { ...view(16614, () => 'n3'), members: ['n3', 'n9'] };
    const gone = resetManagerState(manager, view(15829, () => 'n3'), smaller, 'n3', new Set([b]));
    expect(fragmentNodes(gone.mailMap, user)).toEqual(['n9']);
  });
});
