// A plain visit (no `aff` in the URL) sets up its attribution a task after the script runs
// (src/core/tracker.ts `passNow`): page code that calls the tracker before that task — an inline
// script right after the tag — still sees the page's attribution, on plain http and on a secure
// origin. The CPU this saves is measured by `npm run bench`, not here.
import { test, expect, BOTH_ORIGINS } from '../support/fixtures';
import { anySessionId, expectApiCalls, leadBody } from '../support/events';
import { trackerTag } from '../support/html';
import { seedCookies } from '../support/tracker';

const LANDING = 'http://shop.test/landing?aff=P1';

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    // The tag, then the page's own inline script: it runs before the tracker's next task.
    const pageCalling = (shop: import('../support/fixtures').Shop, apiOrigin: string, path: string, script: string) =>
      shop.page(path, { tag: false, head: trackerTag({}, apiOrigin) + `<script>${script}</script>` });

    test('a signup made right after the tag carries the session and the returning visitor\'s attribution', async ({ page, api, shop }) => {
      pageCalling(shop, api.origin, '/signup', "window.affitor.signup('user_1', 'ann@example.com')");
      const url = shop.url('/signup', host);
      await seedCookies(page.context(), url, { affitor_click_id: 'cust_1_7', affitor_aff_url: encodeURIComponent(LANDING) });
      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(url) });
      expect(lead.body).toEqual(
        leadBody({
          customer_key: 'user_1',
          email: 'ann@example.com',
          click_id: 'cust_1_7',
          click_ids: ['cust_1_7'],
          page_url: url,
          program_id: 1,
          has_attribution: true,
        }),
      );
    });

    test('getData() right after the tag has the returning visitor\'s attribution', async ({ page, api, shop }) => {
      pageCalling(shop, api.origin, '/p', 'window.__data = window.affitor.getData()');
      const url = shop.url('/p', host);
      await seedCookies(page.context(), url, { affitor_click_id: 'cust_1_7', affitor_aff_url: encodeURIComponent(LANDING) });
      await page.goto(url);
      expect(await page.evaluate(() => (window as any).__data)).toEqual({ clickId: 'cust_1_7', programId: 1, hasAttribution: true, affiliateUrl: LANDING });
    });

    test('an SPA navigation to a partner link right after the tag sends one click, in the page\'s session', async ({ page, api, shop }) => {
      pageCalling(shop, api.origin, '/app', "history.pushState(null, '', '/app?aff=P2')");
      const url = shop.url('/app', host);
      const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
      expect(click.body).toMatchObject({ affiliate_url: url + '?aff=P2', session_id: anySessionId() });
      await expect.poll(() => page.evaluate(() => (window as any).affitor.getData().clickId)).toBe('cust_1_1');
    });
  });
}
