// Model-checks spec/MCMailStore (the MailStore spec on two nodes, two users, one message id) with our checker,
// in-process, and checks that the checks can fail: a variant whose Crash loses mail must violate the action
// property UpDownKeepsMail.
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/tla/check/index.js';
import { loadWithCfg } from '../../src/tla/cli/load.js';
import { reachableLabels, repoRoot } from './harness.js';
import { mailStoreActions as mappedActions } from '../../src/conformance/index.js';

const mcPath = path.join(repoRoot, 'spec/MCMailStore.tla');

/*
 * The distinct-state count, by reasoning (also in MCMailStore.tla's header):
 * - `up` is any subset of Nodes: Boot and Crash add or remove one node and touch nothing else → 2^2 = 4.
 * - For each (node, user, message) triple the three facts (<<n,u>> \in stored[m], <<n,u>> \in covered[m],
 *   m \in mail[n][u]) are one of: (no, no, no) initially; (yes, yes, yes) after a Store or a message's
 *   ReplPersist; (yes, yes, no) after a Delete, a tombstone's ReplPersist or a disk loss of a stored copy;
 *   (no, yes, no) after a tombstone's ReplPersist of a message never stored there. Nothing else: mail only by
 *   a store (MailWasStored), and a store marks both histories. Steps of one triple touch no other triple, and
 *   `up` can be set to anything around them, so the 2*2*1 = 4 triples are independent → 4^4 = 256.
 * - Every other action leaves the state unchanged. Total 4 * 256 = 1024.
 */
const expectedDistinct = 2 ** 2 * 4 ** (2 * 2 * 1);

describe('MCMailStore model check', () => {
  it(`succeeds with ${expectedDistinct} distinct states, invariants and action properties holding`, async () => {
    const { spec, ops, cfg } = await loadWithCfg(mcPath);
    const r = checkSpec(spec, ops, cfg);
    expect(r.verdict).toEqual({ kind: 'success' });
    expect(r.stats?.distinct).toBe(expectedDistinct);
    expect(r.stats?.initial).toBe(1);
  });

  it('every action of Next is enabled in some reachable state (no dead action)', async () => {
    const { spec, ops } = await loadWithCfg(mcPath);
    const labels = reachableLabels(spec, ops);
    expect(labels.states).toBe(expectedDistinct);
    // The labels are exactly the trace's action names (the code's and the simulator's, see names-in-sync.test.ts).
    expect([...labels.arity.keys()].sort()).toEqual([...mappedActions].sort());
  });

  it('a variant whose Crash empties the node violates UpDownKeepsMail', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mailstore-'));
    const src = readFileSync(path.join(repoRoot, 'spec/MailStore.tla'), 'utf8');
    const crashKeeps = 'Crash(n) ==\n    /\\ n \\in up\n    /\\ up\' = up \\ {n}\n    /\\ UNCHANGED <<mail, stored, covered>>';
    expect(src).toContain(crashKeeps);
    const lossy = crashKeeps.replace('UNCHANGED <<mail, stored, covered>>', "mail' = [mail EXCEPT ![n] = [u \\in Users |-> {}]] /\\ UNCHANGED <<stored, covered>>");
    writeFileSync(path.join(dir, 'MailStore.tla'), src.replace(crashKeeps, lossy));
    copyFileSync(mcPath, path.join(dir, 'MCMailStore.tla'));
    copyFileSync(mcPath.replace(/\.tla$/, '.cfg'), path.join(dir, 'MCMailStore.cfg'));
    const { spec, ops, cfg } = await loadWithCfg(path.join(dir, 'MCMailStore.tla'));
    const r = checkSpec(spec, ops, cfg);
    expect(r.verdict).toMatchObject({ kind: 'actionProperty', name: 'UpDownKeepsMail' });
  });
});
