// A fresh clone has no node_modules. `npm test` installs them all first (with `npm ci`, so the versions
// are the tested ones). `npm start` only builds and runs the sandbox, which needs the build's own packages
// and no runtime package: on a fresh clone it installs just those (the start kit, seconds instead of the
// whole test toolchain's minutes), at the versions the lock file pins.
// The sandbox's SQLite is Node's own node:sqlite (Node 24, Node 22 from 22.16): nothing to compile.
// Only an older Node needs better-sqlite3, a native module that is not in devDependencies (it
// would compile on every fresh install, on every Node): it is installed there, once.
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const FULL_INSTALL_MARKER = 'node_modules/.package-lock.json';
const START_KIT = 'node_modules/.cache/start-kit';
// What build.mjs imports, and recast, which it bundles into the command line.
export const START_KIT_PACKAGES = ['esbuild', 'terser', 'recast'];

/** Every dependency (`npm test`, and `npm start` once they are there). */
export function ensureDeps() {
  if (!existsSync(FULL_INSTALL_MARKER)) {
    const args = existsSync('package-lock.json') ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
    console.log(`No node_modules yet: running npm ${args[0]} (one time).`);
    npm(args);
  }
  if (!hasNodeSqlite() && !existsSync('node_modules/better-sqlite3/package.json')) {
    announceBetterSqlite();
    // --save-dev installs it (a root's optional peer alone is not installed); --no-save keeps
    // package.json and the lock file as they are.
    npm(['install', '--no-save', '--save-dev', '--no-audit', '--no-fund', `better-sqlite3@${betterSqliteRange()}`]);
  }
}

/** What `npm start` needs: the full install when it is there, else the start kit. */
export function ensureStartDeps() {
  if (existsSync(FULL_INSTALL_MARKER)) return ensureDeps();
  const wanted = START_KIT_PACKAGES.filter((name) => !existsSync(`node_modules/${name}/package.json`)).map((name) => `${name}@${lockedVersion(name)}`);
  const needsSqlite = !hasNodeSqlite() && !existsSync('node_modules/better-sqlite3/package.json');
  if (needsSqlite) {
    announceBetterSqlite();
    wanted.push(`better-sqlite3@${betterSqliteRange()}`);
  }
  if (wanted.length === 0) return;
  console.log(`No node_modules yet: installing what the sandbox needs (${wanted.join(', ')}); \`npm test\` installs the rest.`);
  // A prefix of its own, so npm does not install the whole lock file's tree; each package is then
  // linked into node_modules, where build.mjs and the sandbox resolve it (`npm ci` replaces it all).
  // esbuild's install script only checks its binary (it runs without it); better-sqlite3's compiles.
  const scripts = needsSqlite ? [] : ['--ignore-scripts'];
  npm(['install', '--prefix', START_KIT, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', ...scripts, ...wanted]);
  for (const spec of wanted) {
    const name = spec.slice(0, spec.lastIndexOf('@'));
    if (!existsSync(`node_modules/${name}`)) symlinkSync(resolve(START_KIT, 'node_modules', name), `node_modules/${name}`, 'dir');
  }
}

function lockedVersion(name) {
  return JSON.parse(readFileSync('package-lock.json', 'utf8')).packages[`node_modules/${name}`].version;
}

function betterSqliteRange() {
  return JSON.parse(readFileSync('package.json', 'utf8')).peerDependencies['better-sqlite3'];
}

function announceBetterSqlite() {
  console.log(
    `Node ${process.versions.node} has no usable node:sqlite (Node 24 and Node 22.16+ do), so the sandbox needs better-sqlite3:\n` +
      `installing better-sqlite3@${betterSqliteRange()} (one time; a native module, it may compile for a few minutes). Node 22 or 24 skips this.`,
  );
  mkdirSync('node_modules', { recursive: true });
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

function npm(args) {
  const { status } = spawnSync('npm', args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`npm ${args[0]} failed (exit ${status}).`);
    process.exit(status || 1);
  }
}
