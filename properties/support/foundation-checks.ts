// The checks behind each foundation property, as functions of a simulation result, so each property test
// and its mutation tests ("property X catches mutation Y") judge runs in exactly the same way.
import { checkers, type CheckResult, type SimResult } from '../../src/sim/index.js';
import { ackedExactlyOnceEverywhere, everyDeleteConfirmed, everyOfferAcknowledged } from './oracles.js';

/** Property 1, no faults: exactly once everywhere, identical bodies, deletions stick. */
export function deliveryChecks(r: SimResult): CheckResult[] {
  return [
    checkers.noReducerThrew(r),
    checkers.noInvariantViolated(r),
    checkers.phasesCompleted(r),
    everyOfferAcknowledged(r),
    everyDeleteConfirmed(r),
    ackedExactlyOnceEverywhere(r),
    checkers.noLoss(r),
    checkers.exactlyOnceListing(r),
    checkers.byteIdenticalBodies(r),
    // Read-your-deletes: not only the final listings, any listing authenticated after the QUIT.
    checkers.deletedNeverReappears(r, { everyListing: true }),
  ];
}

/** Property 2, loss + duplication + reordering: nothing acknowledged is lost or doubled, nothing hangs or throws. */
export function networkFaultChecks(r: SimResult): CheckResult[] {
  return [
    checkers.noReducerThrew(r),
    checkers.noInvariantViolated(r),
    checkers.everyRequestAnswered(r),
    checkers.noLoss(r),
    checkers.exactlyOnceListing(r),
    ackedExactlyOnceEverywhere(r),
    checkers.byteIdenticalBodies(r),
    // A QUIT answered +OK means the deletes happened: a delete that failed or timed out must not be
    // confirmed (issue 13). The checker excuses a sender's retry that stored the message again after the
    // delete (RFC 5321 §6.3 at-least-once; docs/bugs-found-by-properties.md B3).
    checkers.deletedNeverReappears(r),
  ];
}
