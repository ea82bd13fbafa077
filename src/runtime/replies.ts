// Temporary-failure replies the driver gives on its own, when the reducer cannot answer a front-end request
// (the node is shutting down or rebooting from disk, or the request went unanswered too long). Always a
// temporary failure: the client retries (SMTP 451, POP -ERR [SYS/TEMP]); nothing was acknowledged.
import type { ClientReply, ClientRequest } from '../pure/io.js';
import { temporaryFailureReply } from '../pure/proxy/proxy.js';

export function unavailableReply(request: ClientRequest, why: string): ClientReply {
  // Never awaited for sessionEnd (endSession does not wait); a QUIT-shaped answer keeps the type total.
  if (request.kind === 'sessionEnd') return { kind: 'popQuit', ok: true, deleted: 0, text: 'session ended' };
  return temporaryFailureReply(request, `4.3.0 node unavailable (${why})`, `[SYS/TEMP] node unavailable (${why}), try again later`);
}
