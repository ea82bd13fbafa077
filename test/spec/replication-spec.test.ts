// spec/PorcupineReplication.tla on its small model (two replicas, both needed for the 250, timestamps up
// to 2): the invariants (TypeOK, Durable, DeleteSticks) and the liveness ReplicasConverge hold, and three
// seeded bugs written into the spec are caught by the model checker, which prints the behaviour that shows
// them: a participant that applies an older update, a tombstone collected before every replica has it, and
// a coordinator that counts its own copy before its write is durable (it pushes in parallel with the write).
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { modelVariant } from './harness.js';

describe('PorcupineReplication model check', () => {
  it('the small model satisfies TypeOK, Durable, DeleteSticks and ReplicasConverge (15,688 states)', () => {
    const r = runCli(['tla', 'check', 'spec/MCPorcupineReplication.tla']);
    expect(r.stdout).toContain('Model checking completed. No error has been found.');
    expect(r.stdout).toContain('72771 states generated, 15688 distinct states found, 0 states left on queue.');
    expect(r.code).toBe(0);
  });

  it('seeded bug "a participant applies an older update" violates DeleteSticks, and the behaviour is printed', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineReplication', 'keep == IF Newer(p.v, Cur(n)) THEN p.v ELSE Cur(n)', 'keep == p.v')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant DeleteSticks is violated.');
    // The behaviour: the message written, then deleted, then the older push applied (TLC labels the steps
    // of `\E p \in net` by Next: the set depends on the state).
    expect(r.stdout).toMatch(/State 2: <Write\(\d,"msg"\)/);
    expect(r.stdout).toMatch(/State \d+: <Write\(\d,"tomb"\)/);
  });

  it('seeded bug "a tombstone is dropped before every replica has it" violates DeleteSticks', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineReplication', '    /\\ \\A m \\in Nodes : Cur(m) = NoVersion \\/ (hard[m] = hard[n] /\\ pend[m] = NoVersion)\n', '')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant DeleteSticks is violated.');
    expect(r.stdout).toMatch(/State \d+: <Collect\(/);
  });

  it('seeded bug "the coordinator acknowledges before persisting" (its own copy counted at the write, before Persist) violates Durable', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineReplication', "acks' = [acks EXCEPT ![n] = {}] \\* its own copy", "acks' = [acks EXCEPT ![n] = {n}] \\* its own copy")]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant Durable is violated.');
    expect(r.stdout).toMatch(/State \d+: <Ack250\(/);
  });
});
