// Parsed files kept on disk between processes. Every test file and every `porcupine tla` command is a fresh
// process, and its first tree-sitter parse of a spec costs about a second (the grammar's WebAssembly is
// compiled on first use), far more than reading back the AST it produced. An entry is the file's modules and
// its interning order (v8 serialisation: the AST is plain data), keyed by the file's name and text and by
// the parser's own code and grammar, so a change to either starts afresh. Any error reading or writing the
// cache falls back to parsing. PORCUPINE_PARSE_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { Module } from './ast.js';

export interface ParsedEntry {
  readonly modules: Module[];
  readonly tokens: readonly string[];
}

let version: string | undefined;

/** The parser's code (this folder) and the grammar's and runtime's versions. */
function parserVersion(): string {
  if (version === undefined) {
    const h = createHash('sha256');
    const dir = path.dirname(fileURLToPath(import.meta.url));
    for (const f of readdirSync(dir).sort()) if (/\.(ts|js)$/.test(f)) h.update(f).update(readFileSync(path.join(dir, f)));
    const require = createRequire(import.meta.url);
    h.update(JSON.stringify((require('@tlaplus/tree-sitter-tlaplus/package.json') as { version?: string }).version));
    // web-tree-sitter exports no package.json: its runtime and the grammar are told apart by their sizes.
    for (const wasm of ['@tlaplus/tree-sitter-tlaplus/tree-sitter-tlaplus.wasm', 'web-tree-sitter/web-tree-sitter.wasm']) h.update(String(statSync(require.resolve(wasm)).size));
    version = h.digest('hex');
  }
  return version;
}

function enabled(): boolean {
  return process.env.PORCUPINE_PARSE_CACHE !== '0';
}

function entryPath(file: string, text: string): string {
  const key = createHash('sha256').update(parserVersion()).update(file).update('\0').update(text).digest('hex');
  return path.join(os.tmpdir(), `porcupine-tla-parse-${process.getuid?.() ?? 0}`, `${key}.v8`);
}

export function readParsed(file: string, text: string): ParsedEntry | undefined {
  if (!enabled()) return undefined;
  try {
    const e = deserialize(readFileSync(entryPath(file, text))) as ParsedEntry;
    return Array.isArray(e.modules) && Array.isArray(e.tokens) ? e : undefined;
  } catch {
    return undefined;
  }
}

export function writeParsed(file: string, text: string, entry: ParsedEntry): void {
  if (!enabled()) return;
  try {
    const p = entryPath(file, text);
    mkdirSync(path.dirname(p), { recursive: true });
    // Written aside and renamed: a process reading at the same time sees the whole entry or none.
    const tmp = `${p}.${process.pid}.tmp`;
    writeFileSync(tmp, serialize(entry));
    renameSync(tmp, p);
    prune(path.dirname(p));
  } catch {
    // A read-only or full temporary folder: parse next time.
  }
}

/** Entries kept: tests write variants of specs in scratch folders, each a new entry; the oldest go first. */
const KEEP = 256;

function prune(dir: string): void {
  const names = readdirSync(dir).filter((f) => f.endsWith('.v8'));
  if (names.length <= KEEP) return;
  const byAge = names.map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { f } of byAge.slice(0, names.length - KEEP / 2)) rmSync(path.join(dir, f), { force: true });
}
