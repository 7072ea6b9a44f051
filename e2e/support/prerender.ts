// Real Speculation Rules prerendering. Chromium will not prerender while Playwright's DevTools
// session is attached (PrerenderingDisabledByDevTools), so a test opens its start page in a headless
// Chromium of its own, with no DevTools at all, and follows the pages through requests to their
// server: the prerendered page's code reports what ran, and whether it was prerendered, as
// `/report?…&prerendering=…` (`report(what)` in the page); the start page navigates — to the
// prerendered page, which shows it, or elsewhere — once the test serves `/go`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import config, { DESKTOP_CHROME_UA } from '../../playwright.config';
import type { Shop } from './fixtures';

/** Opens `url` in a Chromium of its own, without DevTools; returns the function that closes it. */
export async function openWithoutDevTools(url: string): Promise<() => Promise<void>> {
  const profile = await mkdtemp(join(tmpdir(), 'affitor-prerender-'));
  const args = config.use!.launchOptions!.args!.filter((arg) => arg != '--disable-blink-features=AutomationControlled');
  const browser = spawn(config.use!.launchOptions!.executablePath!, ['--headless=new', `--user-data-dir=${profile}`, `--user-agent=${DESKTOP_CHROME_UA}`, ...args, url], {
    stdio: 'ignore',
    // Its own process group: closing it ends the browser's helper processes too.
    detached: true,
  });
  return async () => {
    const exited = once(browser, 'exit');
    process.kill(-browser.pid!, 'SIGTERM');
    await exited;
    await rm(profile, { recursive: true, force: true });
  };
}

/**
 * Serves `/start`, whose rules prerender `path`, and `/report`. A page that reports defines
 * `report` first with `REPORT_SCRIPT`.
 */
export function prerenderStart(shop: Shop, path: string) {
  shop.serve('/report', { body: '', contentType: 'text/plain' });
  shop.serve('/start', {
    body:
      '<!doctype html><title>Start</title>' +
      `<script type="speculationrules">{"prerender":[{"source":"list","urls":[${JSON.stringify(path)}]}]}</script>` +
      // Navigates where `/go` says, once the test serves it.
      "<script>(function poll() { fetch('/go').then((r) => (r.ok ? r.text().then((to) => (location.href = to)) : setTimeout(poll, 50))); })();</script>",
  });
}

/** Defines `report(what)` in a page, and reports its uncaught errors. */
export const REPORT_SCRIPT =
  "window.report = (what) => fetch('/report?' + what + '&prerendering=' + document.prerendering);" +
  "addEventListener('error', (e) => report('error=' + encodeURIComponent(e.message)));";

/** What the pages reported, in order (the query after `/report?`). */
export const reports = (shop: Shop) => shop.requests.filter((r) => r.path.startsWith('/report?')).map((r) => r.path.slice('/report?'.length));
