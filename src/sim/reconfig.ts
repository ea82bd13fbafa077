// Reconfiguration, observed from outside the nodes (checkers may inspect node state, never change it): how
// many views the cluster installed, how often membership changed, and how long after the heal phase began
// every live node held the same view (epoch and coordinator), the same members and the same user map.
// Works with any reducer: a state without `membership.view` / `userMap` (the test fakes) counts as
// "no view" and never delays convergence.
import type { World } from './world.js';

/** Virtual time between convergence samples in the heal phase (the measure's resolution). */
export const CONVERGENCE_SAMPLE_MS = 50;

interface ViewLike {
  readonly epoch: number;
  readonly coordinator: string;
  readonly members: readonly string[];
}
interface MapEntryLike {
  readonly node: string;
  readonly epoch: number;
}

/** The membership view and user map of a node state, when it has them (the real node does). */
function viewOf(state: unknown): { view: ViewLike; map: readonly MapEntryLike[] } | undefined {
  const s = state as { membership?: { view?: ViewLike }; userMap?: readonly MapEntryLike[] } | undefined;
  const view = s?.membership?.view;
  if (view === undefined || !Array.isArray(s?.userMap)) return undefined;
  return { view, map: s.userMap };
}

export interface ReconfigStats {
  /** Distinct views (epoch@coordinator) installed by some node. */
  readonly viewsInstalled: number;
  /** Installs summed over nodes (a view installed by 5 nodes counts 5). */
  readonly installs: number;
  /** Distinct views whose member set differs from the previously installed distinct view's. */
  readonly membershipChanges: number;
  /**
   * Virtual ms from the start of the heal phase until every live node agreed on view, members and user map
   * (and kept agreeing to the end of the heal phase); null if they never did.
   */
  readonly convergeMs: number | null;
}

export class ReconfigMonitor {
  private readonly lastView = new Map<number, ViewLike>();
  private readonly views = new Set<string>();
  private lastMembers = '';
  private installs = 0;
  private membershipChanges = 0;
  private healStart = -1;
  private convergedAt: number | null = null;

  constructor(
    private readonly world: World<unknown>,
    /** Nodes not in the cluster now (not yet joined, or left): ignored by the convergence measure. */
    private readonly absent: ReadonlySet<number>,
  ) {}

  /** After every reducer step: did this node install a view? (A reference compare: states are immutable.) */
  afterStep(node: number): void {
    // Runs after every step: read the view without building viewOf's pair (the bench's hot path).
    const s = this.world.nodes[node].state as { membership?: { view?: ViewLike }; userMap?: unknown } | undefined;
    const v = s?.membership?.view;
    if (v === undefined || v.epoch === 0 || !Array.isArray(s?.userMap)) return;
    const prev = this.lastView.get(node);
    if (prev === v) return;
    this.lastView.set(node, v);
    if (prev !== undefined && prev.epoch === v.epoch && prev.coordinator === v.coordinator) return;
    this.installs++;
    const id = `${v.epoch}@${v.coordinator}`;
    if (this.views.has(id)) return;
    this.views.add(id);
    const members = [...v.members].sort().join(',');
    if (members !== this.lastMembers) this.membershipChanges++;
    this.lastMembers = members;
  }

  /** The heal phase begins at `t` and ends at `end`: sample agreement every CONVERGENCE_SAMPLE_MS. */
  watchHeal(t: number, end: number): void {
    this.healStart = t;
    for (let s = t; s <= end; s += CONVERGENCE_SAMPLE_MS) {
      this.world.at(s, () => {
        if (!this.agreed()) this.convergedAt = null;
        else if (this.convergedAt === null) this.convergedAt = this.world.now;
      });
    }
  }

  stats(): ReconfigStats {
    return {
      viewsInstalled: this.views.size,
      installs: this.installs,
      membershipChanges: this.membershipChanges,
      convergeMs: this.healStart < 0 || this.convergedAt === null ? null : this.convergedAt - this.healStart,
    };
  }

  /** Every live member node holds the same view id, members and user map. */
  agreed(): boolean {
    let ref: { view: ViewLike; map: readonly MapEntryLike[] } | undefined;
    for (let n = 0; n < this.world.nodes.length; n++) {
      const slot = this.world.nodes[n];
      if (!slot.up || this.absent.has(n)) continue;
      const v = viewOf(slot.state);
      if (v === undefined) continue;
      if (ref === undefined) {
        ref = v;
        continue;
      }
      if (!sameView(ref.view, v.view) || !sameMap(ref.map, v.map)) return false;
    }
    return true;
  }
}

function sameView(a: ViewLike, b: ViewLike): boolean {
  if (a.epoch !== b.epoch || a.coordinator !== b.coordinator || a.members.length !== b.members.length) return false;
  return a.members.every((m, i) => m === b.members[i]);
}

function sameMap(a: readonly MapEntryLike[], b: readonly MapEntryLike[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].node !== b[i].node || a[i].epoch !== b[i].epoch) return false;
  return true;
}
