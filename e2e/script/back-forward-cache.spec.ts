// A page restored from the back/forward cache (pageshow persisted) sends nothing a second time:
// a real bfcache restore in Chromium, on plain http and on a secure origin (localhost: Web Locks).
// (Speculation Rules prerendering cannot be driven through Playwright — Chromium refuses while its
// DevTools session is attached: PrerenderingDisabledByDevTools — so prerender.spec.ts opens its own.)
import { test, expect, BOTH_ORIGINS } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import config from '../../playwright.config';

// Playwright launches Chromium with --disable-back-forward-cache; these tests need the real one.
test.use({ launchOptions: { ...config.use!.launchOptions, ignoreDefaultArgs: ['--disable-back-forward-cache'] } });

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    test('a page restored from the back/forward cache sends nothing a second time', async ({ page, api, shop }) => {
      // no-store would keep the page out of the back/forward cache.
      shop.page('/l', { headers: { 'Cache-Control': 'max-age=0' }, body: '<script>addEventListener("pageshow", (e) => { if (e.persisted) window.__restored = true; });</script>' });
      shop.page('/other', { tag: false });
      await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P1', host)) });
      await page.evaluate(() => (window as any).affitor.signup('u1'));
      await page.goto(shop.url('/other', host));
      await expectApiCalls(api, {
        endpoint: 'click',
        count: 0,
        action: async () => {
          // A restore fires pageshow (persisted), not load.
          await page.goBack({ waitUntil: 'commit' });
          await page.waitForFunction(() => (window as any).__restored === true);
        },
      });
      expect(api.posts('lead')).toHaveLength(1);
    });
  });
}
