// Invariants of one node's state (STYLE.md habit 5; TigerBeetle's `invariants()`): what must hold after
// every step, whatever the network did. O(state): for tests and the simulator's checkers, not the hot path.
import type { NodeState } from './node-state.js';
import { managerOf } from './user-map/user-map.js';
import { BUCKETS } from './types.js';
import { stampsPerIncarnation } from './mailbox/limits.js';

/** Human-readable violations; empty when the state is sound. */
export function nodeInvariants(s: NodeState): string[] {
  if (s.self === undefined) return [];
  const self = s.self;
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(`${self}: ${what}`);
  };
  check(s.userMap.length === BUCKETS, `user map has ${s.userMap.length} buckets`);
  check(s.hard.incarnation >= s.incarnation, 'running incarnation ahead of the hard state');
  check(s.nextRid >= s.incarnation * stampsPerIncarnation, 'request ids below this incarnation');
  check(s.proxy.calls.size === 0 || s.proxy.sweepArmed, 'outstanding calls without a sweep timer');
  check(s.mailbox.notices.size === 0 || s.mailbox.noticeTimerArmed, 'unacknowledged notices without a retry timer');
  s.hard.fragments.forEach((frag, user) => check(frag.size > 0, `empty fragment kept for ${user}`));
  s.manager.mailMap.forEach((entries, user) => {
    check(managerOf(s.userMap, user) === self, `mail map entry for ${user}, managed elsewhere`);
    check(entries.length > 0, `empty mail map entry for ${user}`);
  });
  s.proxy.sessions.forEach((sess, id) => {
    if (sess.kind === 'smtpData') {
      const open = sess.results.filter((r) => r === null).length;
      check(open === sess.open && open > 0, `session ${id}: open ${sess.open} but ${open} results missing`);
    }
  });
  return out;
}
