// A fresh clone has no node_modules: `npm start` and `npm test` install them first (with `npm ci`
// when the lock file is there, so the versions are the tested ones), so a newcomer needs no third command.
// The sandbox's SQLite is Node's own node:sqlite (Node 24, Node 22 from 22.16): nothing to compile.
// Only an older Node needs better-sqlite3, a native module that is not in devDependencies (it
// would compile on every fresh install, on every Node): ensureSqlite installs it there, once.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

export function ensureDeps() {
  if (!existsSync('node_modules/.package-lock.json')) {
    const args = existsSync('package-lock.json') ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
    console.log(`No node_modules yet: running npm ${args[0]} (one time).`);
    npm(args);
  }
  ensureSqlite();
}

/** Whether this Node's node:sqlite has what the sandbox uses (src/sandbox/sqlite.ts checks the same). */
function hasNodeSqlite() {
  const emit = process.emitWarning;
  process.emitWarning = () => {}; // "SQLite is an experimental feature": not news for this check
  try {
    const { DatabaseSync, StatementSync } = createRequire(import.meta.url)('node:sqlite');
    return typeof DatabaseSync.prototype.aggregate === 'function' && typeof StatementSync?.prototype.setAllowUnknownNamedParameters === 'function';
  } catch {
    return false;
  } finally {
    process.emitWarning = emit;
  }
}

function ensureSqlite() {
  if (hasNodeSqlite() || existsSync('node_modules/better-sqlite3/package.json')) return;
  const range = JSON.parse(readFileSync('package.json', 'utf8')).peerDependencies['better-sqlite3'];
  console.log(
    `Node ${process.versions.node} has no usable node:sqlite (Node 24 and Node 22.16+ do), so the sandbox needs better-sqlite3:\n` +
      `installing better-sqlite3@${range} (one time; a native module, it may compile for a few minutes). Node 22 or 24 skips this.`,
  );
  // --save-dev installs it (a root's optional peer alone is not installed); --no-save keeps
  // package.json and the lock file as they are.
  npm(['install', '--no-save', '--save-dev', '--no-audit', '--no-fund', `better-sqlite3@${range}`]);
}

function npm(args) {
  const { status } = spawnSync('npm', args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`npm ${args[0]} failed (exit ${status}).`);
    process.exit(status || 1);
  }
}
