import { defineConfig } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';

// Chromium found (or installed) by scripts/ensure-chromium.mjs; Debian's by default.
const cached = 'node_modules/.cache/chromium-path';
const executablePath =
  process.env.CHROMIUM_PATH || (existsSync(cached) ? readFileSync(cached, 'utf8').trim() : '/usr/bin/chromium');

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        // Every host name resolves to loopback, so pages and API sit on different real origins
        // (http://shop.test:PORT, http://api.test:PORT) served by the tests' own servers.
        '--host-resolver-rules=MAP * 127.0.0.1',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
