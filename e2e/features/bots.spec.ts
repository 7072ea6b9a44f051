// Clicks from obvious automation are not sent to a real API, with an escape hatch and a console
// warning saying why; a loopback API (the developer's local sandbox) takes them with no switch.
// The shared config presents a normal Chrome (playwright.config.ts); each test here puts one bot
// signal back on purpose. The fixture API is http://api.test:PORT, a real API to the tracker. Every test runs on plain http (shop.test: no Web Locks) and on a secure
// origin (localhost, as every https shop is: Web Locks, so the landing decision takes the locked
// path with its write-ahead record) — the bot filter must hold on both.
import { test, expect, affitorLines, cookieJar, type Page } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { startApiServer } from '../support/api-server';
import { readyData, trackerLoaded } from '../support/tracker';
import { startSandbox } from '../../src/sandbox/server';

const HEADLESS_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36';
const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** A write-ahead click record as an earlier page left it (contract encoding: URI-encoded JSON). */
const pendingRecord = (affiliateUrl: string) =>
  encodeURIComponent(
    JSON.stringify({ affiliate_url: affiliateUrl, page_url: affiliateUrl, page_title: 'Shop', referrer_url: '', session_id: 'sess_abcdefghi_1700000000000', attempts: 1, first_ts: Date.now() }),
  );

for (const [origin, host, locks] of [
  ['plain http', 'shop.test', false],
  ['secure origin', 'localhost', true],
] as const) {
  /** `url` (on the shop.test origin) moved to this run's host. */
  const at = (url: string) => url.replace('//shop.test:', `//${host}:`);
  const hasLocks = (page: Page) => page.evaluate(() => !!navigator.locks);

  test.describe(`${origin}: navigator.webdriver`, () => {
    test.beforeEach(async ({ page }) => {
      await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => true, configurable: true }));
    });

    test('no click is sent and nothing is written; debug says why; ready still fires; signup still posts', async ({ page, api, shop, consoleLines }) => {
      const url = at(shop.page('/l', { tag: { debug: 'true' } }) + '?aff=P1');
      // Only the debug test pageview goes out (it is no attribution click).
      const posts = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
      expect(await hasLocks(page)).toBe(locks);
      expect(posts[0].body.additional_data).toEqual({ test_mode: true, program_id: 1 });
      expect(affitorLines(consoleLines).map((l) => l.text)).toContain(
        '[Affitor] Bot (webdriver), no click; see data-affitor-allow-bots',
      );
      expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });
      // No write-ahead record either: a later page would resend it.
      expect(await cookieJar(page.context())).toEqual({});
      await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitor.signup('u1')) });
    });

    test('SPA navigations and trackClick() send nothing either', async ({ page, api, shop }) => {
      await page.goto(at(shop.page('/app')));
      await trackerLoaded(page);
      await expectApiCalls(api, {
        endpoint: 'click',
        count: 0,
        action: () =>
          page.evaluate(async () => {
            history.pushState(null, '', '/app?aff=P1');
            await (window as any).affitor.trackClick(location.origin + '/x?aff=P2');
          }),
      });
      expect(await cookieJar(page.context())).toEqual({});
    });

    test('a write-ahead click an earlier page left is not resent by a bot, on a plain visit or a landing on its URL', async ({ page, api, shop, context }) => {
      const landing = at(shop.page('/l') + '?aff=P1');
      const { hostname } = new URL(landing);
      for (const url of [at(shop.url('/l')), landing]) {
        await context.addCookies([{ name: 'affitor_pending_click', value: pendingRecord(landing), domain: hostname, path: '/' }]);
        await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
      }
    });

    test('without debug mode the page still says why, as a warning naming the switch', async ({ page, api, shop, consoleLines }) => {
      const url = at(shop.page('/l') + '?aff=P1');
      await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
      await trackerLoaded(page);
      expect(affitorLines(consoleLines)).toEqual([{ type: 'warning', text: '[Affitor] Bot (webdriver), no click; see data-affitor-allow-bots' }]);
    });

    test('data-affitor-allow-bots="true" sends the click', async ({ page, api, shop }) => {
      const url = at(shop.page('/l', { tag: { extra: { 'allow-bots': 'true' } } }) + '?aff=P1');
      const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
      expect(click.body.affiliate_url).toBe(url);
    });

    test('init({ allowBots: true }) sends the click', async ({ page, api, shop }) => {
      const url = at(shop.page('/l', { tag: false, head: '<script src="/affitor-tracker.js" data-affitor-api-base="' + api.origin + '"></script>' }) + '?aff=P1');
      await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
      const [click] = await expectApiCalls(api, {
        endpoint: 'click',
        count: 1,
        action: () => page.evaluate(() => (window as any).affitor.init({ programId: 1, allowBots: true })),
      });
      expect(click.body.affiliate_url).toBe(url);
    });
  });

  // What a developer's own Playwright run is: navigator.webdriver and a HeadlessChrome user agent.
  test.describe(`${origin}: stock automation against a loopback API (the local sandbox)`, () => {
    test.use({ userAgent: HEADLESS_UA });
    test.beforeEach(async ({ page }) => {
      await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => true, configurable: true }));
    });

    test('the real sandbox on localhost records the click with no switch, and nothing is printed', async ({ page, shop, consoleLines }) => {
      const sandbox = await startSandbox({ port: 0, db: ':memory:' });
      try {
        const url = at(shop.page('/l', { tag: { apiBase: `http://localhost:${sandbox.port}` } }) + '?aff=PARTNER_A');
        await page.goto(url);
        expect(await readyData(page)).toMatchObject({ clickId: expect.stringMatching(/^cust_/), hasAttribution: true });
        const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as { partners: Array<{ code: string; clicks: number }> };
        expect(state.partners.find((p) => p.code === 'PARTNER_A')?.clicks).toBe(1);
        expect(affitorLines(consoleLines)).toEqual([]);
      } finally {
        await sandbox.close();
      }
    });

    for (const host of ['127.0.0.1', 'api.localhost']) {
      test(`an API on ${host} takes the click too`, async ({ page, shop }) => {
        const local = await startApiServer({ host });
        try {
          const url = at(shop.page('/l', { tag: { apiBase: local.origin } }) + '?aff=P1');
          const [click] = await expectApiCalls(local, { endpoint: 'click', count: 1, action: () => page.goto(url) });
          expect(click.body.affiliate_url).toBe(url);
        } finally {
          await local.close();
        }
      });
    }
  });

  for (const [name, userAgent, reason] of [
    ['a HeadlessChrome user agent', HEADLESS_UA, 'Headless'],
    ['a crawler user agent (Googlebot)', GOOGLEBOT_UA, 'bot'],
  ] as const) {
    test.describe(`${origin}: ${name}`, () => {
      test.use({ userAgent });
      test('no click is sent and nothing is written, and debug says why', async ({ page, api, shop, consoleLines }) => {
        const url = at(shop.page('/l', { tag: { debug: 'true' } }) + '?aff=P1');
        const posts = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
        expect(await hasLocks(page)).toBe(locks);
        expect(posts[0].body.additional_data).toEqual({ test_mode: true, program_id: 1 }); // the debug test pageview only
        expect(affitorLines(consoleLines).map((l) => l.text)).toContain(
          `[Affitor] Bot (${reason}), no click; see data-affitor-allow-bots`,
        );
        expect(await cookieJar(page.context())).toEqual({});
      });
    });
  }
}

test('the shared config is a normal Chrome: no webdriver, no headless marker (so every other spec sees clicks)', async ({ page, shop }) => {
  await page.goto(shop.page('/l', { tag: false }));
  expect(await page.evaluate(() => [navigator.webdriver, /headless/i.test(navigator.userAgent)])).toEqual([false, false]);
});
