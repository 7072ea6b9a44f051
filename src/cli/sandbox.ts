// `affitor-tracker sandbox`: the local sandbox's own command line (src/sandbox/cli.ts), unchanged.
// build.mjs keeps this import external, so dist/cli/sandbox.js loads dist/sandbox/cli.js and the
// sandbox ships once.
import { main } from '../sandbox/cli.js';

/** Starts the sandbox (resolves once it listens; the process then runs until Ctrl-C/SIGTERM). */
export async function run(argv: string[]): Promise<number> {
  await main(['sandbox', ...argv]);
  // The sandbox reports a failure to start through process.exitCode.
  return Number(process.exitCode ?? 0);
}
