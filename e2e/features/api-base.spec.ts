// Script side of the first-party proxy: data-affitor-api-base may be a same-origin path (a first-party
// proxy), and requests then go to location.origin + path — even with a <base href> elsewhere.
// (The proxy recipes themselves are tested end to end in e2e/features/proxy.spec.ts.)
import { test, expect } from '../support/fixtures';
import { trackerLoaded } from '../support/tracker';

test('a path api base posts the click and the lead to the page origin + path, with no preflight', async ({ page, shop }) => {
  const posted: { path: string; body: any }[] = [];
  await page.route('**/affitor/api/v1/track/*', async (route) => {
    posted.push({ path: new URL(route.request().url()).origin + new URL(route.request().url()).pathname, body: route.request().postDataJSON() });
    const click = route.request().url().endsWith('/click');
    await route.fulfill({ json: click ? { success: true, click_id: 'cust_9_1', cookie_window_days: 30 } : { success: true } });
  });
  const url = shop.page('/l', { tag: { apiBase: '/affitor/', src: shop.url('/affitor-tracker.js') }, head: '<base href="https://cdn.elsewhere.test/assets/">' }) + '?aff=P1';
  await page.goto(url);
  await trackerLoaded(page);
  await expect.poll(() => posted.length).toBe(1);
  await page.evaluate(() => (window as any).affitor.signup('u1'));
  await expect.poll(() => posted.length).toBe(2);
  expect(posted.map((p) => p.path)).toEqual([shop.origin + '/affitor/api/v1/track/click', shop.origin + '/affitor/api/v1/track/lead']);
  expect(posted[0].body.affiliate_url).toBe(url);
  expect(posted[1].body.click_id).toBe('cust_9_1');
});
