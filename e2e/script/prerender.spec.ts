// A page prerendered by Speculation Rules (`<script type="speculationrules">`), for real: each test
// opens a start page whose rules prerender a tracked page, in a Chromium without DevTools
// (e2e/support/prerender.ts says why and how the test follows the page). On plain http and on a
// secure origin.
import { test, expect, BOTH_ORIGINS, type Shop } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { CONSENT_TRACKER_PATH } from '../support/pages-server';
import { REPORT_SCRIPT, openWithoutDevTools, prerenderStart, reports } from '../support/prerender';

/** `/start` prerenders `/p`, whose code asks for a click, a lead and `ready`, and reports each step. */
function prerenderPages(shop: Shop) {
  prerenderStart(shop, '/p');
  shop.page('/p', {
    body:
      '<script>' +
      REPORT_SCRIPT +
      "affitor.ready((data) => report('ready=' + data.clickId));" +
      "affitor.trackClick(location.origin + '/l?aff=P2');" +
      "affitor.signup('user_1', 'a@b.test');" +
      "report('ran');" +
      '</script>',
  });
  shop.page('/other', { body: "<script>affitor.ready((data) => fetch('/report?other-ready=' + data.clickId));</script>" });
}

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    test('a prerendered page asks for a click, a lead and ready: nothing goes out until it is shown, then each once', async ({ api, shop }) => {
      prerenderPages(shop);
      const close = await openWithoutDevTools(shop.url('/start', host));
      try {
        // Its code ran while prerendered (a real prerender): nothing was sent, ready has not fired.
        await expect.poll(() => reports(shop), { timeout: 15_000 }).toContain('ran&prerendering=true');
        await expectApiCalls(api, { endpoint: 'click', count: 0 });
        expect(api.requests).toEqual([]);
        expect(reports(shop)).toEqual(['ran&prerendering=true']);

        shop.serve('/go', { body: '/p', contentType: 'text/plain' });
        const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1 });
        expect(click.body.affiliate_url).toBe(shop.url('/l?aff=P2', host));
        const [lead] = await api.waitFor('lead', 1);
        expect([lead.body.customer_key, lead.body.click_id]).toEqual(['user_1', 'cust_1_1']);
        // ready fires once shown, after the click it was asked for before.
        await expect.poll(() => reports(shop)).toEqual(['ran&prerendering=true', 'ready=cust_1_1&prerendering=false']);
        await expectApiCalls(api, { endpoint: 'lead', count: 0 });
        expect([api.posts('click').length, api.posts('lead').length]).toEqual([1, 1]);
      } finally {
        await close();
      }
    });

    test('a prerendered page that is never shown sends nothing and leaves nothing for the next page to send', async ({ api, shop }) => {
      prerenderPages(shop);
      const close = await openWithoutDevTools(shop.url('/start', host));
      try {
        await expect.poll(() => reports(shop), { timeout: 15_000 }).toContain('ran&prerendering=true');
        // The visitor goes elsewhere: the prerendered page is dropped; the tracked page loaded instead
        // finds no click or lead written ahead by it.
        shop.serve('/go', { body: '/other', contentType: 'text/plain' });
        await expect.poll(() => reports(shop)).toContain('other-ready=null');
        await expectApiCalls(api, { endpoint: 'click', count: 0 });
        expect(api.requests).toEqual([]);
        expect(reports(shop)).toEqual(['ran&prerendering=true', 'other-ready=null']);
      } finally {
        await close();
      }
    });

    test('consent(true) in a prerendered landing (a consent banner remembering the choice): the click goes once it is shown', async ({ api, shop }) => {
      prerenderStart(shop, '/c?aff=P1');
      shop.page('/c', {
        tag: { src: CONSENT_TRACKER_PATH, extra: { consent: 'required' } },
        // What it wrote while prerendered (a held landing with Web Locks still writes its click ahead).
        body: '<script>' + REPORT_SCRIPT + "affitor.consent(true); report('ran&cookies=' + encodeURIComponent(document.cookie));</script>",
      });
      const close = await openWithoutDevTools(shop.url('/start', host));
      try {
        await expect.poll(() => reports(shop), { timeout: 15_000 }).toContain('ran&cookies=&prerendering=true');
        await expectApiCalls(api, { endpoint: 'click', count: 0 });
        expect(api.requests).toEqual([]);
        shop.serve('/go', { body: '/c?aff=P1', contentType: 'text/plain' });
        const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1 });
        expect(click.body.affiliate_url).toBe(shop.url('/c?aff=P1', host));
        expect(reports(shop)).toEqual(['ran&cookies=&prerendering=true']);
      } finally {
        await close();
      }
    });
  });
}
