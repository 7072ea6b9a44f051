// `npm start` on a fresh clone installs only the start kit (scripts/ensure-deps.mjs) and builds with
// it: a package the build needs but the kit lacks would break a newcomer's first command. The build
// runs here in a copy of the repository whose node_modules holds the kit's packages and nothing else.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { START_KIT_PACKAGES } from '../scripts/ensure-deps.mjs';

const repo = resolve(import.meta.dirname, '..');
const copy = mkdtempSync(join(tmpdir(), 'affitor-start-kit-'));

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the start kit', () => {
  it('is enough to build the scripts, the sandbox and the command line (`node build.mjs --no-types`)', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      if (!existsSync(join(repo, file))) continue; // deleted in the working tree, not yet committed
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(repo, file), join(copy, file));
    }
    mkdirSync(join(copy, 'node_modules'));
    for (const name of START_KIT_PACKAGES as string[]) symlinkSync(join(repo, 'node_modules', name), join(copy, 'node_modules', name), 'dir');

    const build = spawnSync(process.execPath, ['build.mjs', '--no-types'], { cwd: copy, encoding: 'utf8' });
    expect(build.stderr).not.toMatch(/Could not resolve/);
    expect(build.status).toBe(0);
    for (const built of ['dist/affitor-tracker.js', 'dist/sandbox/cli.js', 'dist/cli/init.js', 'dist/cli/sandbox.js']) expect(existsSync(join(copy, built))).toBe(true);
  }, 120_000);
});
