// What a node's status page shows (JSON at /status.json, HTML at /): membership, epoch, user map summary,
// load table, fragments, replication backlog, storage and transport counters. Read from the reducer's state,
// never written.
import type { NodeState } from '../pure/node.js';
import { loadTableEntries } from '../pure/load/load-table.js';
import { canDenyExistence, ownPending } from '../pure/node-state.js';
import { bucketsRebuilding } from '../pure/soft-state/manager.js';
import type { StorageStats, TransportStats } from './contracts.js';

export interface NodeStatus {
  readonly id: string | undefined;
  readonly ready: boolean;
  readonly incarnation: number;
  /** The data directory's instance (part of every minted message id; new after a disk loss). */
  readonly instance: string;
  readonly epoch: number;
  readonly coordinator: string | undefined;
  readonly members: readonly string[];
  /** Buckets of the user map managed by each node. */
  readonly userMap: Readonly<Record<string, number>>;
  readonly load: readonly { node: string; pending: number; ageMs: number }[];
  readonly fragments: { readonly users: number; readonly messages: number; readonly bytes: number };
  readonly profiles: number;
  /**
   * Buckets this node took over whose reconstruction reports have not all arrived: an unknown user there
   * gets a temporary 451 instead of 550 until they do (at most reportWaitMaxMs).
   */
  readonly rebuildingBuckets: number;
  /**
   * This node may tell a user does not exist (mayDenyExistence in src/pure/soft-state/manager.ts: admitted by
   * a view that misses fewer than R of the nodes it knows). When false, every unknown user it manages gets 451.
   */
  readonly authoritative: boolean;
  readonly replication: { readonly objects: number; readonly logEntries: number; readonly pushes: number; readonly quarantined: number } | null;
  readonly sessions: number;
  readonly callsInFlight: number;
  readonly storage: StorageStats;
  readonly transport: TransportStats | null;
  readonly addresses: Readonly<Record<string, string>>;
  readonly uptimeSeconds: number;
}

export function nodeStatus(
  s: NodeState,
  storage: StorageStats,
  transport: TransportStats | null,
  addresses: Readonly<Record<string, string>>,
  now = Date.now(),
): NodeStatus {
  const userMap: Record<string, number> = {};
  for (const e of s.userMap) userMap[e.node] = (userMap[e.node] ?? 0) + 1;
  let messages = 0;
  let bytes = 0;
  s.hard.fragments.forEach((frag) => {
    frag.forEach((m) => {
      messages++;
      bytes += m.sizeBytes;
    });
  });
  const load =
    s.self === undefined
      ? []
      : loadTableEntries(s.load, s.self, { pending: ownPending(s), at: now }).map((e) => ({ node: e.node, pending: e.load.pending, ageMs: Math.max(0, now - e.load.at) }));
  const view = s.membership?.view;
  const repl = s.replication;
  return {
    id: s.self,
    ready: s.ready,
    incarnation: s.incarnation,
    instance: s.hard.instance ?? '',
    epoch: view?.epoch ?? 0,
    coordinator: view?.coordinator,
    members: s.members,
    userMap,
    load,
    fragments: { users: s.hard.fragments.size, messages, bytes },
    profiles: s.hard.userDb.profiles.size,
    rebuildingBuckets: bucketsRebuilding(s.manager, now, canDenyExistence(s), s.userMap, s.self),
    authoritative: canDenyExistence(s),
    replication:
      repl === undefined
        ? null
        : { objects: repl.repl.hard.objects.size, logEntries: repl.repl.hard.log.size, pushes: repl.repl.pushes.size, quarantined: repl.repl.hard.quarantine.size },
    sessions: s.proxy.sessions.size,
    callsInFlight: s.proxy.calls.size,
    storage,
    transport,
    addresses,
    uptimeSeconds: Math.round(process.uptime()),
  };
}

function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/** A self-contained page (no scripts, no external assets) that refreshes itself every 5 s. */
export function statusHtml(st: NodeStatus): string {
  const kv = (o: object): string => table(['', ''], Object.entries(o).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : v]));
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Porcupine node ${esc(st.id)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}h2{margin-bottom:.2em}</style>
</head><body>
<h1>Porcupine node ${esc(st.id)} ${st.ready ? '(ready)' : '(starting)'}</h1>
<p>incarnation ${esc(st.incarnation)} of data directory ${esc(st.instance)} · epoch ${esc(st.epoch)} (coordinator ${esc(st.coordinator)}) · up ${esc(st.uptimeSeconds)} s · <a href="/status.json">JSON</a> · <a href="/metrics">metrics</a></p>
<h2>Membership</h2>${table(['member', 'buckets managed'], st.members.map((m) => [m, st.userMap[m] ?? 0]))}
<p>buckets taken over here and still waiting for reconstruction reports: ${esc(st.rebuildingBuckets)} · ${st.authoritative ? 'may answer 550 for unknown users' : 'answers 451 for unknown users (not admitted, or R or more known nodes outside the view)'}</p>
<h2>Load table</h2>${table(['node', 'pending disk RPCs', 'sample age (ms)'], st.load.map((l) => [l.node, l.pending, l.ageMs]))}
<h2>Fragments stored here</h2>${kv(st.fragments)}
<h2>Replication backlog</h2>${st.replication === null ? '<p>replication off</p>' : kv(st.replication)}
<h2>Storage</h2>${kv({ ...st.storage, recentBatchSizes: st.storage.recentBatchSizes.slice(-10) })}
<h2>Transport</h2>${st.transport === null ? '<p>not started</p>' : kv(st.transport)}
<h2>Addresses</h2>${kv(st.addresses)}
</body></html>`;
}
