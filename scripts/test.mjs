// `npm test`: install dependencies if needed, build, type-check, unit tests, then browser tests. Stops at the first failing stage.
import { spawnSync } from 'node:child_process';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();

const stages = [
  ['build', 'node', ['build.mjs']],
  ['typecheck', 'npx', ['tsc', '--noEmit']],
  ['import cycles (src/)', 'node', ['scripts/check-cycles.mjs']],
  ['citations (docs/protocol.md)', 'node', ['scripts/check-citations.mjs']],
  ['lint (oxlint, type-aware)', 'npx', ['oxlint', '--type-aware', '--deny-warnings']],
  ['package (publint, attw, pack list)', 'node', ['scripts/check-package.mjs']],
  ['docs site (vitepress build, link check, llms.txt)', 'node', ['scripts/docs.mjs']],
  ['unit tests (vitest)', 'npx', ['vitest', 'run']],
  ['unit, CLI and sandbox tests on Node 22 and 24', 'node', ['scripts/other-nodes.mjs']],
  ['browser (ensure chromium)', 'node', ['scripts/ensure-chromium.mjs']],
  ['browser tests (playwright)', 'npx', ['playwright', 'test']],
];

for (const [name, cmd, args] of stages) {
  console.log(`\n=== ${name} ===`);
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' });
  if (status !== 0) {
    console.error(`\n${name} failed (exit ${status}).`);
    process.exit(status || 1);
  }
}
console.log('\nAll test stages passed.');
