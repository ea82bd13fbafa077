// Merging per-node runtime traces (src/conformance/runtime-traces.ts): file order kept, files interleaved by
// the monotonic clock on one host boot (else wall time), and a node's second Boot preceded by Crash and
// Restart — losing the disk when its incarnation did not grow. The e2e test validates a real cluster's files.
import { describe, expect, it } from 'vitest';
import { mergeRuntimeTraces } from '../../src/conformance/runtime-traces.js';

const header = (node: string, bootId: string | undefined) =>
  JSON.stringify({ kind: 'header', spec: 'Porcupine', constants: { Nodes: ['n1', 'n2'] }, seed: 0, version: 't', runtime: { node, bootId } });
const ev = (node: string, i: number, t: number, mono: number, action: string, args: Record<string, unknown> = {}) =>
  JSON.stringify({ i, t, mono, node, action, args: { node, ...args } });

function lines(files: { name: string; text: string }[]): string[] {
  return mergeRuntimeTraces(files).trace.lines.map((l) => ('event' in l ? `${l.event.node} ${l.event.action} up=${(l.event.state.up ?? []).join(',')}` : `meta ${l.meta.kind}`));
}

describe('mergeRuntimeTraces', () => {
  it('orders by the monotonic clock when every file is from one host boot, by wall time otherwise', () => {
    // n2's wall clock is 1 s behind, its monotonic clock agrees: mono puts n1's Boot first.
    const n1 = [header('n1', 'b'), ev('n1', 1, 2000, 10, 'Boot', { incarnation: 1 })].join('\n');
    const n2 = [header('n2', 'b'), ev('n2', 1, 1000, 20, 'Boot', { incarnation: 1 })].join('\n');
    expect(mergeRuntimeTraces([{ name: 'a', text: n2 }, { name: 'b', text: n1 }]).orderedBy).toBe('mono');
    expect(lines([{ name: 'a', text: n2 }, { name: 'b', text: n1 }])).toEqual(['n1 Boot up=n1', 'n2 Boot up=n1,n2']);
    const otherBoot = n2.replace('"bootId":"b"', '"bootId":"c"');
    expect(mergeRuntimeTraces([{ name: 'a', text: otherBoot }, { name: 'b', text: n1 }]).orderedBy).toBe('wall');
    expect(lines([{ name: 'a', text: otherBoot }, { name: 'b', text: n1 }])).toEqual(['n2 Boot up=n2', 'n1 Boot up=n1,n2']);
  });

  it('a second Boot gets Crash and Restart before it; a Boot whose incarnation did not grow lost its disk', () => {
    const n1 = [
      header('n1', 'b'), ev('n1', 1, 1, 1, 'Boot', { incarnation: 1 }),
      ev('n1', 2, 2, 2, 'Boot', { incarnation: 2 }), // a reboot from the same disk
      header('n1', 'b'), ev('n1', 1, 3, 3, 'Boot', { incarnation: 1 }), // a new process on a wiped disk
    ].join('\n');
    expect(lines([{ name: 'n1', text: n1 }])).toEqual([
      'n1 Boot up=n1', 'n1 Crash up=', 'n1 Restart up=', 'n1 Boot up=n1', 'n1 Crash up=', 'meta fault', 'n1 Restart up=', 'n1 Boot up=n1',
    ]);
  });
});
