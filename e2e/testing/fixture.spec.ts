// affitor-tracker/testing/playwright's `affitor` fixture in Chromium, with a developer's stock
// automation put back (navigator.webdriver, a HeadlessChrome user agent; the shared config hides
// both), on plain http (shop.test) and on a secure origin (localhost).
import type { PagesServer } from '../support/pages-server';
import { startPagesServer } from '../support/pages-server';
import { pageHtml } from '../support/html';
import { Affitor } from '../../src/server/index';
import { AttributionAssertionError } from '../../src/testing/index';
import { expect, test as affitorTest } from '../../src/testing/playwright';

const HEADLESS_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36';

const test = affitorTest.extend<{ shop: PagesServer }>({
  shop: async ({}, use) => {
    const shop = await startPagesServer();
    await use(shop);
    await shop.close();
  },
});

const SIGN_UP = `<button id="signup" onclick="window.affitor.signup('user_42', 'jane@example.com')">Sign up</button>`;

for (const [origin, host] of [
  ['plain http', 'shop.test'],
  ['secure origin', 'localhost'],
] as const) {
  test.describe(`${origin}: stock automation`, () => {
    test.use({ userAgent: HEADLESS_UA });
    test.beforeEach(async ({ page }) => {
      await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => true, configurable: true }));
    });

    test('a tag left on the production API: landing, sign-up in the page and a server sale are one journey in the test sandbox', async ({ page, shop, affitor }) => {
      shop.serve('/', { body: pageHtml({ tag: { apiBase: null }, body: SIGN_UP }, '') });
      const click = await affitor.land(shop.url('/', host), 'PARTNER_A');
      expect(click).toMatchObject({ partner: 'PARTNER_A', affiliateUrl: `${shop.url('/', host)}?aff=PARTNER_A` });

      await page.click('#signup');
      await affitor.expectLead({ customerKey: 'user_42', email: 'jane@example.com', partner: 'PARTNER_A' });
      // The app's server: the sale, from the click id in the visitor's cookie.
      const cookie = (await page.context().cookies()).find((c) => c.name === 'affitor_click_id');
      expect(cookie?.value).toBe(click.clickId);
      const server = new Affitor({ apiKey: affitor.apiKey, apiUrl: affitor.url });
      await server.trackSale({ clickId: cookie!.value, customerExternalId: 'user_42', invoiceId: 'in_1', amount: 4900 });

      const journey = await affitor.expectJourney({ partner: 'PARTNER_A', customerKey: 'user_42' });
      expect(journey.sales).toMatchObject([{ transactionId: 'in_1', amountCents: 4900 }]);
    });

    test("a page's own call to https://api.affitor.com is answered by the test sandbox, preflight included", async ({ page, shop, affitor }) => {
      shop.serve('/', { body: pageHtml({ tag: false }, '') });
      await page.goto(shop.url('/', host));
      const status = await page.evaluate(async () => {
        const res = await fetch('https://api.affitor.com/api/v1/track/click', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ affiliate_url: 'https://shop.example/?aff=PARTNER_B' }),
        });
        return res.status;
      });
      expect(status).toBe(200);
      await affitor.expectClick({ partner: 'PARTNER_B' });
    });
  });

  test.describe(`${origin}: a page without the tracker`, () => {
    test.use({ affitorOptions: { timeout: 300 } });

    test('land() rejects, saying the tracker logged nothing', async ({ shop, affitor }) => {
      shop.serve('/', { body: pageHtml({ tag: false }, '') });
      const failure = await affitor.land(shop.url('/', host), 'PARTNER_A').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AttributionAssertionError);
      expect((failure as Error).message).toMatch(
        /^landing on http:\/\/[^ ]+\?aff=PARTNER_A recorded no click: click from PARTNER_A expected; got none — no click request reached the sandbox .*; the tracker logged nothing: is its tag \(data-affitor-program-id\) on this page\?$/,
      );
    });
  });
}
