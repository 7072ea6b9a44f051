import { defineConfig } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';

// Chromium found (or installed) by scripts/ensure-chromium.mjs; Debian's by default.
const cached = 'node_modules/.cache/chromium-path';
const executablePath =
  process.env.CHROMIUM_PATH || (existsSync(cached) ? readFileSync(cached, 'utf8').trim() : '/usr/bin/chromium');

/** What a person's Chrome on Linux sends; headless Chromium would say `HeadlessChrome`. */
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    // The tracker sends no click for automation (src/core/bots.ts): navigator.webdriver, a
    // `HeadlessChrome` user agent, crawlers. Every spec sees a normal desktop Chrome instead; the
    // bot specs (e2e/features/bots.spec.ts) put those signals back on purpose.
    userAgent: DESKTOP_CHROME_UA,
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        // navigator.webdriver stays false (Playwright's --enable-automation would make it true).
        '--disable-blink-features=AutomationControlled',
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
