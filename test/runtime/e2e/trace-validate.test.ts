// Issue 8: a real cluster's run is a behaviour of spec/MailStore.tla. Three node processes write NDJSON traces
// (--trace), real clients deliver (curl, smtplib-like wire client) and retrieve and delete (Python poplib); the
// nodes stop, and the per-node files are merged (src/conformance/runtime-traces.ts: by the host's monotonic
// clock) and validated through the same path as `porcupine tla validate spec/MailStore.tla TRACE...`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSimTrace } from '../../../src/conformance/index.js';
import { mergeRuntimeTraces } from '../../../src/conformance/runtime-traces.js';
import { cliJs, curlSend, eventually, pythonPopAll, repoRoot, rfc822, run, TestCluster } from './harness.js';
import { smtpSend } from './wire-client.js';

let c: TestCluster;
const ids = ['n1', 'n2', 'n3'];

beforeAll(async () => {
  c = await TestCluster.start({ nodes: 3, replicas: 2, ackReplicas: 2, traces: true });
  await c.addUser('dave', 'dave-pw');
}, 90_000);

afterAll(async () => {
  await c?.stop();
});

describe('runtime traces against spec/MailStore.tla', () => {
  it('the merged traces of a 3-node run with deliveries and POP deletes are a behaviour of MailStore', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const n = c.node(ids[i % 3]);
      const body = `traced-${i}`;
      await eventually(`250 for ${body}`, async () => ((await smtpSend(n.host, n.smtp, 'dave@example.org', body)) === 250 ? true : undefined), 30_000, 300);
      sent.push(body);
    }
    const n3 = c.node('n3');
    const curl = curlSend(n3.host, n3.smtp, 'dave@example.org', rfc822('curl', 'traced-curl', 'traced-curl@example.com'));
    expect(curl.status, curl.stderr).toBe(0);
    const n2 = c.node('n2');
    const got = await eventually('every message listed', () => {
      const r = pythonPopAll(n2.host, n2.pop3, 'dave', 'dave-pw');
      return r.ok && r.bodies.length >= 5 ? r : undefined;
    }, 30_000, 500);
    expect(got.bodies.length).toBe(5);
    const del = pythonPopAll(n2.host, n2.pop3, 'dave', 'dave-pw', true);
    expect(del.ok, del.error).toBe(true);
    await c.stopNodes();

    const files = ids.map((id) => ({ name: `${id}.trace.ndjson`, text: readFileSync(c.traceFile(id), 'utf8') }));
    const merged = mergeRuntimeTraces(files);
    expect(merged.orderedBy).toBe('mono');
    const actions = merged.trace.lines.flatMap((l) => ('event' in l ? [l.event] : []));
    // The run exercised the spec's durable steps: message copies, tombstones, and 250s.
    expect(actions.filter((e) => e.action === 'ReplPersist' && e.args.kind === 'message').length).toBeGreaterThanOrEqual(10);
    expect(actions.filter((e) => e.action === 'ReplPersist' && e.args.kind === 'tombstone').length).toBeGreaterThanOrEqual(10);
    expect(actions.filter((e) => e.action === 'Ack' && e.args.code === 250).length).toBeGreaterThanOrEqual(5);
    const v = await validateSimTrace(join(repoRoot, 'spec/MailStore.tla'), merged.trace);
    expect(v.result.ok, JSON.stringify(v.result.ok ? '' : v.result.failure).slice(0, 2000)).toBe(true);

    // The command line takes the node files as they are.
    const cli = run(process.execPath, [cliJs, 'tla', 'validate', join(repoRoot, 'spec/MailStore.tla'), ...ids.map((id) => c.traceFile(id))], undefined, 120_000);
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/Trace is a behaviour of MailStore/);
  }, 150_000);
});
