// Renderings of a node's state: `digestNode` (canonical, whole state, for replay's byte-identical check) and
// `describeNode` (one line per module, for golden scenario tests).
import { canonical } from './canonical.js';
import { describeLoad } from './load/load-table.js';
import { describeMailbox } from './mailbox/mailbox.js';
import type { NodeState } from './node-state.js';
import { describeProxy } from './proxy/proxy.js';
import { describeManager } from './soft-state/manager.js';
import { describeUserDb } from './user-db/user-db.js';

export function digestNode(state: NodeState): string {
  return canonical(state);
}

export function describeNode(state: NodeState): string {
  if (state.self === undefined) return 'down';
  return [
    `${state.self}#${state.incarnation}${state.ready ? '' : ' (starting)'}`,
    `  mailbox{${describeMailbox(state.hard)}}`,
    `  userdb{${describeUserDb(state.hard.userDb)}}`,
    `  ${describeManager(state.manager)}`,
    `  ${describeProxy(state.proxy)}`,
    `  load{${describeLoad(state.load)}}`,
  ].join('\n');
}
