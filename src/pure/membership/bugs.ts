// Seeded bugs for mutation testing of the membership properties (as src/pure/replication/bugs.ts does for
// replication): a property that cannot catch a known bug proves nothing. Each flag switches off, or gets
// wrong, one mechanism of the membership, the user-map recomputation or soft-state reconstruction.
// Production code and the simulator's default configuration NEVER set these (NodeConfig.membershipBugs is
// unset, MembershipState.bugs is `noMembershipBugs`); only test/membership/seeded-bugs.test.ts does (and
// test/conformance/membership-seeded-bugs.test.ts, for the two that trace validation catches), and it
// expects the property guarding each mechanism to FAIL. docs/membership.md §9 lists which catches which.
export interface MembershipBugs {
  /** Failure detection off: no member pings its successor on the ring (a dead member stays a member). */
  readonly noPingRing?: boolean;
  /** The coordinator never probes non-members: partitions never merge, new nodes are found only by their own rounds. */
  readonly noProbes?: boolean;
  /** Round 2 and 3 ignore epoch order: a node accepts any proposal and installs any commit that lists it. */
  readonly acceptStaleEpoch?: boolean;
  /** Round 3 ignores the answers: the members are every node the proposal was sent to, answered or not. */
  readonly membershipFromProposalNotAnswers?: boolean;
  /** reassign ignores the old map: contiguous ranges in NodeId order, so nearly every bucket moves. */
  readonly reassignMovesEverything?: boolean;
  /** reassign hands every released bucket to the first live node: the map is not balanced. */
  readonly reassignUnbalanced?: boolean;
  /** reassign fills under-target nodes in the order the live list is given, not NodeId order. */
  readonly reassignInListOrder?: boolean;
  /** Buckets kept by a restarted node are not re-stamped: nobody reports them to their (fresh) manager. */
  readonly noRestampOfRestarted?: boolean;
  /** Step 1 of reconstruction does nothing: no report is sent or applied after a view change. */
  readonly skipSoftStateReports?: boolean;
  /** A member readmitted after an exclusion reports only changed buckets, not all its fragments. */
  readonly forgetJoinedNodeReportsAll?: boolean;
  /** Managers keep departed nodes in their mail maps (a fragment on a dead node stays listed). */
  readonly keepDepartedNodes?: boolean;
  /** A lost soft-state report is never sent again. */
  readonly neverRetryReports?: boolean;
  /**
   * Round 3 is sent before round 2 closes: the coordinator commits right after proposing, with every node
   * it proposed to as a member, answered or not (caught by validation against spec/PorcupineMembership.tla).
   */
  readonly commitBeforeRoundCloses?: boolean;
  /**
   * Epochs from the Lamport clock alone (no wall clock, docs/decisions.md): a restarted node proposes an
   * epoch already used, and two coordinators (the node's two incarnations) install different views in one
   * epoch (caught by validation against spec/PorcupineMembership.tla).
   */
  readonly epochFromLamportOnly?: boolean;
}

export const noMembershipBugs: MembershipBugs = {};
