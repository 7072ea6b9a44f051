#!/usr/bin/env node
// The package's command: `affitor-tracker sandbox [options]` (see `affitor-tracker sandbox --help`).
// The sandbox is built to dist/sandbox/cli.js; a clone needs `npm run build` first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/sandbox/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('affitor-tracker: dist/sandbox/cli.js is missing. In a clone of the repository run `npm run build` first.');
  process.exit(1);
}
const { main } = await import(cli.href);
await main(process.argv.slice(2));
