// A Vite + React single-page app (e2e/react/vite-app) on the package as installed from its
// tarball: `vite build` once for this file, the output served on http://shop.test:PORT, the
// recording API on http://api.test:PORT.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { test, expect, type Page, type Shop } from '../support/fixtures';
import { startApiServer, type ApiServer } from '../support/api-server';
import { expectApiCalls } from '../support/events';
import { installPackedPackage } from '../support/packed';
import type { AffitorData } from '../support/tracker';

const APP_DIR = resolve('e2e/react/vite-app');

test.describe.configure({ mode: 'serial' });

let api: ApiServer;
let outDir: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  api = await startApiServer();
  installPackedPackage(APP_DIR);
  outDir = mkdtempSync(join(tmpdir(), 'affitor-vite-'));
  // Vite reads VITE_ variables from the environment and inlines them at build time.
  process.env.VITE_AFFITOR_PROGRAM_ID = '1';
  process.env.VITE_AFFITOR_API_BASE = api.origin;
  const started = Date.now();
  await build({ root: APP_DIR, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  console.log(`vite build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.afterAll(async () => {
  await api?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Serves the build: its assets, and index.html for every app route (the SPA fallback). */
function serveBuild(shop: Shop) {
  for (const file of readdirSync(join(outDir, 'assets'))) {
    shop.serve('/assets/' + file, { body: readFileSync(join(outDir, 'assets', file)), contentType: 'text/javascript' });
  }
  const html = readFileSync(join(outDir, 'index.html'));
  for (const route of ['/', '/pricing']) shop.serve(route, { body: html });
}

const attribution = async (page: Page): Promise<AffitorData | null> => JSON.parse((await page.locator('#attribution').textContent()) || 'null');

test('landing: data after the click answers, the browser entry imported beside sees the same tracker, signup carries the click id after an SPA navigation, one click', async ({ page, shop }) => {
  serveBuild(shop);
  const clicksBefore = api.posts('click').length;
  const landing = shop.url('/?aff=VITE1');
  await page.goto(landing);
  await expect.poll(() => attribution(page).then((d) => d?.hasAttribution)).toBe(true);
  const clickId = api.clickIds.at(-1)!;
  expect(await attribution(page)).toEqual({ clickId, programId: 1, hasAttribution: true, affiliateUrl: landing });
  expect(api.posts('click')).toHaveLength(clicksBefore + 1);

  await page.click('#history');
  await expect(page.locator('#click-ids')).toHaveText(clickId);

  await page.click('#pricing');
  await expect(page).toHaveURL(shop.url('/pricing'));
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#signup') });
  expect(lead.body).toMatchObject({ customer_key: 'user_vite', email: 'vite@example.com', click_id: clickId, page_url: shop.url('/pricing') });
  expect(api.posts('click')).toHaveLength(clicksBefore + 1);
});
