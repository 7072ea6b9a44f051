// A fresh clone has no node_modules: `npm start` and `npm test` install them first (with `npm ci`
// when the lock file is there, so the versions are the tested ones), so a newcomer needs no third command.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function ensureDeps() {
  if (existsSync('node_modules/.package-lock.json')) return;
  const args = existsSync('package-lock.json') ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  console.log(`No node_modules yet: running npm ${args[0]} (one time; the sandbox's SQLite module compiles, ~1–2 min).`);
  const { status } = spawnSync('npm', args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`npm ${args[0]} failed (exit ${status}).`);
    process.exit(status || 1);
  }
}
