// Issue 5 item 6: clicks from obvious automation are not sent, with an escape hatch and a debug
// line saying why. The shared config presents a normal Chrome (playwright.config.ts); each test
// here puts one bot signal back on purpose.
import { test, expect, affitorLines, cookieJar } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readyData, trackerLoaded } from '../support/tracker';

const HEADLESS_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36';
const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

test.describe('navigator.webdriver', () => {
  test.beforeEach(async ({ page }) => {
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => true, configurable: true }));
  });

  test('no click is sent; debug says why; ready still fires; signup still posts', async ({ page, api, shop, consoleLines }) => {
    const url = shop.page('/l', { tag: { debug: 'true' } }) + '?aff=P1';
    // Only the debug test pageview goes out (it is no attribution click).
    const posts = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
    expect(posts[0].body.additional_data).toEqual({ test_mode: true, program_id: 1 });
    expect(affitorLines(consoleLines).map((l) => l.text)).toContain(
      '[Affitor] Bot (webdriver), no click; see data-affitor-allow-bots',
    );
    expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });
    expect(await cookieJar(page.context())).toEqual({});
    await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitor.signup('u1')) });
  });

  test('SPA navigations and trackClick() send nothing either', async ({ page, api, shop }) => {
    await page.goto(shop.page('/app'));
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
  });

  test('data-affitor-allow-bots="true" sends the click', async ({ page, api, shop }) => {
    const url = shop.page('/l', { tag: { extra: { 'allow-bots': 'true' } } }) + '?aff=P1';
    const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
    expect(click.body.affiliate_url).toBe(url);
  });

  test('init({ allowBots: true }) sends the click', async ({ page, api, shop }) => {
    const url = shop.page('/l', { tag: false, head: '<script src="/affitor-tracker.js" data-affitor-api-base="' + api.origin + '"></script>' }) + '?aff=P1';
    await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
    const [click] = await expectApiCalls(api, {
      endpoint: 'click',
      count: 1,
      action: () => page.evaluate(() => (window as any).affitor.init({ programId: 1, allowBots: true })),
    });
    expect(click.body.affiliate_url).toBe(url);
  });
});

for (const [name, userAgent, reason] of [
  ['a HeadlessChrome user agent', HEADLESS_UA, 'Headless'],
  ['a crawler user agent (Googlebot)', GOOGLEBOT_UA, 'bot'],
] as const) {
  test.describe(name, () => {
    test.use({ userAgent });
    test('no click is sent, and debug says why', async ({ page, api, shop, consoleLines }) => {
      const url = shop.page('/l', { tag: { debug: 'true' } }) + '?aff=P1';
      const posts = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
      expect(posts[0].body.additional_data).toEqual({ test_mode: true, program_id: 1 }); // the debug test pageview only
      expect(affitorLines(consoleLines).map((l) => l.text)).toContain(
        `[Affitor] Bot (${reason}), no click; see data-affitor-allow-bots`,
      );
    });
  });
}

test('the shared config is a normal Chrome: no webdriver, no headless marker (so every other spec sees clicks)', async ({ page, shop }) => {
  await page.goto(shop.page('/l', { tag: false }));
  expect(await page.evaluate(() => [navigator.webdriver, /headless/i.test(navigator.userAgent)])).toEqual([false, false]);
});
