// The trace viewer (porcupine trace view) in a real browser: Debian's chromium, headless, driven by
// playwright-core. Every kept trace of traces/ renders; the page is a sequence diagram (a lane per node and
// per client, arrows, shaded down nodes, spec action labels), a click shows a row's state, the search box
// finds a message id, a trace that fails validation opens on its first divergence, and a 40,000-line trace
// keeps only the visible rows in the DOM.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, runSimulation } from '../../src/sim/index.js';
import { runCli } from '../cli/run-cli.js';
import { REPO_ROOT } from '../../properties/support/failure-trace.js';

const kept = readdirSync(path.join(REPO_ROOT, 'traces')).filter((f) => f.endsWith('.ndjson')).sort();
const dir = mkdtempSync(path.join(os.tmpdir(), 'trace-view-'));

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Writes the page for a trace file with the real CLI; returns its path. */
function view(trace: string, name: string, extra: readonly string[] = []): string {
  const out = path.join(dir, `${name}.html`);
  const r = runCli(['trace', 'view', trace, '-o', out, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return out;
}

async function open(html: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Self-contained: any request other than the page itself is a bug.
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, errors };
}

describe('porcupine trace view in headless chromium', () => {
  for (const file of kept) {
    it(`renders traces/${file}: lanes, labelled rows, arrows, no script error`, async () => {
      const trace = path.join(REPO_ROOT, 'traces', file);
      const header = JSON.parse(readFileSync(trace, 'utf8').split('\n')[0]) as { constants: { Nodes: string[] } };
      const { page, errors } = await open(view(trace, file.replace('.ndjson', '')));
      const lanes = await page.$$eval('#lanes .lane.node', (els) => els.map((e) => e.textContent));
      expect(lanes.slice(0, header.constants.Nodes.length)).toEqual(header.constants.Nodes);
      expect(await page.$$eval('#lanes .lane.client', (els) => els.length)).toBeGreaterThan(0);
      expect(await page.$$eval('.row .lb', (els) => els.some((e) => /^Boot\("n1"\)$/.test(e.textContent ?? '')))).toBe(true);
      expect(await page.$$eval('svg line.arrow', (els) => els.length)).toBeGreaterThan(0);
      expect(await page.isVisible('#banner')).toBe(false); // valid: no divergence
      if (file === 'node-faults-r2-5-nodes.ndjson') {
        await page.click('.row[data-r="5"]');
        expect(await page.textContent('#detail')).toMatch(/state after the step/);
        await page.screenshot({ path: path.join(dir, 'node-faults-r2-5-nodes.png') });
        if (process.env.VIEWER_SCREENSHOT) await page.screenshot({ path: process.env.VIEWER_SCREENSHOT });
        // The disk loss of n3: the search scrolls to its fault line (a fault row), and the Restart after it is
        // labelled as the spec action Restart(n, TRUE).
        await page.fill('#q', 'loseDisk');
        await page.press('#q', 'Enter');
        expect(await page.textContent('#count')).toBe('1 / 1');
        expect(await page.$$eval('.row.f .lb', (els) => els.map((e) => e.textContent))).toContain('fault {"kind":"loseDisk","atMs":3000,"node":"n3"}');
        expect(await page.$$eval('.row .lb', (els) => els.map((e) => e.textContent))).toContain('Restart("n3",true)');
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('the search box finds a message id and scrolls to it; a click shows its arguments', async () => {
    const trace = path.join(REPO_ROOT, 'traces/no-faults-3-nodes.ndjson');
    const lines = readFileSync(trace, 'utf8').split('\n');
    const deliver = lines.map((l) => (l.includes('"action":"Deliver"') ? (JSON.parse(l) as { args: { msgId: string } }) : undefined)).find((x) => x !== undefined);
    const id = deliver!.args.msgId; // eslint-disable-line @typescript-eslint/no-non-null-assertion
    const expected = lines.filter((l, k) => k > 0 && l.includes(id)).length;
    const { page, errors } = await open(view(trace, 'search'));
    await page.fill('#q', id);
    await page.press('#q', 'Enter');
    expect(await page.textContent('#count')).toBe(`1 / ${expected}`);
    expect(await page.$$eval('.row.match', (els) => els.length)).toBeGreaterThan(0);
    expect(await page.textContent('#detail')).toContain(id);
    await page.press('#q', 'Enter');
    expect(await page.textContent('#count')).toBe(`2 / ${expected}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a trace that is not a behaviour of MailStore opens on its first divergence, highlighted and explained', async () => {
    const raw = readFileSync(path.join(REPO_ROOT, 'traces/no-faults-3-nodes.ndjson'), 'utf8').split('\n');
    const k = raw.findIndex((l) => l.includes('"action":"ReplPersist"') && l.includes('"kind":"message"'));
    const bad = path.join(dir, 'tampered.ndjson');
    writeFileSync(bad, raw.map((l, j) => (j === k ? l.replace('"kind":"message"', '"kind":"tombstone"') : l)).join('\n'));
    const r = runCli(['trace', 'view', bad, '-o', path.join(dir, 'tampered.html')]);
    expect(r.stdout).toContain(`diverges from MailStore at line ${k + 1}`);
    const { page, errors } = await open(path.join(dir, 'tampered.html'));
    expect(await page.isVisible('#banner')).toBe(true);
    expect(await page.textContent('#banner')).toContain(`Trace validation failed at line ${k + 1}`);
    const div = await page.$('.row.div');
    expect(div).not.toBeNull();
    expect(await div!.$eval('.lb', (e) => e.getAttribute('title'))).toBe(`line ${k + 1}`); // eslint-disable-line @typescript-eslint/no-non-null-assertion
    expect(await div!.isVisible()).toBe(true); // eslint-disable-line @typescript-eslint/no-non-null-assertion
    expect(await page.textContent('#detail')).toContain('first divergence from MailStore');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a 40,000-line trace keeps only the visible rows in the DOM, and scrolling reaches its last line', async () => {
    const lines: string[] = [];
    runSimulation(makeConfig({ seed: 7, nodes: 5, users: 200, messages: 2800, faults: { lossRate: 0.02, dupRate: 0.02, reorderRate: 0.05 } }), {
      trace: { sink: (l) => lines.push(l), version: 'viewer-test' },
    });
    expect(lines.length).toBeGreaterThanOrEqual(40_000);
    const big = path.join(dir, 'big.ndjson');
    writeFileSync(big, lines.join('\n') + '\n');
    const { page, errors } = await open(view(big, 'big', ['--no-validate']));
    const rendered = await page.$$eval('.row', (els) => els.length);
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    await page.$eval('#scroll', (e) => (e.scrollTop = e.scrollHeight));
    const lastRow = lines.length - 2; // rows are the lines after the header, 0-based
    await page.waitForSelector(`.row[data-r="${lastRow}"]`, { timeout: 10_000 });
    expect(await page.$$eval('.row', (els) => els.length)).toBeLessThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });
});
