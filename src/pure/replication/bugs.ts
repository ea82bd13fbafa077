// Seeded bugs for mutation testing of the properties (FoundationDB-style: a property that cannot catch a
// known bug proves nothing). Each flag re-introduces one classic replication mistake. Production code and
// the simulator's default configuration NEVER set these; only test/replication/seeded-bugs.test.ts does,
// and it expects the properties to FAIL with each one.
export interface ReplicationBugs {
  /** Apply every pushed version without comparing timestamps (an older update overwrites a newer one). */
  readonly applyWithoutCompare?: boolean;
  /** Acknowledge a push before the version is durable (a crash then loses an acknowledged copy). */
  readonly ackBeforePersist?: boolean;
  /**
   * The coordinator counts its own copy towards ackReplicas before its write is durable (with pushes sent in
   * parallel, participants' acks can then complete the 250 while the coordinator's copy is still in flight).
   */
  readonly coordinatorAckBeforePersist?: boolean;
  /** Push once and never retry a silent replica (a lost packet leaves it without the update forever). */
  readonly neverRetry?: boolean;
  /**
   * Trust the update's targets as the object's only replicas: copies the coordinator never saw (a client's
   * retry stored the same message elsewhere) miss later updates, so a deleted message survives there.
   */
  readonly forgetUnknownReplicas?: boolean;
}

export const noBugs: ReplicationBugs = {};
