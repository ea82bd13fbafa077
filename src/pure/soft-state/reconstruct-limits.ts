// Limits of soft-state reconstruction (STYLE.md habit 4: units last, relationships asserted at load).
import { assert } from '../assert.js';
import { defaultMembershipLimits } from '../membership/limits.js';

/** How often unacknowledged reports are sent again to their manager. */
export const reportRetryMs = 500;
/**
 * How long a newly managed bucket answers an unknown user with the temporary `rebuilding` while reports
 * are missing. A bound, not a wait for all: a member whose previous view differed may never report a
 * bucket it saw no change in, and a member about to be declared dead never reports at all.
 */
export const reportWaitMaxMs = 10 * reportRetryMs;
/** Reports re-sent per retry tick at most (bounds the burst after a large change). */
export const reportsPerRetryMax = 64;

// A report must be able to make the round trip before it is sent again.
assert(reportRetryMs > 2 * defaultMembershipLimits.packetLifetimeMaxMs, 'reportRetryMs <= 2 * packetLifetimeMaxMs');
assert(reportsPerRetryMax > 0, 'reportsPerRetryMax must be positive');
