// `npm start`: install what the sandbox needs if it is missing, build, then run the sandbox (extra
// args are passed on: `npm start -- --memory --port 9000`).
import { spawnSync } from 'node:child_process';
import { ensureStartDeps } from './ensure-deps.mjs';

ensureStartDeps();
// The sandbox serves the built scripts and runs from dist/; type declarations are for publishing.
const build = spawnSync('node', ['build.mjs', '--no-types'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status || 1);
const { main } = await import('../dist/sandbox/cli.js');
await main(['sandbox', ...process.argv.slice(2)]);
