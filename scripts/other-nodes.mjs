// `npm test`'s stage after the unit tests: the unit, CLI and sandbox suites again on the Node LTS lines other than
// the one running (the full suite, browsers included, runs on this one). Node 22 and 24 come from the
// npm registry's `node` package, installed once into node_modules/.cache; on them the sandbox runs
// on node:sqlite, while an older Node here ran it on better-sqlite3, so both drivers are tested.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';

const LINES = [22, 24];
const SUITES = ['test/core', 'test/shared', 'test/server', 'test/cli', 'test/sandbox'];
// Builds of real framework apps run the framework's own toolchain, once, on the first Node.
const EXCLUDED = ['test/cli/init/build.test.ts'];

const current = Number(process.versions.node.split('.')[0]);
for (const major of LINES.filter((line) => line !== current)) {
  const prefix = resolve(`node_modules/.cache/node${major}`);
  const bin = join(prefix, 'node_modules', '.bin');
  if (!existsSync(join(bin, 'node'))) {
    console.log(`Installing Node ${major} from the npm registry into ${prefix} (one time)…`);
    const install = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${major}`], { stdio: 'inherit' });
    if (install.status !== 0) process.exit(install.status || 1);
  }
  const node = join(bin, 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n--- Node ${version}: ${SUITES.join(' ')} ---`);
  // PATH first, so what the tests spawn (process.execPath, npx) runs on the same Node.
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` };
  const run = spawnSync(node, ['node_modules/vitest/vitest.mjs', 'run', ...SUITES, ...EXCLUDED.flatMap((file) => ['--exclude', file])], { stdio: 'inherit', env });
  if (run.status !== 0) {
    console.error(`Node ${version}: the suites failed (exit ${run.status}).`);
    process.exit(run.status || 1);
  }
}
