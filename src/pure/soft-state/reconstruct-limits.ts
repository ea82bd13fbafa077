// Limits of soft-state reconstruction (STYLE.md habit 4: units last, relationships asserted at load).
import { assert } from '../assert.js';
import { defaultMembershipLimits } from '../membership/limits.js';

/** How often unacknowledged reports are sent again to their manager. */
export const reportRetryMs = 500;
/** Reports re-sent per retry tick at most (bounds the burst after a large change). */
export const reportsPerRetryMax = 64;

// A report must be able to make the round trip before it is sent again.
assert(reportRetryMs > 2 * defaultMembershipLimits.packetLifetimeMaxMs, 'reportRetryMs <= 2 * packetLifetimeMaxMs');
assert(reportsPerRetryMax > 0, 'reportsPerRetryMax must be positive');
