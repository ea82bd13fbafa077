// Shared helpers for the TLA+ back-end tests: the repository root and the conformance suite
// (../shared/tla-conformance), both from test/support/paths.ts.
export { REPO_ROOT as repoRoot, conformanceDir } from '../../support/paths.js';
