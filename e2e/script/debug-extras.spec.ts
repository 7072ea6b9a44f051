// Debug mode's extras (the words of its lines, the cookie self-test, the test pageview) are not in
// the script every visitor downloads: a script in debug mode fetches affitor-tracker.debug.js from
// beside its own URL. So a CSP that allows the script's origin allows them, a visitor without debug
// mode never requests them, and where they cannot load the tracker says so and keeps tracking.
import { test, expect } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { DEBUG_EXTRAS_PATH } from '../support/pages-server';
import { readyData } from '../support/tracker';

const extrasRequests = (shop: { requests: { path: string }[] }) => shop.requests.filter((r) => r.path === DEBUG_EXTRAS_PATH);

test('debug off: the extras are never requested', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  await readyData(page);
  expect(extrasRequests(shop)).toEqual([]);
});

test("debug on under a CSP allowing only the script's origin: the extras load once and explain the landing", async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/l', {
    tag: { debug: 'true' },
    headers: { 'Content-Security-Policy': `default-src 'none'; script-src 'self'; connect-src ${api.origin}` },
  });
  await expectApiCalls(api, { endpoint: 'click', count: 2, action: () => page.goto(url + '?aff=P1'), settleMs: 2500 });
  expect(extrasRequests(shop)).toHaveLength(1);
  const texts = consoleLines.map((l) => l.text);
  // Lines noted before the extras arrived are printed once they do, in order.
  expect(texts.indexOf('[Affitor] Referral: P1')).toBeGreaterThan(texts.findIndex((t) => t.startsWith('[Affitor] Affitor tracker initialized:')));
  expect(texts).toContain('[Affitor] Click tracked, click_id saved: cust_1_1');
});

test('debug on where the extras cannot load: one clear error naming the file, and tracking goes on', async ({ page, api, shop, consoleLines }) => {
  shop.serve(DEBUG_EXTRAS_PATH, { body: 'not here', status: 404, contentType: 'text/plain' });
  const url = shop.page('/l', { tag: { debug: 'true' } }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  expect(await readyData(page)).toMatchObject({ clickId: 'cust_1_1', hasAttribution: true });
  await expect
    .poll(() => consoleLines.filter((l) => l.type === 'error').map((l) => l.text))
    .toEqual([expect.stringContaining(shop.url(DEBUG_EXTRAS_PATH))]);
});
