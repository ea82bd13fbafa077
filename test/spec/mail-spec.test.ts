// spec/PorcupineMail.tla on its small model (two nodes, one user, one message id, two views): the invariants
// (TypeOK, Durable, MailMapNamesHolders), the action property DeleteSticks and the liveness MailMapsMatch
// hold, and a seeded bug written into the spec is caught by the model checker, which prints the behaviour:
// a mailbox that creates a fragment without telling the user's manager (PORCUPINE.md "Delivery": "the
// mailbox manager updates the mail map if it created a new fragment") leaves a mail map that never matches.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from './harness.js';

const spec = path.join(repoRoot, 'spec/PorcupineMail.tla');
const mc = path.join(repoRoot, 'spec/MCPorcupineMail.tla');

/** The model with one edit to the spec (exactly one occurrence of `from`), in a scratch folder. */
function variant(from: string, to: string): string {
  const src = readFileSync(spec, 'utf8');
  expect(src.split(from).length, `the spec contains "${from}" once`).toBe(2);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mail-spec-'));
  writeFileSync(path.join(dir, 'PorcupineMail.tla'), src.replace(from, to));
  copyFileSync(mc, path.join(dir, 'MCPorcupineMail.tla'));
  copyFileSync(mc.replace(/\.tla$/, '.cfg'), path.join(dir, 'MCPorcupineMail.cfg'));
  return path.join(dir, 'MCPorcupineMail.tla');
}

describe('PorcupineMail model check', () => {
  it('the small model satisfies TypeOK, Durable, MailMapNamesHolders, DeleteSticks and MailMapsMatch (14,858 states)', () => {
    const r = runCli(['tla', 'check', 'spec/MCPorcupineMail.tla']);
    expect(r.stdout).toContain('Model checking completed. No error has been found.');
    expect(r.stdout).toContain('155668 states generated, 14858 distinct states found, 0 states left on queue.');
    expect(r.code).toBe(0);
  });

  it('seeded bug "a new fragment is not notified to the manager" violates MailMapsMatch, and the behaviour is printed', () => {
    const store = "    /\\ notice' = [notice EXCEPT ![n] = Noticed(n, u, mail'[n][u])]\n    /\\ UNCHANGED <<up, acked, mgr, mmap, epoch, owe, faults>>";
    const r = runCli(['tla', 'check', variant(store, '    /\\ UNCHANGED <<notice, up, acked, mgr, mmap, epoch, owe, faults>>')]);
    expect(r.code).toBe(13);
    expect(r.stdout).toContain('Error: Temporal property MailMapsMatch was violated.');
    // The behaviour: the views installed, then a store (the model's NewStore) whose fragment no manager hears of.
    expect(r.stdout).toMatch(/State \d+: <ReconstructSoftState line/);
    expect(r.stdout).toMatch(/State \d+: <NewStore\("n\d","u1","m1"\)/);
    expect(r.stdout).toMatch(/State \d+: Stuttering/);
  });
});
