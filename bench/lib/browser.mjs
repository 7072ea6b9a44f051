// The one way the benchmarks start Chromium: the Chromium the tests use, every host name mapped to
// loopback (pages and API on different real origins), and a browser that looks like a person's —
// without `--disable-blink-features=AutomationControlled` and a plain Chrome user agent the script
// rightly skips the visit as a bot and a landing would measure no click.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const cachedPath = fileURLToPath(new URL('../../node_modules/.cache/chromium-path', import.meta.url));

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(cachedPath)) return readFileSync(cachedPath, 'utf8').trim();
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined; // Playwright's own Chromium, if installed (scripts/ensure-chromium.mjs)
}

/**
 * `secureOrigins`: http origins the browser treats as secure contexts, as it treats a real shop's
 * https origin (Web Locks, for one, exist only in secure contexts).
 * @param {{secureOrigins?: string[]}} [options]
 * @returns {Promise<{browser: import('@playwright/test').Browser, userAgent: string}>}
 */
export async function launchPersonLikeChromium({ secureOrigins = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--host-resolver-rules=MAP * 127.0.0.1',
      '--disable-blink-features=AutomationControlled',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...(secureOrigins.length ? ['--unsafely-treat-insecure-origin-as-secure=' + secureOrigins.join(',')] : []),
    ],
  });
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
  return { browser, userAgent };
}
