// The refinement mapping from simulator traces (src/sim/trace.ts) to spec/PorcupineMail.tla (docs/spec.md).
// PorcupineMail is MailStore plus the user managers' mail maps, so the mapping is MailStore's with the
// soft-state steps given their arguments, and the spec's constants for views, user sets and the boot map:
//   ReconstructSoftState {epoch, map: [[node, epoch] per bucket], members, rejoined, changedBuckets}
//                         → (node, epoch, [user → <<manager, stamp>>], {members}, rejoined, {changed users})
//   ApplyReport {from, reported, removed, buckets}  → (node, from, {reported}, {removed}, {users of buckets})
//   AddFragment / DropFragment {user, node: from}   → (node, user, from)
// Buckets become the trace's users through bucketOf (src/pure/hash.ts): the spec speaks of users.
import { bucketOf } from '../pure/hash.js';
import { initialUserMap } from '../pure/user-map/user-map.js';
import { nodeIds } from '../sim/config.js';
import type { ParsedTrace } from '../tla/trace/index.js';
import { mailStoreArgs, mailStoreConstants, mailStoreState, set, type MailStoreAction } from './mailstore.js';
import { mapSimEvents } from './map-events.js';
import type { ArgMap, Refinement } from './refinement.js';
import { byText, type SimEvent, type SimTrace } from './sim-trace.js';

const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);
const numbers = (x: unknown): number[] => (Array.isArray(x) ? x.filter((v): v is number => typeof v === 'number') : []);

/** The users of `users` whose bucket is in `buckets` ('all': every one), sorted. */
function usersIn(users: readonly string[], buckets: unknown): string[] {
  if (buckets === 'all') return [...users];
  const bs = new Set(numbers(buckets));
  return users.filter((u) => bs.has(bucketOf(u)));
}

/** A traced user map ([node, epoch] per bucket) restricted to the users: user → <<manager, stamp>>. */
function userMapOf(users: readonly string[], map: unknown): Record<string, unknown> {
  const entries = Array.isArray(map) ? (map as unknown[]) : [];
  return Object.fromEntries(users.map((u) => [u, entries[bucketOf(u)] ?? ['', -1]]));
}

const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort(byText);

/** The mailbox user of a replicated object id ("m/<user>/<msgId>", src/pure/replication/objects.ts), or "". */
function mailUser(users: readonly string[], objectId: unknown): string {
  const parts = typeof objectId === 'string' ? objectId.split('/') : [];
  return parts[0] === 'm' && users.includes(parts[1]) ? parts[1] : '';
}

type SoftStateAction = 'AddFragment' | 'DropFragment' | 'ReconstructSoftState' | 'ApplyReport' | 'ReplUpdate' | 'ReplApply';

/** The label arguments of the soft-state steps (and the replicated writes that make a node a holder). */
function softStateArgs(users: readonly string[]): Pick<Record<MailStoreAction, ArgMap>, SoftStateAction> {
  return {
    ReplUpdate: (ev) => [ev.node, mailUser(users, ev.args.objectId)],
    ReplApply: (ev) => [ev.node, mailUser(users, ev.args.objectId)],
    AddFragment: (ev) => [ev.node, ev.args.user, ev.args.node],
    DropFragment: (ev) => [ev.node, ev.args.user, ev.args.node],
    ReconstructSoftState: (ev) => [
      ev.node,
      ev.args.epoch,
      userMapOf(users, ev.args.map),
      set(sorted(strings(ev.args.members))),
      ev.args.rejoined === true,
      set(usersIn(users, ev.args.changedBuckets)),
    ],
    ApplyReport: (ev) => [ev.node, ev.args.from, set(sorted(strings(ev.args.reported))), set(sorted(strings(ev.args.removed))), set(usersIn(users, ev.args.buckets))],
  };
}

/**
 * One entry per action (the same names as MailStore's: every trace action), for a trace with these users.
 * test/spec/names-in-sync.test.ts compares the keys with PorcupineMail's Next.
 */
export function mailArgs(users: readonly string[]): Readonly<Record<MailStoreAction, ArgMap>> {
  return { ...mailStoreArgs, ...softStateArgs(users) };
}

export interface MailConstants {
  /** Every set of users a ReconstructSoftState or ApplyReport names (as JSON sets, deduplicated). */
  readonly UserSets: unknown[];
  /** Every view a node installs: <<epoch, map, members>>, the map as a set of <<user, entry>> pairs. */
  readonly Views: unknown[];
  /** Each node's boot-time map restricted to the users, as a set of <<node, user, entry>>. */
  readonly InitMap: unknown;
  /** One past the largest epoch installed: the spec's fault cut-off is never reached in a trace. */
  readonly LastEpoch: number;
}

function mailConstants(trace: SimTrace, nodes: readonly string[], users: readonly string[]): MailConstants {
  const args = softStateArgs(users);
  const userSets = new Map<string, unknown>();
  const views = new Map<string, unknown>();
  let last = 0;
  const note = (v: unknown): void => void userSets.set(JSON.stringify(v), v);
  for (const l of trace.lines) {
    if (!('event' in l)) continue;
    const ev: SimEvent = l.event;
    if (ev.action === 'ReconstructSoftState') {
      const [, e, map, members, , changed] = args.ReconstructSoftState(ev, { metaBefore: [] });
      note(changed);
      const rel = set(Object.entries(map as Record<string, unknown>)); // constants are sets and tuples (Rel in the spec)
      views.set(JSON.stringify([e, rel, members]), [e, rel, members]);
      if (typeof e === 'number') last = Math.max(last, e);
    } else if (ev.action === 'ApplyReport') {
      args.ApplyReport(ev, { metaBefore: [] }).slice(2).forEach(note);
    }
  }
  // A node boots with initialUserMap over the configured (initial) nodes plus itself (src/sim/cluster.ts
  // nodeConfigOf, src/pure/node.ts onBoot): a node that joins later has its own boot map.
  const count = (trace.header.config as { nodes?: unknown } | undefined)?.nodes;
  const initial = typeof count === 'number' ? nodeIds(count) : [...nodes];
  const InitMap = set(
    nodes.flatMap((n) => {
      const boot = initialUserMap(initial.includes(n) ? initial : [...initial, n]);
      return users.map((u) => [n, u, [boot[bucketOf(u)].node, boot[bucketOf(u)].epoch]]);
    }),
  );
  return { UserSets: [...userSets.values()], Views: [...views.values()], InitMap, LastEpoch: last + 1 };
}

function mapMail(trace: SimTrace): ParsedTrace {
  const c = mailStoreConstants(trace);
  const m = mailConstants(trace, c.Nodes, c.Users);
  const header = {
    module: 'PorcupineMail',
    constants: {
      Nodes: set(c.Nodes),
      Users: set(c.Users),
      Msgs: set(c.Msgs),
      AckCodes: set(c.AckCodes),
      AckReplicas: c.AckReplicas,
      DeleteSets: set(c.DeleteSets.map(set)),
      UserSets: set(m.UserSets),
      Views: set(m.Views),
      InitMap: m.InitMap,
      LastEpoch: m.LastEpoch,
    },
    source: { spec: trace.header.spec, seed: trace.header.seed, version: trace.header.version },
  };
  return { header, events: mapSimEvents(trace, mailArgs(c.Users), (ev) => [ev.node], (ev) => mailStoreState(ev.state, c.Nodes, c.Users)) };
}

export const mailRefinement: Refinement = {
  module: 'PorcupineMail',
  summary: 'mail maps at the user managers (fragment notices, reconstruction after a view change, reports) over durable mailbox writes',
  actions: mailArgs([]),
  map: mapMail,
};
