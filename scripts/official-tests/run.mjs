// `npm run test:official`: the official Affitor SDK's own tests (affitor-sdk browser, React and
// server; @affitor/node), taken at test time from a local snapshot of the public Affitor/cli
// repository and run against our built entries in jsdom. A measurement, not part of `npm test`:
// CI cannot fetch that repository, so without the snapshot it explains and exits 0. The
// behaviours these tests found are pinned by our own tests (test/stand-ins/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMMIT = '6847bb5';
const PATHS = ['packages/sdk/tests', 'packages/node/tests'];
const root = fileURLToPath(new URL('../..', import.meta.url));
const gitDir = process.env.AFFITOR_CLI_GIT_DIR ?? '/work/.mirror/Affitor+cli/repo';
const target = `${root}.official-tests`;
const report = `${target}/results.json`;

const run = (cmd, args, options = {}) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...options });

if (!existsSync(gitDir) || run('git', ['--git-dir', gitDir, 'cat-file', '-e', `${COMMIT}^{commit}`]).status !== 0) {
  console.log(
    `test:official skipped: no snapshot of github.com/Affitor/cli holding commit ${COMMIT} at ${gitDir}.\n` +
      'Clone it (git clone --bare https://github.com/Affitor/cli) and point AFFITOR_CLI_GIT_DIR at the git directory.',
  );
  process.exit(0);
}

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const archive = run('git', ['--git-dir', gitDir, 'archive', '--format=tar', COMMIT, ...PATHS], { encoding: 'buffer', maxBuffer: 1 << 26 });
if (archive.status !== 0) throw new Error(`git archive failed: ${archive.stderr}`);
const untar = run('tar', ['-x', '-C', target], { input: archive.stdout });
if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);

if (!process.argv.includes('--no-build')) {
  const build = run('node', ['build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

run('npx', ['vitest', 'run', '--config', 'scripts/official-tests/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
  stdio: 'inherit',
});
if (!existsSync(report)) {
  console.error('test:official: vitest wrote no results; see its output above.');
  process.exit(1);
}
const results = JSON.parse(readFileSync(report, 'utf8'));
const tests = results.testResults.flatMap((file) =>
  file.assertionResults.map((test) => ({ file: file.name.slice(target.length + 1), name: test.fullName, status: test.status, failure: test.failureMessages?.[0] })),
);
const failed = tests.filter((test) => test.status !== 'passed');
const loadErrors = results.testResults.filter((file) => file.assertionResults.length === 0);
console.log(`\nOfficial SDK tests (Affitor/cli@${COMMIT}) against our entries: ${tests.length - failed.length} of ${tests.length} passing.`);
for (const test of failed) console.log(`  FAIL ${test.file} › ${test.name}\n       ${(test.failure ?? test.status).split('\n')[0]}`);
for (const file of loadErrors) console.log(`  FILE FAILED TO RUN ${file.name}: ${file.message?.split('\n')[0]}`);
