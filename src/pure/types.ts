// Identifiers and small shared types of the protocol core. DESIGN.md §3–4.

/** A node's name, e.g. "n1". The paper's "IP order" is `compareNodeId` (natural order: n2 < n10). */
export type NodeId = string;
/** A user name in canonical (lower-case) form; see user-name.ts for what is allowed. */
export type UserId = string;
/** A message's cluster-wide id (also its POP UIDL), unique per accepted message. */
export type MsgId = string;
/** One of the 256 user-map buckets. */
export type Bucket = number;
/** A client session at one node's front end (SMTP or POP connection). */
export type SessionId = string;
/** A membership epoch (the coordinator's Lamport clock when it proposed the membership). */
export type Epoch = number;

export const BUCKETS = 256;

/** Natural order on node ids: digits compare as numbers, so n2 < n10. Total and deterministic. */
export function compareNodeId(a: NodeId, b: NodeId): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny) && nx !== ny) return nx - ny;
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What the world hands a reducer besides its input: this node's loosely synchronised clock and fresh
 * entropy. Nothing in src/pure reads a clock or draws randomness itself (DESIGN.md §3).
 */
export interface Env {
  /** This node's wall clock in ms (may be skewed against other nodes'). */
  readonly now: number;
  /** 32 fresh random bits drawn by the driver for this step (seeded PRNG in the simulator). */
  readonly entropy: number;
}
