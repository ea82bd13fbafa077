// The refinement mapping from simulator traces (src/sim/trace.ts) to spec/PorcupineMembership.tla
// (docs/spec.md "PorcupineMembership"). The spec numbers its nodes (the user map's reassignment ranks them),
// so node ids become their place in NodeId order (n1 → 1, n2 → 2, ...: the simulator names its nodes n1…nN);
// membership events keep their arguments (epochs, coordinators, member sets), every other event is a step
// of the acting node that changes nothing:
//   state {up: [...], ...} of Boot, Crash, Restart →  {up: {"#set": [numbers]}}  (the rest follows from the steps)
//   ProposeEpoch/AbandonProposal {node, epoch}     →  [node, epoch]
//   AcceptEpoch {node, epoch, coordinator}         →  [node, epoch, coordinator]
//   CommitEpoch/InstallView {node, epoch, members} →  [node, epoch, {members}]
//   DetectChange {node, reason}                    →  [node, reason];  SuspectPeer {node, peer} → [node, peer]
// Constants: N (the header's nodes), Epochs (every epoch the trace names) and B, the user map's bucket count:
// the trace does not carry the map, so validation runs the spec's map on a few buckets (the implementation's
// 256-bucket reassignment is checked against an oracle by properties/membership-reassign.test.ts).
import { TlaError } from '../tla/api.js';
import type { ParsedTrace } from '../tla/trace/index.js';
import { mapSimEvents } from './map-events.js';
import type { ArgMap, Refinement } from './refinement.js';
import { mailStoreActions, type MailStoreAction } from './mailstore.js';
import type { SimEvent, SimTrace } from './sim-trace.js';

/** The user-map buckets of the spec when validating (its map is not compared with the trace's). */
export const MEMBERSHIP_VALIDATION_BUCKETS = 4;

/** A node id's number in the spec: nK → K (the simulator's ids are n1…nN, numbered in NodeId order). */
export function nodeNumber(id: unknown): number {
  const m = typeof id === 'string' ? /^n([1-9]\d*)$/.exec(id) : null;
  if (m === null) throw new TlaError('trace', `PorcupineMembership maps node ids n1…nN to numbers; got ${JSON.stringify(id)}`);
  return Number(m[1]);
}

const set = (xs: readonly unknown[]): unknown => ({ '#set': xs });
const nodeSet = (ids: unknown): unknown => set((Array.isArray(ids) ? ids : []).map(nodeNumber).sort((a, b) => a - b));
const epochOf = (ev: SimEvent): number => Number(ev.args.epoch);

const nodeOnly: ArgMap = (ev) => [nodeNumber(ev.node)];
const nodeEpoch: ArgMap = (ev) => [nodeNumber(ev.node), epochOf(ev)];
const nodeEpochMembers: ArgMap = (ev) => [nodeNumber(ev.node), epochOf(ev), nodeSet(ev.args.members)];

/** The membership actions' arguments; every other trace action is a no-op step of the acting node. */
const membershipArgs: Partial<Record<MailStoreAction, ArgMap>> = {
  SuspectPeer: (ev) => [nodeNumber(ev.node), nodeNumber(ev.args.peer)],
  DetectChange: (ev) => [nodeNumber(ev.node), ev.args.reason],
  ProposeEpoch: nodeEpoch,
  AbandonProposal: nodeEpoch,
  AcceptEpoch: (ev) => [nodeNumber(ev.node), epochOf(ev), nodeNumber(ev.args.coordinator)],
  CommitEpoch: nodeEpochMembers,
  InstallView: nodeEpochMembers,
};

/** One entry per trace action (the same names as MailStore's: the code's events plus Crash and Restart). */
export const membershipArgMap: Readonly<Record<MailStoreAction, ArgMap>> = Object.fromEntries(
  mailStoreActions.map((a) => [a, membershipArgs[a] ?? nodeOnly]),
) as Record<MailStoreAction, ArgMap>;

const LIFE_CYCLE = new Set(['Boot', 'Crash', 'Restart']);

/** The epochs a trace names (the spec's Epochs constant). */
function epochsOf(trace: SimTrace): number[] {
  const epochs = new Set<number>();
  for (const l of trace.lines) if ('event' in l && typeof l.event.args.epoch === 'number') epochs.add(l.event.args.epoch);
  return [...epochs].sort((a, b) => a - b);
}

function mapMembership(trace: SimTrace): ParsedTrace {
  const nodes = (trace.header.constants.Nodes ?? []).map(nodeNumber);
  const n = nodes.length === 0 ? 0 : Math.max(...nodes);
  const header = {
    module: 'PorcupineMembership',
    constants: { N: n, B: MEMBERSHIP_VALIDATION_BUCKETS, Epochs: set(epochsOf(trace)) },
    source: { spec: trace.header.spec, seed: trace.header.seed, version: trace.header.version },
  };
  // Unknown action names pass through with the node as their only argument: the validator rejects them.
  // `up` changes only at Boot and Crash, so only the life-cycle events give it (comparing it at every event
  // cost a fifth of the validation and checks nothing more: the guards still need the acting node up).
  const events = mapSimEvents(trace, membershipArgMap, nodeOnly, (ev, line) => {
    if (!LIFE_CYCLE.has(ev.action)) return {};
    if (ev.state.up === undefined) throw new TlaError('trace', `line ${line}: the event has no "up" list of running nodes`);
    return { up: set(ev.state.up.map(nodeNumber).sort((a, b) => a - b)) };
  });
  return { header, events };
}

export const membershipRefinement: Refinement = {
  module: 'PorcupineMembership',
  summary: 'failure detection, the three rounds, epochs and the user map (ProposeEpoch, AcceptEpoch, CommitEpoch, InstallView, ...)',
  actions: membershipArgMap,
  map: mapMembership,
};
