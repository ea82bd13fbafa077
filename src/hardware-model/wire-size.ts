// Sizes as the protocol really sends and stores them: a node-to-node message is its JSON (the runtime's
// frame body, DESIGN.md §7) plus framing; a mail body dominates whenever there is one, so messages carrying
// a body are sized from it without serialising it (the hot path of the model).
import type { ClientReply, ClientRequest, HardWrite, Message } from '../pure/io.js';
import { CLIENT_EXCHANGE_BYTES, ETHERNET, WRITE_HEADER_BYTES } from './parameters.js';

/** JSON of a message without its body: the envelope around the body bytes [ours: a fixed 200 bytes]. */
const BODY_ENVELOPE_BYTES = 200;
/** JSON of a small RPC (kind, request id, user, load sample) [ours]; lists add per entry. */
const SMALL_RPC_BYTES = 150;
const LIST_ENTRY_BYTES = 30;

/**
 * Bytes of one node-to-node message. Exact JSON would cost a serialisation per send on the model's hot
 * path; the frequent kinds are small (one 512-byte Ethernet slot whatever their exact size) or carry a body,
 * so they are sized from their parts, and the rare large ones (membership rounds with the user map,
 * soft-state reports, load tables) by their JSON.
 */
export function messageBytes(m: Message): number {
  return rpcPayloadBytes(m) + ETHERNET.rpcFramingBytes;
}

function rpcPayloadBytes(m: Message): number {
  switch (m.kind) {
    case 'storeMsg':
      return m.msg.body.length + BODY_ENVELOPE_BYTES;
    case 'fetched':
      return (m.body?.length ?? 0) + BODY_ENVELOPE_BYTES;
    case 'replPush':
      return (m.object.value.kind === 'message' ? m.object.value.body.length : 0) + BODY_ENVELOPE_BYTES;
    case 'userInfo':
      return SMALL_RPC_BYTES + m.mailMap.length * LIST_ENTRY_BYTES;
    case 'digests':
      return SMALL_RPC_BYTES + m.items.length * LIST_ENTRY_BYTES;
    case 'deleteMsgs':
      return SMALL_RPC_BYTES + m.msgIds.length * LIST_ENTRY_BYTES;
    case 'lookupUser':
    case 'stored':
    case 'listDigests':
    case 'fetchMsg':
    case 'deleted':
    case 'setProfile':
    case 'profileSet':
    case 'mailMapUpdate':
    case 'mailMapAck':
    case 'replAck':
    case 'replNack':
    case 'replRetire':
    case 'replReconcile':
    case 'memPing':
    case 'memPong':
      return SMALL_RPC_BYTES;
    default:
      return JSON.stringify(m).length;
  }
}

/** Bytes of a client's request on the wire (SMTP commands, DATA with its body, POP commands). */
export function requestBytes(r: ClientRequest): number {
  return r.kind === 'smtpData' ? r.body.length + CLIENT_EXCHANGE_BYTES : CLIENT_EXCHANGE_BYTES;
}

/** Bytes of a reply to a client (POP RETR carries the body; a listing ~ 20 bytes a message). */
export function replyBytes(r: ClientReply): number {
  switch (r.kind) {
    case 'popRetr':
      return (r.body?.length ?? 0) + CLIENT_EXCHANGE_BYTES;
    case 'popList':
      return r.messages.length * 20 + CLIENT_EXCHANGE_BYTES;
    default:
      return CLIENT_EXCHANGE_BYTES;
  }
}

/** Bytes a durable write puts on disk: the body for a stored message (or its replica), else a header. */
export function writeBytes(w: HardWrite): number {
  if (w.kind === 'storeMessage') return w.msg.body.length + WRITE_HEADER_BYTES;
  if (w.kind === 'replication' && w.write.kind === 'replPut' && w.write.object.value.kind === 'message') {
    return w.write.object.value.body.length + WRITE_HEADER_BYTES;
  }
  return WRITE_HEADER_BYTES;
}
