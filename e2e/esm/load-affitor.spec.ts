// Protocol §8.2: loadAffitor — bundled tracker by default, one injected <script async>
// with scriptUrl, concurrent calls share one load, null (never a rejection) on failure.
import { test, expect, type Shop } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { bundleApp } from '../support/bundle';
import { readTracker } from '../support/pages-server';

async function appPage(shop: Shop, source: string) {
  shop.serve('/app.js', { body: await bundleApp(source), contentType: 'text/javascript' });
  return shop.page('/app', { tag: false, body: '<script src="/app.js"></script>' });
}
const EXPOSE = `import * as lib from 'affitor-tracker'; window.lib = lib;`;
const scriptRequests = (shop: Shop, path: string) => shop.requests.filter((r) => r.path.split('?')[0] === path);

test('without scriptUrl: the bundled tracker, no script fetched, resolves to window.affitor', async ({ page, api, shop }) => {
  const url = await appPage(shop, EXPOSE);
  await page.goto(url + '?aff=P1');
  const [click] = await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () =>
      page.evaluate(async (base) => {
        const t = await (window as any).lib.loadAffitor(8, { apiBase: base });
        (window as any).__loaded = t === (window as any).affitor && typeof t.signup === 'function';
      }, api.origin),
  });
  expect(click.body.affiliate_url).toBe(url + '?aff=P1');
  expect(await page.evaluate(() => (window as any).__loaded)).toBe(true);
  expect(await page.evaluate(() => (window as any).affitor.getData().programId)).toBe(8);
  expect(scriptRequests(shop, '/affitor-tracker.js')).toEqual([]);
});

test("env 'local' without apiBase sends to http://localhost:1337", async ({ page, shop }) => {
  const seen: string[] = [];
  await page.route('http://localhost:1337/**', (route) => {
    seen.push(`${route.request().method()} ${route.request().url()}`);
    return route.fulfill({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Content-Type': 'application/json' },
      body: JSON.stringify({ success: true, click_id: 'cust_1_5', partner_code: 'P1', cookie_window_days: 60 }),
    });
  });
  const url = await appPage(shop, `${EXPOSE} lib.loadAffitor(1, { env: 'local' });`);
  await page.goto(url + '?aff=P1');
  await expect.poll(() => seen.filter((s) => s.startsWith('POST'))).toEqual(['POST http://localhost:1337/api/v1/track/click']);
});

test('with scriptUrl: one <script async> carrying the data attributes; concurrent calls share it', async ({ page, api, shop }) => {
  const url = await appPage(shop, EXPOSE);
  await page.goto(url + '?aff=P1');
  const scriptUrl = shop.url('/affitor-tracker.js');
  const result = await page.evaluate(
    async ([src, base]) => {
      const lib = (window as any).lib;
      const calls = [
        lib.loadAffitor(6, { scriptUrl: src, apiBase: base, debug: false }),
        lib.loadAffitor(6, { scriptUrl: src, apiBase: base }),
        lib.loadAffitor(6, { scriptUrl: src, apiBase: base }),
      ];
      const trackers = await Promise.all(calls);
      const tags = [...document.querySelectorAll('script[src$="/affitor-tracker.js"]')] as HTMLScriptElement[];
      return {
        same: trackers.every((t) => t === (window as any).affitor),
        tags: tags.map((s) => ({
          async: s.async,
          attrs: s.getAttributeNames().filter((n) => n.startsWith('data-')).sort().map((n) => `${n}=${s.getAttribute(n)}`),
        })),
        programId: (window as any).affitor.getData().programId,
      };
    },
    [scriptUrl, api.origin] as const,
  );
  expect(result).toEqual({
    same: true,
    tags: [{ async: true, attrs: [`data-affitor-api-base=${api.origin}`, 'data-affitor-debug=false', 'data-affitor-program-id=6'] }],
    programId: 6,
  });
  expect(scriptRequests(shop, '/affitor-tracker.js')).toHaveLength(1);
  // The landing click of the one loaded tracker (it may already have arrived).
  await api.waitFor('click', 1);
  await page.waitForTimeout(1000);
  expect(api.posts('click')).toHaveLength(1);
});

test('a script that fails to load resolves null with an error, never rejects; a later call retries', async ({ page, shop, consoleLines }) => {
  const url = await appPage(shop, EXPOSE);
  await page.goto(url);
  const missing = shop.url('/missing-tracker.js');
  const first = await page.evaluate(
    (src) =>
      (window as any).lib.loadAffitor(1, { scriptUrl: src }).then(
        (v: unknown) => ({ resolved: v }),
        (e: unknown) => ({ rejected: String(e) }),
      ),
    missing,
  );
  expect(first).toEqual({ resolved: null });
  expect(consoleLines.filter((l) => l.type === 'error' && l.text.startsWith('[Affitor]'))).toHaveLength(1);
  // The dropped promise lets a retry succeed once the file is there.
  shop.serve('/missing-tracker.js', { body: readTracker, contentType: 'text/javascript' });
  const second = await page.evaluate((src) => (window as any).lib.loadAffitor(1, { scriptUrl: src }).then((t: unknown) => t === (window as any).affitor), missing);
  expect(second).toBe(true);
  expect(scriptRequests(shop, '/missing-tracker.js')).toHaveLength(2);
});
