// The real node reducer on the shared test driver over the simulator's World (test/support/world-driver.ts)
// for membership tests: boots, crashes, restarts, partitions and client requests issued synchronously (run
// the world until the reply), and the checkers of the membership properties (agreement, soft state as a
// function of hard state).
import { emptyHardState, provisionUsers } from '../../src/pure/hard-state.js';
import { bucketOf } from '../../src/pure/hash.js';
import type { ClientReply } from '../../src/pure/io.js';
import { viewIdOf } from '../../src/pure/membership/messages.js';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import type { NodeState } from '../../src/pure/node.js';
import { fragmentNodes } from '../../src/pure/soft-state/mail-map.js';
import { compareNodeId, type NodeId } from '../../src/pure/types.js';
import type { FaultConfig } from '../../src/sim/config.js';
import { porcupineReducer, simCheckPassword, simVerifier } from '../../src/sim/porcupine-reducer.js';
import type { NodeReducer } from '../../src/sim/world.js';
import { WorldDriver } from '../support/world-driver.js';

export const PASSWORD = 'pw';

export interface SimHarnessOptions {
  readonly nodes: number;
  readonly users?: number;
  readonly seed?: number;
  readonly faults?: Partial<FaultConfig>;
  /** Seeded bugs (src/pure/membership/bugs.ts), for test/membership/seeded-bugs.test.ts only. */
  readonly membershipBugs?: MembershipBugs;
  /** Replication factor: absent or 0 is the unreplicated path, else NodeConfig.replicas. */
  readonly replicas?: number;
  /** The node reducer (default the real one); seeded-bug tests pass a wrapped one. */
  readonly reducer?: NodeReducer<NodeState>;
}

export class SimHarness extends WorldDriver<NodeState> {
  constructor(o: SimHarnessOptions) {
    const ids = Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`);
    const bugs = o.membershipBugs === undefined ? {} : { membershipBugs: o.membershipBugs };
    const replicas = o.replicas === undefined || o.replicas === 0 ? {} : { replicas: o.replicas };
    super({
      ids,
      seed: o.seed ?? 1,
      reducer: o.reducer ?? (porcupineReducer as NodeReducer<NodeState>),
      nodeConfig: { nodes: ids, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1 << 20, ...bugs, ...replicas },
      network: { delayMs: 1, jitterMs: 2, linkDelayMs: {} },
      faults: o.faults ?? {},
      initialHard: provisionUsers(emptyHardState(), { prefix: 'user', count: o.users ?? 100, verifier: simVerifier(PASSWORD) }),
      checkPassword: simCheckPassword,
    });
  }

  bootAll(): void {
    for (let i = 0; i < this.ids.length; i++) this.world.boot(i);
  }

  deliver(node: NodeId, user: string, body: string): ClientReply | undefined {
    return this.request(node, { kind: 'smtpData', sender: 'a@b', recipients: [user], body });
  }

  /** POP login + listing at `node`; the message ids listed (undefined if the login failed). */
  list(node: NodeId, user: string): string[] | undefined {
    const session = this.newSession('p');
    const auth = this.request(node, { kind: 'popAuth', user, password: PASSWORD }, session);
    if (auth?.kind !== 'popAuth' || !auth.ok) return undefined;
    const l = this.request(node, { kind: 'popList' }, session);
    this.request(node, { kind: 'sessionEnd' }, session);
    return l?.kind === 'popList' ? l.messages.map((m) => m.msgId).sort() : undefined;
  }

  /** Nodes (up) whose hard state holds a non-empty fragment of `user`. */
  holders(user: string): NodeId[] {
    return this.up().filter((n) => this.state(n).hard.fragments.has(user));
  }

  /** Message ids of `user` durably or tentatively stored on up nodes (what a full POP listing should show). */
  storedIds(user: string): string[] {
    const ids = new Set<string>();
    for (const n of this.up()) {
      const frag = this.state(n).hard.fragments.get(user);
      if (frag !== undefined) for (const [, m] of frag.entries()) ids.add(m.msgId);
    }
    return [...ids].sort();
  }

  /** Agreement among the up nodes: one view id, members = up nodes, one map, every node joined. */
  disagreement(nodes: readonly NodeId[] = this.up()): string | undefined {
    const first = this.state(nodes[0]).membership!;
    for (const n of nodes) {
      const m = this.state(n).membership!;
      const a = viewIdOf(m.view);
      const b = viewIdOf(first.view);
      if (a.epoch !== b.epoch || a.coordinator !== b.coordinator) return `${n} in ${a.epoch}@${a.coordinator}, ${nodes[0]} in ${b.epoch}@${b.coordinator}`;
      if (m.view.members.join() !== [...nodes].sort(compareNodeId).join()) return `${n} members ${m.view.members.join()} != ${[...nodes].sort(compareNodeId).join()}`;
      if (!m.joined) return `${n} not joined`;
      if (JSON.stringify(this.state(n).userMap) !== JSON.stringify(first.view.map)) return `${n} user map differs`;
    }
    return undefined;
  }

  /**
   * Soft state as a function of hard state: for every user, the mail map at its manager lists exactly the
   * up nodes holding a non-empty fragment, and no manager keeps entries for users it does not manage.
   */
  softStateMismatches(users: Iterable<string>): string[] {
    const out: string[] = [];
    const up = this.up();
    for (const u of users) {
      const manager = this.state(up[0]).userMap[bucketOf(u)].node;
      const listed = [...fragmentNodes(this.state(manager).manager.mailMap, u)].sort();
      const expected = this.holders(u).sort();
      if (listed.join() !== expected.join()) out.push(`${u}@${manager}: mail map [${listed.join()}] != holders [${expected.join()}]`);
    }
    for (const n of up) {
      this.state(n).manager.mailMap.forEach((_, u) => {
        if (this.state(n).userMap[bucketOf(u)].node !== n) out.push(`${n} keeps a mail map for ${u}, managed elsewhere`);
      });
    }
    return out;
  }
}
