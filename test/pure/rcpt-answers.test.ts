// RCPT answers reused by DATA (src/pure/proxy/rcpt-answers.ts): reused only while the user's bucket has not
// moved and the answer is young; anything else makes DATA ask the manager again.
import { describe, expect, it } from 'vitest';
import { bucketOfCanonical } from '../../src/pure/hash.js';
import { rcptAnswerFreshMs, recipientsMax } from '../../src/pure/proxy/limits.js';
import type { RcptAnswer } from '../../src/pure/proxy/proxy-state.js';
import { freshMailMap, knownAnswers, rememberAnswer } from '../../src/pure/proxy/rcpt-answers.js';
import { initialUserMap, type UserMap } from '../../src/pure/user-map/user-map.js';

const map = initialUserMap(['n1', 'n2', 'n3']);
const user = 'user7';
const bucket = bucketOfCanonical(user);
const answer: RcptAnswer = { user, mailMap: ['n2'], manager: map[bucket].node, bucketEpoch: map[bucket].epoch, at: 1_000 };

function withBucket(m: UserMap, node: string, epoch: number): UserMap {
  return m.map((e, b) => (b === bucket ? { node, epoch } : e));
}

describe('RCPT answers reused by DATA', () => {
  it('a fresh answer gives its mail map; another user gets nothing', () => {
    expect(freshMailMap([answer], map, user, 1_000 + rcptAnswerFreshMs)).toEqual(['n2']);
    expect(freshMailMap([answer], map, 'user8', 1_000)).toBeUndefined();
  });

  it('an answer older than rcptAnswerFreshMs, or from the future, is looked up again', () => {
    expect(freshMailMap([answer], map, user, 1_001 + rcptAnswerFreshMs)).toBeUndefined();
    expect(freshMailMap([answer], map, user, 999)).toBeUndefined();
  });

  it('a bucket that moved to another manager, or moved and came back (new epoch), invalidates the answer', () => {
    const other = map[bucket].node === 'n1' ? 'n2' : 'n1';
    expect(freshMailMap([answer], withBucket(map, other, 1), user, 1_000)).toBeUndefined();
    expect(freshMailMap([answer], withBucket(map, answer.manager, 2), user, 1_000)).toBeUndefined();
  });

  it('remembering replaces the answer for the same user and stays bounded by recipientsMax', () => {
    const newer = { ...answer, mailMap: ['n1', 'n2'], at: 1_005 };
    expect(rememberAnswer([answer], newer)).toEqual([newer]);
    let known: readonly RcptAnswer[] = [];
    for (let i = 0; i < recipientsMax + 5; i++) known = rememberAnswer(known, { ...answer, user: `u${i}` });
    expect(known.length).toBe(recipientsMax);
  });

  it('only open SMTP transactions hold answers', () => {
    expect(knownAnswers({ kind: 'smtpTxn', known: [answer] })).toEqual([answer]);
    expect(knownAnswers({ kind: 'admin', user })).toEqual([]);
    expect(knownAnswers(undefined)).toEqual([]);
  });
});
