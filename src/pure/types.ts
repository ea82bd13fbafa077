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
  if (a === b) return 0;
  const pa = runsOf(a);
  const pb = runsOf(b);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    // A digit run against a letter run, or two letter runs: plain string order of the runs.
    return String(x) < String(y) ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : 1; // same runs, different spelling ("n01" vs "n1"): keep the order total
}

// Node ids are few and compared constantly (ring order, sorting members), so each id is split into its
// digit and letter runs once. The memo is invisible to callers: same id, same runs.
const runsMemo = new Map<string, readonly (string | number)[]>();
const runsMemoMax = 4096;

function runsOf(id: string): readonly (string | number)[] {
  const hit = runsMemo.get(id);
  if (hit !== undefined) return hit;
  const runs: (string | number)[] = [];
  for (const m of id.match(/\d+|\D+/g) ?? []) {
    // Digit runs beyond 2^53 would lose precision as numbers: keep them as strings of equal length order.
    runs.push(/^\d+$/.test(m) && m.length < 16 ? Number(m) : m);
  }
  if (runsMemo.size >= runsMemoMax) runsMemo.clear();
  runsMemo.set(id, runs);
  return runs;
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
