// Finds a Chromium for the browser tests, installing one when there is none.
// Order: $CHROMIUM_PATH, Debian's /usr/bin/chromium, a Playwright-installed Chromium.
// Installs Debian's `chromium` when running as root, else `npx playwright install chromium`.
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium } from '@playwright/test';
import { pathToFileURL } from 'node:url';

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // Playwright has no browser of its own installed: fall through to installing one.
  }
  return null;
}

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;
}

// Run as a script (not imported): compare URLs so paths with spaces or symlinked dirs still match.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let found = findChromium();
  if (found) {
    console.log(`Chromium for browser tests: ${found}`);
  } else if (process.getuid?.() === 0) {
    console.log('No Chromium found: installing Debian\'s chromium package (running as root).');
    if (run('apt-get', ['update', '-qq'])) run('apt-get', ['install', '-y', '-qq', 'chromium']);
  } else {
    console.log('No Chromium found and not root: installing Playwright\'s Chromium (npx playwright install chromium).');
    run('npx', ['playwright', 'install', 'chromium']);
  }
  found = findChromium();
  if (!found) {
    console.error('Could not find or install Chromium. Install it (e.g. `sudo apt-get install chromium`) or set CHROMIUM_PATH.');
    process.exit(1);
  }
  mkdirSync('node_modules/.cache', { recursive: true });
  writeFileSync('node_modules/.cache/chromium-path', found);
}
