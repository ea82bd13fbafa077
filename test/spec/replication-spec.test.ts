// spec/PorcupineReplication.tla on its small model (two replicas, both needed for the 250, timestamps up
// to 2): the invariants (TypeOK, Durable, DeleteSticks) and the liveness ReplicasConverge hold, and three
// seeded bugs written into the spec are caught by the model checker, which prints the behaviour that shows
// them: a participant that applies an older update (DeleteSticks), a tombstone collected before every
// replica has it (ReplicasConverge: the replica that never got it keeps the message for ever), and an
// acknowledgement counted before enough writes are durable (Durable; the coordinator pushes in parallel
// with its own write, so its copy must not count until it is durable).
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { modelVariant } from './harness.js';

describe('PorcupineReplication model check', () => {
  it('the small model satisfies TypeOK, Durable, DeleteSticks and ReplicasConverge (25,440 states, quarantine and reconciliation included)', () => {
    const r = runCli(['tla', 'check', 'spec/MCPorcupineReplication.tla']);
    expect(r.stdout).toContain('Model checking completed. No error has been found.');
    expect(r.stdout).toContain('272504 states generated, 25440 distinct states found, 0 states left on queue.');
    expect(r.code).toBe(0);
  });

  it('seeded bug "a participant applies an older update" violates DeleteSticks, and the behaviour is printed', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineReplication', '    /\\ Newer(v, hard[n])\n', '')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant DeleteSticks is violated.');
    // The behaviour: the message written, then deleted, then the older version made durable over the tombstone.
    expect(r.stdout).toMatch(/State \d+: <ReplUpdate\(\d,"msg",\d\)/);
    expect(r.stdout).toMatch(/State \d+: <ReplUpdate\(\d,"tomb",\d\)/);
    expect(r.stdout).toMatch(/State \d+: <ReplPersist\(\d,\[ts \|-> \d, node \|-> \d, kind \|-> "msg"\]\)/);
  });

  it('seeded bug "a tombstone is dropped before every replica has it" violates ReplicasConverge, and the behaviour is printed', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineReplication', '          /\\ \\A m \\in Nodes : AtLeast(hard[m], v) \\/ hard[m] = NoVersion \\/ PassedOver(m)\n', '')]);
    expect(r.code).toBe(13);
    expect(r.stdout).toContain('Error: Temporal property ReplicasConverge was violated.');
    expect(r.stdout).toMatch(/State \d+: <ReplCollect\(/);
  });

  it('seeded bug "the coordinator acknowledges before persisting" (its own copy counted at the write, before Persist) violates Durable', () => {
    const r = runCli(['tla', 'check', modelVariant('PorcupineReplication', '/\\ Cardinality(Holders(v)) >= AckReplicas\n', '/\\ Cardinality(Holders(v)) >= AckReplicas - 1\n')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toContain('Error: Invariant Durable is violated.');
    expect(r.stdout).toMatch(/State \d+: <ReplDurable\(/);
  });
});
