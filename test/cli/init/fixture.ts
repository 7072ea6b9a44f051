// Fixture projects for `init`: each test works on its own copy under test/.tmp (inside the
// repository, so the copy resolves next, react, vite and stripe from the repository's node_modules,
// and `affitor-tracker` itself through a node_modules link to the repository root — as an installed
// package would).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const FIXTURES = join(REPO, 'test/fixtures/init');
const TMP = join(REPO, 'test/.tmp');

export function copyFixture(name: string): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, `init-${name.replace(/\//g, "-")}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules/affitor-tracker'), 'dir');
  return dir;
}

/** A project made of the given files (for the small refusal cases). */
export function projectOf(files: Record<string, string>): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, 'init-inline-'));
  for (const [file, contents] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), contents);
  }
  return dir;
}

export function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every file of the project (not node_modules) with its contents: to prove what did not change. */
export function snapshotFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (entry === 'node_modules' || entry === '.next' || entry === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}
