// The package as a user installs it: `npm pack` of the built repo, unpacked into a fixture
// project's node_modules/affitor-tracker (what `npm install <tarball>` does for a package with no
// dependencies). Fixture projects then resolve `affitor-tracker/react` etc. through the package's
// exports, and react/next/vite from this repo's node_modules.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function installPackedPackage(projectDir: string) {
  const work = mkdtempSync(join(tmpdir(), 'affitor-pack-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8' }));
    const target = join(projectDir, 'node_modules', 'affitor-tracker');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', target, '--strip-components=1']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
