import { assert } from '../assert.js';
// Limits of the mailbox manager (STYLE.md habit 4: units last).

/** How often unacknowledged fragment notices (created / gone) are re-sent to the user's manager. */
export const mailMapNoticeRetryMs = 2_000;

/** Messages re-sent per retry tick, so a long outage does not turn into one enormous burst. */
export const mailMapNoticesPerRetryMax = 512;

/** Stamps of one incarnation live in [incarnation * stampsPerIncarnation, (incarnation + 1) * …). */
export const stampsPerIncarnation = 2 ** 32;

assert(mailMapNoticeRetryMs > 0 && mailMapNoticesPerRetryMax > 0, 'notice retries must make progress');
