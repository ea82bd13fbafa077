// Golden scenario scripts for the membership reducer (STYLE.md habit 7, like etcd-io/raft's testdata): a
// command, `----`, and the expected output (the `describe*` renderings) up to a blank line. Run with
// UPDATE_GOLDEN=1 to rewrite the expectations — then read the diff and keep only what you understand.
// Commands: boot <nodes...> seed=<n> | run <ms> | crash <node> | restart <node> | join <node> <seed...>
//           | partition <a,b> <c,d> | heal | loss <rate> | suspect <node> <peer> | show | map
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeMap, describeMembership } from '../../src/pure/membership/state.js';
import { MembershipCluster } from '../support/world-driver.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

class Runner {
  private c: MembershipCluster | undefined;
  private seen = 0;

  exec(line: string): string[] {
    const [cmd, ...args] = line.split(/\s+/);
    const opt = new Map(args.filter((a) => a.includes('=')).map((a) => a.split('=') as [string, string]));
    const pos = args.filter((a) => !a.includes('='));
    const c = this.c;
    if (cmd === 'boot') {
      this.c = new MembershipCluster(pos, Number(opt.get('seed') ?? 1));
      for (const n of pos) this.c.boot(n);
      return ['ok'];
    }
    if (c === undefined) throw new Error('boot first');
    switch (cmd) {
      case 'run':
        c.run(Number(pos[0]));
        return this.installs(c);
      case 'crash':
        c.crash(pos[0]);
        return ['ok'];
      case 'restart':
        c.boot(pos[0]);
        return ['ok'];
      case 'join':
        c.boot(pos[0], pos.slice(1));
        return ['ok'];
      case 'partition':
        c.groups.clear();
        pos.forEach((g, i) => g.split(',').forEach((n) => c.groups.set(n, i)));
        return ['ok'];
      case 'heal':
        c.groups.clear();
        return ['ok'];
      case 'loss':
        c.faults = { lossRate: Number(pos[0]), dupRate: 0 };
        return ['ok'];
      case 'suspect':
        c.inject(pos[0], { kind: 'peerSuspected', peer: pos[1] });
        return ['ok'];
      case 'show':
        return c.live().sort().map((n) => describeMembership(c.state(n)));
      case 'map':
        return [describeMap(c.state(c.live().sort()[0]).view.map)];
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  }

  /** The views installed since the last `run`, one line each: time, node, view. */
  private installs(c: MembershipCluster): string[] {
    const out = c.installs.slice(this.seen).map((i) => `${Math.round(i.at)} ${i.node} installs ${i.view.epoch}@${i.view.coordinator} [${i.view.members.join(',')}]${i.selfJustJoined ? ' (joined)' : ''}`);
    this.seen = c.installs.length;
    return out.length === 0 ? ['no change'] : out;
  }
}

function runScript(text: string): string {
  const r = new Runner();
  const blocks: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) {
      if (line.startsWith('#')) blocks.push(line);
      continue;
    }
    if (lines[i + 1] !== '----') throw new Error(`line ${i + 2}: expected ---- after "${line}"`);
    i += 2;
    while (i < lines.length && lines[i] !== '') i++;
    blocks.push(`${line}\n----\n${r.exec(line).join('\n')}\n`);
  }
  return blocks.join('\n');
}

describe('membership golden scenarios (test/membership/scenarios/*.txt)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
  it('has scenarios', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const path = join(dir, f);
      const expected = readFileSync(path, 'utf8');
      const actual = runScript(expected);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
      else expect(actual).toBe(expected);
    });
  }
});
