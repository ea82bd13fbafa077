// The trace viewer's page: one self-contained HTML file (no network, no external script), the view model
// embedded as JSON. Rendering is virtualised: only the rows in (and just around) the visible part of the
// scroll area exist in the DOM, so a 40,000-line trace opens as fast as a short one.
import type { ViewModel } from './model.js';

/** Row height and lane width in CSS pixels (the script uses the same numbers). */
export const ROW_H = 22;
export const LANE_W = 64;

/** JSON safe inside <script>: no `</script>` or `<!--` can end or confuse the element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

const CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #1d2330; background: #fff; height: 100vh; display: flex; flex-direction: column; }
header { display: flex; gap: 10px; align-items: center; padding: 6px 10px; background: #243447; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 13px; margin: 0 8px 0 0; font-weight: 600; }
header input { font: inherit; padding: 3px 6px; width: 260px; border-radius: 3px; border: 1px solid #8899aa; }
header button { font: inherit; padding: 2px 8px; cursor: pointer; }
#count { min-width: 90px; }
#banner { background: #b3261e; color: #fff; padding: 5px 10px; display: none; white-space: pre-wrap; }
#banner button { margin-left: 10px; font: inherit; cursor: pointer; }
main { flex: 1; display: flex; min-height: 0; }
#left { flex: 1; display: flex; flex-direction: column; min-width: 0; }
#lanes { display: flex; border-bottom: 1px solid #c9d1dc; background: #f3f5f8; white-space: nowrap; overflow: hidden; }
#lanes .fixed { flex: none; padding: 4px 6px; font-weight: 600; }
#lanes .lane { flex: none; width: ${LANE_W}px; text-align: center; padding: 4px 0; font-weight: 600; overflow: hidden; text-overflow: ellipsis; }
#lanes .lane.client { color: #6b4fa0; }
#scroll { flex: 1; overflow: auto; position: relative; }
#spacer { position: relative; }
.row { position: absolute; left: 0; height: ${ROW_H}px; display: flex; align-items: center; white-space: nowrap; cursor: pointer; border-bottom: 1px solid #f0f2f5; }
.row:hover { background: #eef4ff; }
.row .tm { flex: none; width: 92px; padding: 0 6px; color: #66707e; text-align: right; }
.row .lb { flex: none; width: 380px; padding: 0 6px; overflow: hidden; text-overflow: ellipsis; }
.row svg { flex: none; display: block; }
.row.f { background: #fde7e4; } .row.f .lb { color: #a4271b; font-weight: 600; }
.row.p { background: #e7eefc; } .row.p .lb { color: #2c4fa3; font-weight: 600; }
.row.c .lb { color: #8a93a0; }
.row.match { background: #fff5c2; }
.row.sel { background: #d5e6ff; outline: 1px solid #4a7fd6; }
.row.div { background: #ffd2cc !important; outline: 2px solid #b3261e; }
#detail { width: 440px; flex: none; border-left: 1px solid #c9d1dc; overflow: auto; padding: 8px 10px; background: #fafbfc; }
#detail h2 { font-size: 12px; margin: 6px 0; }
#detail pre { margin: 0; white-space: pre-wrap; word-break: break-all; }
.legend { font-size: 11px; color: #dfe6ee; }
`;

// Plain JavaScript run by the browser. `M` is the view model (model.ts), ROW_H and LANE_W as above.
const SCRIPT = `
const M = JSON.parse(document.getElementById('model').textContent);
const ROW_H = ${ROW_H}, LANE_W = ${LANE_W}, OVERSCAN = 20;
const nodeCount = M.lanes.filter((l) => l.kind === 'node').length;
const W = M.lanes.length * LANE_W;
// Nodes down at each row: the model gives the list only where it changed.
const downAt = new Array(M.rows.length);
{ let cur = Array.from({ length: nodeCount }, (_, k) => k); for (let r = 0; r < M.rows.length; r++) { if (M.rows[r].d) cur = M.rows[r].d; downAt[r] = cur; } }
const scroll = document.getElementById('scroll'), spacer = document.getElementById('spacer');
spacer.style.height = (M.rows.length * ROW_H) + 'px';
spacer.style.width = (92 + 380 + W) + 'px';
const lanesEl = document.getElementById('lanes');
lanesEl.innerHTML = '<div class="fixed" style="width:92px;text-align:right">t (ms)</div><div class="fixed" style="width:380px">spec action / metadata</div>' +
  M.lanes.map((l) => '<div class="lane ' + l.kind + '" title="' + l.kind + ' ' + l.id + '">' + l.id + '</div>').join('');
scroll.addEventListener('scroll', () => { lanesEl.scrollLeft = scroll.scrollLeft; render(); });
let matches = [], matchSet = new Set(), matchPos = -1, selected = -1;
const divRow = M.divergence ? M.divergence.row : -1;
const esc = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
function laneX(k) { return k * LANE_W + LANE_W / 2; }
function rowSvg(r) {
  const row = M.rows[r];
  let s = '<svg width="' + W + '" height="' + ROW_H + '">';
  for (const k of downAt[r]) s += '<rect x="' + (k * LANE_W + 2) + '" y="0" width="' + (LANE_W - 4) + '" height="' + ROW_H + '" fill="#d9dde3"/>';
  for (let k = 0; k < M.lanes.length; k++) s += '<line x1="' + laneX(k) + '" y1="0" x2="' + laneX(k) + '" y2="' + ROW_H + '" stroke="' + (M.lanes[k].kind === 'client' ? '#cbbce6' : '#c3cad4') + '" stroke-dasharray="' + (downAt[r].includes(k) ? '2,3' : '') + '"/>';
  for (const [a, b] of row.a) {
    const x1 = laneX(a), x2 = laneX(b), dir = x2 > x1 ? -1 : 1;
    s += '<line class="arrow" x1="' + x1 + '" y1="' + (ROW_H / 2) + '" x2="' + (x2 + dir * 5) + '" y2="' + (ROW_H / 2) + '" stroke="#3a6fc4" stroke-width="1.5"/>';
    s += '<path d="M' + x2 + ' ' + (ROW_H / 2) + ' l' + (dir * 7) + ' -4 l0 8 z" fill="#3a6fc4"/>';
  }
  if (row.n >= 0) s += '<circle cx="' + laneX(row.n) + '" cy="' + (ROW_H / 2) + '" r="4.5" fill="' + (row.k === 'e' ? '#1d6b3a' : '#a4271b') + '"/>';
  return s + '</svg>';
}
let lastFirst = -1, lastLast = -1, dirty = true;
function render() {
  const first = Math.max(0, Math.floor(scroll.scrollTop / ROW_H) - OVERSCAN);
  const last = Math.min(M.rows.length, Math.ceil((scroll.scrollTop + scroll.clientHeight) / ROW_H) + OVERSCAN);
  if (!dirty && first === lastFirst && last === lastLast) return;
  lastFirst = first; lastLast = last; dirty = false;
  let h = '';
  for (let r = first; r < last; r++) {
    const row = M.rows[r];
    const cls = 'row ' + row.k + (matchSet.has(r) ? ' match' : '') + (r === selected ? ' sel' : '') + (r === divRow ? ' div' : '');
    h += '<div class="' + cls + '" data-r="' + r + '" style="top:' + (r * ROW_H) + 'px"><span class="tm">' + (row.t >= 0 ? row.t.toFixed(1) : '') + '</span><span class="lb" title="line ' + row.ln + '">' + esc(row.x) + '</span>' + rowSvg(r) + '</div>';
  }
  spacer.innerHTML = h;
}
function show(r) {
  selected = r; dirty = true; render();
  const row = M.rows[r];
  let ev; try { ev = JSON.parse(M.raw[row.ln - 1]); } catch (e) { ev = M.raw[row.ln - 1]; }
  const d = document.getElementById('detail');
  let h = '<h2>line ' + row.ln + (row.k === 'e' ? ' — ' + esc(row.x) : '') + '</h2>';
  if (r === divRow) h += '<h2 style="color:#b3261e">first divergence from ' + esc(M.divergence.spec) + '</h2><pre>' + esc(M.divergence.lines.join('\\n')) + '</pre>';
  if (ev && typeof ev === 'object' && ev.args) h += '<h2>args</h2><pre>' + esc(JSON.stringify(ev.args, null, 1)) + '</pre>';
  if (ev && typeof ev === 'object' && ev.state) h += '<h2>state after the step (spec variables: up' + (ev.state.mailboxes ? ', mail' : '') + ')</h2><pre>' + esc(JSON.stringify(ev.state, null, 1)) + '</pre>';
  else h += '<pre>' + esc(JSON.stringify(ev, null, 1)) + '</pre>';
  h += '<h2>nodes down</h2><pre>' + (downAt[r].map((k) => M.lanes[k].id).join(', ') || '(none)') + '</pre>';
  d.innerHTML = h;
}
function goTo(r) { scroll.scrollTop = Math.max(0, r * ROW_H - scroll.clientHeight / 3); show(r); }
spacer.addEventListener('click', (e) => { const el = e.target.closest('.row'); if (el) show(Number(el.dataset.r)); });
spacer.addEventListener('mouseover', (e) => { if (selected >= 0) return; const el = e.target.closest('.row'); if (el) show(Number(el.dataset.r)); });
const q = document.getElementById('q'), count = document.getElementById('count');
function search() {
  const s = q.value.trim().toLowerCase();
  matches = [];
  if (s !== '') for (let r = 0; r < M.rows.length; r++) if (M.rows[r].x.toLowerCase().includes(s) || M.raw[M.rows[r].ln - 1].toLowerCase().includes(s)) matches.push(r);
  matchSet = new Set(matches); matchPos = -1; dirty = true;
  count.textContent = s === '' ? '' : matches.length + ' match' + (matches.length === 1 ? '' : 'es');
  if (matches.length > 0) step(1); else render();
}
function step(dir) { if (matches.length === 0) return; matchPos = (matchPos + dir + matches.length) % matches.length; count.textContent = (matchPos + 1) + ' / ' + matches.length; goTo(matches[matchPos]); }
q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { if (matches.length > 0 && q.dataset.last === q.value) step(e.shiftKey ? -1 : 1); else { q.dataset.last = q.value; search(); } } });
document.getElementById('next').onclick = () => step(1);
document.getElementById('prev').onclick = () => step(-1);
if (M.divergence) {
  const b = document.getElementById('banner');
  b.style.display = 'block';
  b.textContent = 'Not a behaviour of ' + M.divergence.spec + ': ' + M.divergence.lines[0];
  const go = document.createElement('button'); go.textContent = 'go to the first divergence'; go.onclick = () => goTo(divRow); b.appendChild(go);
}
window.addEventListener('resize', () => { dirty = true; render(); });
render();
if (M.divergence) goTo(divRow);
document.body.dataset.ready = 'true';
`;

export function renderPage(model: ViewModel): string {
  const events = model.rows.filter((r) => r.k === 'e').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(model.title)} — porcupine trace view</title>
<style>${CSS}</style></head>
<body>
<header><h1>${escapeHtml(model.title)}</h1><span>${events} events, ${model.rows.length} rows, ${model.lanes.length} lanes</span>
<input id="q" placeholder="search: message id, user, action… (Enter)" autocomplete="off"><button id="prev" title="previous match">▲</button><button id="next" title="next match">▼</button><span id="count"></span>
<span class="legend">● acting node · → message · grey lane: node down · red rows: faults · blue rows: phases</span></header>
<div id="banner"></div>
<main><div id="left"><div id="lanes"></div><div id="scroll"><div id="spacer"></div></div></div>
<aside id="detail"><h2>Click a row (or hover) to see its arguments and the state after the step.</h2></aside></main>
<script type="application/json" id="model">${scriptJson(model)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
