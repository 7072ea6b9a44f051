#!/usr/bin/env node
// The package's command: `affitor-tracker <command> [options]`. Each command is its own module,
// dist/cli/<command>.js (built from src/cli/<command>.ts), exporting `run(argv)` → exit code, so a
// command loads only what it needs. A clone needs `npm run build` first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMMANDS = {
  sandbox: 'run the local Affitor-compatible sandbox API, demo storefront and console',
  init: 'add Affitor tracking to a project: detects the stack, shows the edits as a diff, writes them on --yes',
  verify: 'run the test chain click → lead → sale → refund in test mode, then show each readiness gate',
  doctor: "check a deployed page's integration (read-only) and say how to fix each finding",
  mcp: 'a Model Context Protocol server on stdio for coding agents (plan, dry run, verify, readiness, track calls)',
};

const usage = `Usage: affitor-tracker <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, summary]) => `  ${name.padEnd(9)} ${summary}`)
  .join('\n')}

Every command takes --help; see the README's "Command line" section for --json and exit codes.`;

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(usage);
  // Exit code 2 (usage) when no command was given; asking for help succeeded.
  process.exit(command === undefined ? 2 : 0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  console.error(`affitor-tracker: unknown command "${command}".\n\n${usage}`);
  process.exit(2);
}

const module = new URL(`../dist/cli/${command}.js`, import.meta.url);
if (!existsSync(fileURLToPath(module))) {
  console.error(`affitor-tracker: dist/cli/${command}.js is missing. In a clone of the repository run \`npm run build\` first.`);
  process.exit(1);
}
const { run } = await import(module.href);
// Not process.exit(): a command may leave a server running (sandbox, mcp), and stdout must flush.
process.exitCode = await run(rest);
