// Golden scenario scripts (STYLE.md habit 7), in the style of etcd-io/raft's testdata: a command, a line
// `----`, and the expected output up to a blank line. Run with UPDATE_GOLDEN=1 to rewrite the expectations
// (then read the diff: update only what you understand).
import { readFileSync, writeFileSync } from 'node:fs';
import { emptyHardState, provisionUsers } from '../../src/pure/hard-state.js';
import { bucketOf } from '../../src/pure/hash.js';
import type { ClientRequest, NodeConfig } from '../../src/pure/io.js';
import { rpcSweepIntervalMs, rpcTimeoutMs } from '../../src/pure/proxy/limits.js';
import { initialUserMap, managerOf } from '../../src/pure/user-map/user-map.js';
import { NodeCluster as Cluster, verifierOf } from '../support/node-cluster.js';

export interface Block {
  readonly command: string;
  readonly expected: string;
}

export function parseScript(text: string): { blocks: Block[] } {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const command = line;
    if (lines[i + 1] !== '----') throw new Error(`line ${i + 2}: expected ---- after command "${command}"`);
    i += 2;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]);
    blocks.push({ command, expected: out.join('\n') });
  }
  return { blocks };
}

export function renderScript(blocks: readonly Block[]): string {
  return blocks.map((b) => `${b.command}\n----\n${b.expected}\n`).join('\n');
}

function tokens(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) out.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]);
  return out;
}

function options(args: readonly string[]): Map<string, string> {
  return new Map(args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
}

export class ScenarioRunner {
  private cluster: Cluster | undefined;
  private config: NodeConfig = { nodes: [], loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 100 };
  private smtpSessions = 0;
  private readonly popNodes = new Map<string, string>();

  run(command: string): string {
    const [cmd, ...args] = tokens(command);
    const out = this.dispatch(cmd, args);
    return out.length === 0 ? 'ok' : out.join('\n');
  }

  private get c(): Cluster {
    if (this.cluster === undefined) throw new Error('boot first');
    return this.cluster;
  }

  private client(node: string, session: string, request: ClientRequest): string[] {
    this.c.client(node, session, request);
    this.c.deliverAll();
    return this.c.takeLog();
  }

  private dispatch(cmd: string, args: string[]): string[] {
    const opt = options(args);
    const pos = args.filter((a) => !a.includes('='));
    switch (cmd) {
      case 'boot':
        return this.boot(pos, opt);
      case 'whereis':
        return pos.map((u) => `${u}: bucket ${bucketOf(u)} manager ${managerOf(initialUserMap(this.config.nodes), u.toLowerCase())}`);
      case 'adduser':
        return this.client(pos[0], `a${++this.smtpSessions}`, { kind: 'adminSetUser', user: pos[1], verifier: verifierOf(pos[2]) });
      case 'rcpt':
        return this.client(pos[0], `s${++this.smtpSessions}`, { kind: 'smtpRcpt', user: pos[1] });
      case 'smtp': {
        const id = opt.get('id');
        const req: ClientRequest = { kind: 'smtpData', sender: 'sender', recipients: pos[1].split(','), body: pos[2], ...(id ? { clientMsgId: id } : {}) };
        return this.client(pos[0], `s${++this.smtpSessions}`, req);
      }
      case 'pop':
        this.popNodes.set(pos[0], pos[1]);
        return this.client(pos[1], pos[0], { kind: 'popAuth', user: pos[2], password: pos[3] });
      case 'list':
        return this.client(this.popNode(pos[0]), pos[0], { kind: 'popList' });
      case 'retr':
        return this.client(this.popNode(pos[0]), pos[0], { kind: 'popRetr', msgId: this.msgIdAt(pos[0], Number(pos[1])) });
      case 'dele':
        return this.client(this.popNode(pos[0]), pos[0], { kind: 'popDele', msgId: this.msgIdAt(pos[0], Number(pos[1])) });
      case 'rset':
        return this.client(this.popNode(pos[0]), pos[0], { kind: 'popRset' });
      case 'quit':
        return this.client(this.popNode(pos[0]), pos[0], { kind: 'popQuit' });
      case 'crash':
        for (const n of pos) this.c.crash(n);
        return [];
      case 'restart':
        // The restarted node stays in its provisional boot view (not admitted): scenarios show that window.
        for (const n of pos) this.c.boot(n);
        this.c.deliverAll();
        return this.c.takeLog();
      case 'duplicate':
        this.c.duplicate = pos[0] === 'on';
        return [];
      case 'timeout':
        // Let every outstanding RPC pass its deadline, then run the sweeps.
        this.c.now += rpcTimeoutMs + rpcSweepIntervalMs;
        this.c.fireTimers('rpc:');
        this.c.deliverAll();
        return this.c.takeLog();
      case 'show':
        return pos.flatMap((n) => this.c.describe(n).split('\n'));
      default:
        throw new Error(`unknown scenario command ${cmd}`);
    }
  }

  private boot(nodes: string[], opt: Map<string, string>): string[] {
    this.config = {
      nodes,
      loadPolicy: (opt.get('policy') ?? 'dynamic') as NodeConfig['loadPolicy'],
      spread: Number(opt.get('spread') ?? 2),
      messageSizeMaxBytes: Number(opt.get('max') ?? 100),
    };
    this.cluster = new Cluster(this.config);
    let hard = emptyHardState();
    const users = opt.get('users');
    if (users !== undefined) {
      const [prefix, count, password] = users.split(':');
      hard = provisionUsers(hard, { prefix, count: Number(count), verifier: verifierOf(password) });
    }
    for (const n of nodes) this.c.boot(n, hard);
    this.c.deliverAll();
    const log = this.c.takeLog();
    // A fresh cluster's nodes are admitted by their first view before the scenario goes on.
    this.c.formView();
    return log;
  }

  private popNode(session: string): string {
    const n = this.popNodes.get(session);
    if (n === undefined) throw new Error(`no pop session ${session}`);
    return n;
  }

  /** The msgId of the n-th message (1-based) of the session's maildrop as listed at login or by LIST. */
  private msgIdAt(session: string, n: number): string {
    const lists = this.c.replies.filter((r) => r.session === session && r.reply.kind === 'popList');
    const last = lists[lists.length - 1]?.reply;
    if (last === undefined || last.kind !== 'popList') throw new Error(`${session}: LIST first`);
    return last.messages[n - 1]?.msgId ?? `no-message-${n}`;
  }
}

export function runScriptFile(path: string): { actual: string; expected: string } {
  const text = readFileSync(path, 'utf8');
  const { blocks } = parseScript(text);
  const runner = new ScenarioRunner();
  const actual = blocks.map((b) => ({ command: b.command, expected: runner.run(b.command) }));
  const rendered = renderScript(actual);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, rendered);
  return { actual: rendered, expected: renderScript(blocks) };
}
