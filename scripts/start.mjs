// `npm start`: install dependencies if needed, build, then run the sandbox (extra args are passed on:
// `npm start -- --memory --port 9000`).
import { spawnSync } from 'node:child_process';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();
const build = spawnSync('node', ['build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status || 1);
const { main } = await import('../dist/sandbox/cli.js');
await main(['sandbox', ...process.argv.slice(2)]);
