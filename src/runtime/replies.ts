// Temporary-failure replies the driver gives on its own, when the reducer cannot answer a front-end request
// (the node is shutting down or rebooting from disk, or the request went unanswered too long). Always a
// temporary failure: the client retries (SMTP 4xx, POP -ERR [SYS/TEMP]); nothing was acknowledged.
import { assertNever } from '../pure/assert.js';
import type { ClientReply, ClientRequest } from '../pure/io.js';

export function unavailableReply(request: ClientRequest, why: string): ClientReply {
  const text = `[SYS/TEMP] node unavailable (${why}), try again later`;
  switch (request.kind) {
    case 'smtpRcpt':
      return { kind: 'smtpRcpt', code: 451, text: `4.3.0 node unavailable (${why})` };
    case 'smtpData':
      return { kind: 'smtpData', code: 451, text: `4.3.0 node unavailable (${why})`, results: request.recipients.map((user) => ({ user, code: 451 })) };
    case 'popAuth':
      return { kind: 'popAuth', ok: false, text };
    case 'popList':
      return { kind: 'popList', ok: false, messages: [], text };
    case 'popRetr':
      return { kind: 'popRetr', ok: false, text };
    case 'popDele':
      return { kind: 'popDele', ok: false, text };
    case 'popRset':
      return { kind: 'popRset', ok: false, text };
    case 'popQuit':
      return { kind: 'popQuit', ok: false, deleted: 0, text };
    case 'adminSetUser':
      return { kind: 'adminSetUser', ok: false, text };
    case 'adminListUsers':
      return { kind: 'adminListUsers', ok: false, users: [], text };
    case 'sessionEnd':
      // Never awaited (endSession does not wait for a reply); a QUIT-shaped answer keeps the type total.
      return { kind: 'popQuit', ok: true, deleted: 0, text: 'session ended' };
  }
  return assertNever(request, 'client request');
}
