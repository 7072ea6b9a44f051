// `affitor-tracker init [dir]`: detect the stack, show the integration as a diff, write it on --yes
// or on confirmation. The edits themselves live in ./init/ (one module per stack or edit).
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { DEFAULT_PROGRAM_ID } from '../sandbox/admin.js';
import { DEFAULT_PORT } from '../sandbox/server.js';
import { apiBaseOption, CliError, EXIT, runCommand } from './command.js';
import { findLocalSandbox, START_SANDBOX } from './target.js';
import { planInit } from './init/plan.js';
import type { InitOptions, InitPlan } from './init/types.js';

export { planInit };
export type { InitOptions, InitPlan, PlannedChange, SkippedEdit, StackName } from './init/types.js';

/** Development defaults: the local sandbox (`npx affitor-tracker sandbox`). */
export const SANDBOX_API = `http://localhost:${DEFAULT_PORT}`;
export const DEFAULT_OPTIONS: InitOptions = { programId: String(DEFAULT_PROGRAM_ID), api: SANDBOX_API };

export const USAGE = `Usage: affitor-tracker init [dir] [options]

Adds Affitor tracking to the project in dir (default: the current directory): the script tag or
the React provider, the server-side lead after signup, Stripe Checkout metadata and the webhook
sale, and the .env entries (with .env in .gitignore). Shows the edits as a diff first; edits code
through its syntax tree, and where the code is ambiguous leaves it alone and says why.

Options:
  --program-id N   your Affitor program id           (default ${DEFAULT_PROGRAM_ID}, the sandbox's)
  --api URL        the Affitor API origin             (default ${SANDBOX_API}, the local sandbox)
  --key KEY        the program key for .env           (default: a running local sandbox's own key, else empty)
  --yes, -y        write without asking
  --dry-run        show the diff, write nothing
  --json           one JSON object on stdout: {stack, changes: [{file, action}], skipped: [{file, reason}]}
  -h, --help       show this help

Exit codes: 0 done (or nothing to change, or a dry run) · 1 some edits were refused or not found
(listed under "Not done": finish those by hand) or the confirmation was declined · 2 usage, or
changes to write but no --yes and no terminal to confirm in`;

export function run(argv: string[]): Promise<number> {
  return runCommand(
    {
      name: 'init',
      usage: USAGE,
      options: { 'program-id': { type: 'string' }, api: { type: 'string' }, key: { type: 'string' }, yes: { type: 'boolean', short: 'y' }, 'dry-run': { type: 'boolean' } },
      positionals: { min: 0, max: 1 },
    },
    argv,
    async ({ values, positionals, json, say, printJson }) => {
      const programId = values['program-id'] ?? DEFAULT_OPTIONS.programId;
      if (!/^[1-9]\d*$/.test(programId)) throw new CliError(EXIT.usage, 'usage', `--program-id must be a positive integer (got ${JSON.stringify(programId)})`);
      // The running sandbox, on whatever port it took; the default port when none runs (said in the notes).
      const sandbox = values.api === undefined ? await findLocalSandbox(process.env) : null;
      const api = new URL(apiBaseOption('--api', values.api ?? sandbox?.api ?? DEFAULT_OPTIONS.api)).origin;
      const dir = resolve(positionals[0] ?? '.');
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(EXIT.usage, 'usage', `${dir} is not a directory`);

      let plan: InitPlan;
      try {
        plan = planInit(dir, { programId, api, apiKey: values.key ?? sandbox?.apiKey ?? (await runningSandboxKey(api)) });
        if (values.api === undefined && !sandbox) {
          plan.notes.push(`No sandbox is running: the tag and .env point at ${api}, its default address, with no key yet. Start it there (${START_SANDBOX}) and put the key it prints in .env as AFFITOR_API_KEY, or pass --api.`);
        }
      } catch (error) {
        throw new CliError(EXIT.failed, 'unreadable_project', `could not read the project in ${dir}: ${(error as Error).message}`);
      }
      if (!json) printPlan(plan, dir, say);
      const result = { stack: plan.stack, changes: plan.changes.map(({ file, action }) => ({ file, action })), skipped: plan.skipped };
      const finish = (code: number) => {
        if (json) printJson(result);
        return code;
      };
      const outcome = plan.skipped.length > 0 ? EXIT.failed : EXIT.ok;
      if (plan.changes.length === 0) return finish(outcome);
      if (values['dry-run']) {
        say('Dry run: nothing written. Run again with --yes to write these changes.');
        return finish(outcome);
      }
      if (!values.yes) {
        if (json || !process.stdin.isTTY || !process.stdout.isTTY) {
          say('Nothing written: no terminal to confirm in. Run again with --yes to write these changes (or --dry-run to only look).');
          return finish(EXIT.usage);
        }
        if (!(await confirm(plan))) {
          say('Nothing written.');
          return finish(EXIT.failed);
        }
      }
      try {
        writePlan(dir, plan);
      } catch (error) {
        throw new CliError(EXIT.failed, 'write_failed', `writing the changes failed: ${(error as Error).message}`);
      }
      say(`Wrote ${plural(plan.changes.length, 'file')}. Next: npx affitor-tracker sandbox, then npx affitor-tracker verify.`);
      return finish(outcome);
    },
  );
}

/** A local sandbox answering at `api` knows its own (generated) program key: its loopback-only admin state says it. */
async function runningSandboxKey(api: string): Promise<string | undefined> {
  const host = new URL(api).hostname;
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '[::1]') return undefined;
  try {
    const response = await fetch(`${api}/sandbox/state?limit=1`, { signal: AbortSignal.timeout(1500) });
    const state = (await response.json()) as { api_key?: unknown };
    return response.ok && typeof state.api_key === 'string' ? state.api_key : undefined;
  } catch {
    return undefined; // no sandbox running there: the key stays empty, and .env says where to find it
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function printPlan(plan: InitPlan, dir: string, say: (line: string) => void): void {
  const lines: string[] = [`Project  ${dir}`, `Stack    ${plan.stack.length > 0 ? plan.stack.join(', ') : 'nothing init recognises'}`, ''];
  if (plan.changes.length === 0) {
    lines.push('Nothing to change: everything init can add is already there.');
  } else {
    lines.push(`Changes (${plural(plan.changes.length, 'file')}):`);
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
  say(lines.join('\n'));
}

async function confirm(plan: InitPlan): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question(`Write these changes to ${plural(plan.changes.length, 'file')}? [y/N] `);
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
