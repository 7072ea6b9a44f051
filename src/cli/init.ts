// `affitor-tracker init [dir]`: detect the stack, show the integration as a diff, write it on --yes
// or on confirmation. The edits themselves live in ./init/ (one module per stack or edit).
import { spawnSync } from 'node:child_process';
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
export type { InitOptions, InitPlan, InstallStep, PlannedChange, SkippedEdit, StackName } from './init/types.js';

/** Development defaults: the local sandbox (`npx affitor-tracker sandbox`). */
export const SANDBOX_API = `http://localhost:${DEFAULT_PORT}`;
export const DEFAULT_OPTIONS: InitOptions = { programId: String(DEFAULT_PROGRAM_ID), api: SANDBOX_API };

export const USAGE = `Usage: affitor-tracker init [dir] [options]

Adds Affitor tracking to the project in dir (default: the current directory; each app of a
repository of several): the script tag or the React provider, the lead after signup (or the auth
library's integration), Stripe Checkout metadata and the webhook sale, the .env entries (with .env in
.gitignore) and affitor-tracker in package.json. Shows the edits as a diff first; edits code through
its syntax tree, and where the code is ambiguous leaves it alone and names the edit to make by hand.
docs/init.md lists what it wires per stack.

Options:
  --program-id N   your Affitor program id           (default ${DEFAULT_PROGRAM_ID}, the sandbox's)
  --api URL        the Affitor API origin             (default ${SANDBOX_API}, the local sandbox)
  --key KEY        the program key for .env           (default: a running local sandbox's own key, else empty)
  --yes, -y        write without asking
  --dry-run        show the diff, write nothing
  --no-install     do not run the package manager; print the command that adds affitor-tracker
  --strict         exit 1 while any step is left to do by hand (for CI that wants every step done)
  --json           one JSON object on stdout: {stack, apps, changes: [{file, action}],
                   skipped: [{file, kind, reason}], install: [{cwd, command, ran}]}
  -h, --help       show this help

Exit codes: 0 it wrote all it could (steps left to do by hand are listed under "Left to do") ·
1 an edit was refused (init found the code and left it alone; the reason names the edit), the
install failed, the confirmation was declined, or with --strict any step is left · 2 usage, or
changes to write but no --yes and no terminal to confirm in`;

export function run(argv: string[]): Promise<number> {
  return runCommand(
    {
      name: 'init',
      usage: USAGE,
      options: {
        'program-id': { type: 'string' },
        api: { type: 'string' },
        key: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'dry-run': { type: 'boolean' },
        'no-install': { type: 'boolean' },
        strict: { type: 'boolean' },
      },
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

      // A sandbox answering at the API init points at (found above, or the --api given): its key goes to .env.
      const runningKey = sandbox?.apiKey ?? (await runningSandboxKey(api));
      const runningAt = runningKey === undefined ? null : api;
      let plan: InitPlan;
      try {
        plan = planInit(dir, { programId, api, apiKey: values.key ?? runningKey });
        if (values.api === undefined && !sandbox) {
          plan.notes.push(`No sandbox is running: the tag and .env point at ${api}, its default address, with no key yet. Start it there (${START_SANDBOX}) and put the key it prints in .env as AFFITOR_API_KEY, or pass --api.`);
        }
      } catch (error) {
        throw new CliError(EXIT.failed, 'unreadable_project', `could not read the project in ${dir}: ${(error as Error).message}`);
      }
      const install = !values['no-install'] && !values['dry-run'];
      if (!json) printPlan(plan, dir, say, install);
      const ran: boolean[] = plan.installs.map(() => false);
      const result = () => ({
        stack: plan.stack,
        apps: plan.apps,
        changes: plan.changes.map(({ file, action }) => ({ file, action })),
        skipped: plan.skipped,
        install: plan.installs.map(({ cwd, command }, i) => ({ cwd, command: command.join(' '), ran: ran[i] })),
      });
      const finish = (code: number) => {
        if (json) printJson(result());
        return code;
      };
      const refusedAny = plan.skipped.some((s) => s.kind === 'refused');
      const outcome = () =>
        refusedAny || (values.strict && (plan.skipped.length > 0 || ran.some((r) => !r))) ? EXIT.failed : EXIT.ok;
      if (plan.changes.length === 0 && plan.installs.length === 0) return finish(outcome());
      if (values['dry-run']) {
        say('Dry run: nothing written. Run again with --yes to write these changes.');
        return finish(outcome());
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
      if (plan.changes.length > 0) say(`Wrote ${plural(plan.changes.length, 'file')}.`);
      let installFailed = false;
      if (install) {
        plan.installs.forEach((step, i) => {
          say(`Running ${step.command.join(' ')}${step.cwd === '.' ? '' : ` in ${step.cwd}`}…`);
          const child = spawnSync(step.command[0], step.command.slice(1), { cwd: join(dir, step.cwd), stdio: json ? 'ignore' : 'inherit', shell: process.platform === 'win32' });
          ran[i] = child.status === 0;
          if (!ran[i]) {
            installFailed = true;
            say(`${step.command.join(' ')} failed (${child.error?.message ?? `exit ${child.status}`}): run it yourself${step.cwd === '.' ? '' : ` in ${step.cwd}`}; the edited code imports affitor-tracker.`);
          }
        });
      }
      say(
        runningAt
          ? `Next: npx affitor-tracker verify (the sandbox is running at ${runningAt}; its live console: ${runningAt}/console).`
          : isLocalApi(api)
            ? `Next: ${START_SANDBOX}, then npx affitor-tracker verify.`
            : 'Next: npx affitor-tracker verify.',
      );
      return finish(installFailed ? EXIT.failed : outcome());
    },
  );
}

const isLocalApi = (api: string) => ['localhost', '127.0.0.1', '[::1]'].includes(new URL(api).hostname);

/** A local sandbox answering at `api` knows its own (generated) program key: its loopback-only admin state says it. */
async function runningSandboxKey(api: string): Promise<string | undefined> {
  if (!isLocalApi(api)) return undefined;
  try {
    const response = await fetch(`${api}/sandbox/state?limit=1`, { signal: AbortSignal.timeout(1500) });
    const state = (await response.json()) as { api_key?: unknown };
    return response.ok && typeof state.api_key === 'string' ? state.api_key : undefined;
  } catch {
    return undefined; // no sandbox running there: the key stays empty, and .env says where to find it
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function printPlan(plan: InitPlan, dir: string, say: (line: string) => void, install: boolean): void {
  const lines: string[] = [`Project  ${dir}`, `Stack    ${plan.stack.length > 0 ? plan.stack.join(', ') : 'nothing init recognises'}`];
  if (plan.apps.length > 1 || plan.apps[0] !== '.') lines.push(`Apps     ${plan.apps.join(', ')}`);
  lines.push('');
  if (plan.changes.length === 0 && plan.installs.length === 0) {
    lines.push(
      plan.skipped.length > 0
        ? 'Nothing init can write: the steps below are left to do by hand.'
        : plan.apps.length === 0
          ? 'Nothing init can write here: see the notes below.'
          : 'Nothing to change: everything init can add is already there.',
    );
  } else {
    lines.push(`Changes (${plural(plan.changes.length, 'file')}):`);
    for (const change of plan.changes) {
      for (const line of change.summary.length > 0 ? change.summary : [change.file]) lines.push(`  ${change.action === 'create' ? 'create' : 'edit  '} ${line}`);
    }
    lines.push('');
    for (const change of plan.changes) lines.push(change.diff.trimEnd(), '');
  }
  for (const step of plan.installs) {
    const where = step.cwd === '.' ? '' : ` (in ${step.cwd})`;
    lines.push(install ? `Install  ${step.command.join(' ')}${where}: the edits import affitor-tracker` : `Install  run \`${step.command.join(' ')}\`${where}: the edits import affitor-tracker, and ${step.packageJson} does not list it yet`);
  }
  const refusals = plan.skipped.filter((s) => s.kind === 'refused');
  const left = plan.skipped.filter((s) => s.kind === 'todo');
  if (refusals.length > 0) {
    lines.push('', `Not done (${refusals.length}) — init found the code and left it alone; make these edits by hand:`);
    for (const s of refusals) lines.push(`  ${s.file}: ${s.reason}`);
  }
  if (left.length > 0) {
    lines.push('', `Left to do (${left.length}):`);
    for (const s of left) lines.push(`  ${s.file}: ${s.reason}`);
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
