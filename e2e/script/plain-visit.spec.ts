// A plain visit (no `aff` in the URL) runs its attribution pass a task after `init`
// (src/core/tracker.ts `passNow`, protocol §3.2): calls made before that task — in the same task as
// `init`, so the order is certain — still see the page's session and attribution. The queue
// filled before the tag runs in the script's own task; an app bundling the library calls right
// after `init()`. On plain http and on a secure origin. The CPU this saves is `npm run bench`'s.
import { test, expect, BOTH_ORIGINS, type Shop } from '../support/fixtures';
import { anySessionId, expectApiCalls, leadBody } from '../support/events';
import { bundleApp } from '../support/bundle';
import { seedCookies } from '../support/tracker';

const LANDING = 'http://shop.test/landing?aff=P1';
const RETURNING = { affitor_click_id: 'cust_1_7', affitor_aff_url: encodeURIComponent(LANDING) };

/** A page whose queue, set up before the tag, holds `commands`. */
const queuePage = (shop: Shop, path: string, commands: unknown[][]) =>
  shop.page(path, { head: `<script>window.affitorQueue = ${JSON.stringify(commands)};</script>` });

/** A page whose app (the bundled library) runs `source` right after `init()`. */
async function appPage(shop: Shop, apiOrigin: string, path: string, source: string) {
  const app = `import * as lib from 'affitor-tracker'; lib.init({ programId: 1, apiBase: ${JSON.stringify(apiOrigin)} }); ${source}`;
  shop.serve(path + '.js', { body: await bundleApp(app), contentType: 'text/javascript' });
  return shop.page(path, { tag: false, body: `<script src="${path}.js"></script>` });
}

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    test('a queued signup carries the session and the returning visitor\'s attribution', async ({ page, api, shop }) => {
      queuePage(shop, '/signup', [['signup', 'user_1', 'ann@example.com']]);
      const url = shop.url('/signup', host);
      await seedCookies(page.context(), url, RETURNING);
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

    test('a queued trackClick is sent in the page\'s session', async ({ page, api, shop }) => {
      const partnerLink = 'http://shop.test/promo?aff=P3';
      queuePage(shop, '/p', [['trackClick', partnerLink]]);
      const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/p', host)) });
      expect(click.body).toMatchObject({ affiliate_url: partnerLink, session_id: anySessionId() });
    });

    test('getData() right after init() has the returning visitor\'s attribution', async ({ page, api, shop }) => {
      await appPage(shop, api.origin, '/app', 'window.__data = lib.getData();');
      const url = shop.url('/app', host);
      await seedCookies(page.context(), url, RETURNING);
      await page.goto(url);
      expect(await page.evaluate(() => (window as any).__data)).toEqual({ clickId: 'cust_1_7', programId: 1, hasAttribution: true, affiliateUrl: LANDING });
    });

    test('an SPA navigation to a partner link right after init() sends one click, in the page\'s session', async ({ page, api, shop }) => {
      await appPage(shop, api.origin, '/app', "history.pushState(null, '', '/app?aff=P2');");
      const url = shop.url('/app', host);
      const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
      expect(click.body).toMatchObject({ affiliate_url: url + '?aff=P2', session_id: anySessionId() });
      await expect.poll(() => page.evaluate(() => (window as any).affitor.getData().clickId)).toBe('cust_1_1');
    });
  });
}
