// Materialises the two revisions an audit compares, each in its own temporary git worktree, and builds
// them there, so the user's working tree, index and dist/ are never touched (issue 12). The working tree
// itself is a revision too: it is snapshotted into a commit object through a private index file
// (GIT_INDEX_FILE), which sees tracked and untracked-but-not-ignored files exactly as `git add -A` would,
// without changing the user's index.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class AuditUsageError extends Error {}

/** One side of the audit, built and ready to run. */
export interface BuiltRevision {
  /** What the user named ("main", "HEAD~1", "working tree"). */
  readonly label: string;
  /** The commit checked out (for the working tree: a snapshot commit that exists only in the object store). */
  readonly commit: string;
  /** The worktree folder; `dist/src/cli/main.js` is its `porcupine`. */
  readonly dir: string;
  readonly cli: string;
}

export const WORKING_TREE = 'working tree';

function git(repo: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The git object id of `path` (a folder or file) in the revision's commit, or undefined when it is absent. */
export function treeIdOf(rev: BuiltRevision, path: string): string | undefined {
  try {
    return git(rev.dir, ['rev-parse', '--verify', '--quiet', `${rev.commit}:${path}`]);
  } catch {
    return undefined;
  }
}

export function repoRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new AuditUsageError(`${cwd} is not inside a git repository`);
  }
}

/** The commit a revision name stands for, or a usage error naming it. */
export function resolveCommit(repo: string, rev: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  } catch {
    throw new AuditUsageError(`unknown revision '${rev}' (not a commit in ${repo})`);
  }
}

/** The default BASE: the merge base of HEAD with `main` (or with HEAD itself when there is no main). */
export function defaultBase(repo: string): string {
  for (const candidate of ['main', 'origin/main', 'master']) {
    try {
      resolveCommit(repo, candidate);
      return git(repo, ['merge-base', 'HEAD', candidate]);
    } catch {
      // try the next name
    }
  }
  return resolveCommit(repo, 'HEAD');
}

/** A commit holding the working tree as it is (tracked changes and untracked, unignored files). */
export function snapshotWorkingTree(repo: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'porcupine-audit-index-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(scratch, 'index') };
    git(repo, ['read-tree', 'HEAD'], env);
    git(repo, ['add', '-A'], env);
    const tree = git(repo, ['write-tree'], env);
    const head = resolveCommit(repo, 'HEAD');
    const who = { ...env, GIT_AUTHOR_NAME: 'porcupine audit', GIT_AUTHOR_EMAIL: 'audit@localhost', GIT_COMMITTER_NAME: 'porcupine audit', GIT_COMMITTER_EMAIL: 'audit@localhost' };
    return git(repo, ['commit-tree', tree, '-p', head, '-m', 'porcupine audit: working tree snapshot'], who);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Checks `commit` out into a fresh temporary worktree and builds it. node_modules is shared with the user's
 * checkout when both lock files agree (a link, so a build costs about a second); otherwise `npm ci` runs there.
 */
export function buildRevision(repo: string, label: string, commit: string, workRoot: string, log: (line: string) => void): BuiltRevision {
  const dir = mkdtempSync(join(workRoot, 'rev-'));
  rmSync(dir, { recursive: true, force: true });
  git(repo, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
  const lock = (d: string): string => (existsSync(join(d, 'package-lock.json')) ? readFileSync(join(d, 'package-lock.json'), 'utf8') : '');
  // A checkout whose node_modules is itself a link (committed by mistake, or snapshotted) gets a fresh one.
  const modules = join(dir, 'node_modules');
  if (existsSync(modules) || isLink(modules)) rmSync(modules, { recursive: true, force: true });
  if (existsSync(join(repo, 'node_modules')) && lock(repo) === lock(dir)) {
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } else {
    log(`${label}: package-lock.json differs from the checkout's: running npm ci (slow)`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (ci.status !== 0) throw new Error(`${label}: npm ci failed in ${dir}:\n${ci.stderr.slice(-2000)}`);
  }
  const tsc = join(dir, 'node_modules', '.bin', 'tsc');
  const build = spawnSync(tsc, ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (build.status !== 0) {
    throw new Error(`${label} (${commit.slice(0, 10)}) does not build:\n${(build.stdout + build.stderr).slice(-3000)}`);
  }
  return { label, commit, dir, cli: join(dir, 'dist', 'src', 'cli', 'main.js') };
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Removes the worktrees (and their registrations) an audit made. */
export function removeRevision(repo: string, rev: BuiltRevision): void {
  try {
    git(repo, ['worktree', 'remove', '--force', rev.dir]);
  } catch {
    rmSync(rev.dir, { recursive: true, force: true });
    try {
      git(repo, ['worktree', 'prune']);
    } catch {
      // nothing more to do: the folder is gone
    }
  }
}
