// `affitor-tracker init [dir]`: detect the stack, show the integration as a diff, write it on --yes
// or on confirmation. The edits themselves live in ./init/ (one module per stack or edit).
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_PROGRAM_ID } from '../sandbox/admin.js';
import { DEFAULT_PORT } from '../sandbox/server.js';
import { planInit } from './init/plan.js';
import type { InitOptions, InitPlan } from './init/types.js';

export { planInit };
export type { InitOptions, InitPlan, PlannedChange, SkippedEdit, StackName } from './init/types.js';

/** Development defaults: the local sandbox (`npx affitor-tracker sandbox`). */
export const SANDBOX_API = `http://localhost:${DEFAULT_PORT}`;
export const DEFAULT_OPTIONS: InitOptions = { programId: String(DEFAULT_PROGRAM_ID), api: SANDBOX_API };

export const EXIT = {
  /** Written (or nothing to change, or a dry run), nothing refused. */
  ok: 0,
  /** The project could not be read or written. */
  failed: 1,
  /** Bad arguments. */
  usage: 2,
  /** Some edits were refused or not found (listed under "Not done"): finish those by hand. */
  incomplete: 3,
  /** Changes were planned but not written: no terminal to confirm and no --yes, or declined. */
  notWritten: 4,
} as const;

export const USAGE = `Usage: affitor-tracker init [dir] [options]

Adds Affitor tracking to the project in dir (default: the current directory): the script tag or
the React provider, the server-side lead after signup, Stripe Checkout metadata and the webhook
sale, and the .env entries (with .env in .gitignore). Shows the edits as a diff first.

Options:
  --program-id N   your Affitor program id           (default ${DEFAULT_PROGRAM_ID}, the sandbox's)
  --api URL        the Affitor API origin             (default ${SANDBOX_API}, the local sandbox)
  --yes, -y        write without asking
  --dry-run        show the diff, write nothing
  --json           print {stack, changes, skipped} as JSON, nothing else
  --help, -h       this text

Exit codes: 0 done (or nothing to change), 1 failed, 2 bad arguments, 3 some edits were refused
or not found (see "Not done"), 4 changes not written (no --yes and no terminal, or declined).`;

interface Args {
  dir: string;
  options: InitOptions;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  help: boolean;
}

function parse(argv: string[]): Args {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'program-id': { type: 'string' },
      api: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`one project directory at most, got ${positionals.length}`);
  const programId = values['program-id'] ?? DEFAULT_OPTIONS.programId;
  if (!/^[1-9]\d*$/.test(programId)) throw new UsageError(`--program-id must be a positive integer, got "${programId}"`);
  const api = values.api ?? DEFAULT_OPTIONS.api;
  let origin: string;
  try {
    const url = new URL(api);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    origin = url.origin;
  } catch {
    throw new UsageError(`--api must be an http(s) URL such as ${SANDBOX_API}, got "${api}"`);
  }
  return {
    dir: resolve(positionals[0] ?? '.'),
    options: { programId, api: origin },
    yes: !!values.yes,
    dryRun: !!values['dry-run'],
    json: !!values.json,
    help: !!values.help,
  };
}

class UsageError extends Error {}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (error) {
    console.error(`affitor-tracker init: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (!existsSync(args.dir) || !statSync(args.dir).isDirectory()) {
    console.error(`affitor-tracker init: ${args.dir} is not a directory`);
    return EXIT.failed;
  }

  let plan: InitPlan;
  try {
    plan = planInit(args.dir, args.options);
  } catch (error) {
    console.error(`affitor-tracker init: could not read the project in ${args.dir}: ${(error as Error).message}`);
    return EXIT.failed;
  }
  if (!args.json) printPlan(plan, args.dir);

  let written = plan.changes.length === 0;
  if (plan.changes.length > 0 && !args.dryRun) {
    if (args.yes || (!args.json && (await confirm(plan)))) {
      try {
        writePlan(args.dir, plan);
      } catch (error) {
        console.error(`affitor-tracker init: writing failed: ${(error as Error).message}`);
        return EXIT.failed;
      }
      written = true;
      if (!args.json) console.log(`Wrote ${plan.changes.length} file${plan.changes.length === 1 ? '' : 's'}. Next: npx affitor-tracker sandbox, then npx affitor-tracker verify.`);
    } else if (!args.json) {
      console.log(
        process.stdin.isTTY
          ? 'Nothing written.'
          : 'Nothing written: no terminal to confirm in. Run again with --yes to write these changes (or --dry-run to only look).',
      );
    }
  } else if (args.dryRun && plan.changes.length > 0 && !args.json) {
    console.log('Dry run: nothing written. Run again with --yes to write these changes.');
  }

  if (args.json) {
    const summary = {
      stack: plan.stack,
      changes: plan.changes.map(({ file, action }) => ({ file, action })),
      skipped: plan.skipped,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  if (!written && !args.dryRun) return EXIT.notWritten;
  return plan.skipped.length > 0 ? EXIT.incomplete : EXIT.ok;
}

function printPlan(plan: InitPlan, dir: string): void {
  const lines: string[] = [`Project  ${dir}`, `Stack    ${plan.stack.length > 0 ? plan.stack.join(', ') : 'nothing init recognises'}`, ''];
  if (plan.changes.length === 0) {
    lines.push('Nothing to change: everything init can add is already there.');
  } else {
    lines.push(`Changes (${plan.changes.length} file${plan.changes.length === 1 ? '' : 's'}):`);
    for (const change of plan.changes) {
      for (const line of change.summary.length > 0 ? change.summary : [change.file]) lines.push(`  ${change.action === 'create' ? 'create' : 'edit  '} ${line}`);
    }
    lines.push('');
    for (const change of plan.changes) lines.push(change.diff.trimEnd(), '');
  }
  if (plan.skipped.length > 0) {
    lines.push('', `Not done (${plan.skipped.length}) — finish these by hand:`);
    for (const s of plan.skipped) lines.push(`  ${s.file}: ${s.reason}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const note of plan.notes) lines.push(`  ${note}`);
  }
  console.log(lines.join('\n'));
}

async function confirm(plan: InitPlan): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Write these changes to ${plan.changes.length} file${plan.changes.length === 1 ? '' : 's'}? [y/N] `);
    return answer.trim().toLowerCase().startsWith('y');
  } finally {
    prompt.close();
  }
}

function writePlan(dir: string, plan: InitPlan): void {
  for (const change of plan.changes) {
    const path = join(dir, change.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, change.contents);
  }
}
