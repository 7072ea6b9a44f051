// Security checks not covered by e2e/script/containment.spec.ts (hostile `aff`, hostile
// data-affitor-cookie-domain, strict CSP and Trusted Types for the main script): hostile values
// from the API and from the new config attributes never reach a cookie attribute, and the .plus
// script with every option on works under a strict CSP and Trusted Types.
import { test, expect, cookieJar } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readyData, trackerLoaded } from '../support/tracker';
import { PLUS_PATH, servePlus } from './pages';

test.beforeEach(({ shop }) => servePlus(shop));

const hostileIds = ['x; domain=evil.test; path=/evil', 'a\r\nSet-Cookie: evil=1', 'x;expires=Thu, 01 Jan 2099 00:00:00 GMT;Secure'];
for (const id of hostileIds) {
  test(`a hostile click_id from the API stays inside the cookie value: ${JSON.stringify(id)}`, async ({ page, api, shop }) => {
    api.respond('click', { body: { success: true, click_id: id, cookie_window_days: '1; domain=evil.test' } });
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
    await readyData(page);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name).sort()).toEqual(['affitor_aff_url', 'affitor_click_id', 'affitor_click_ids', 'customer_code']);
    for (const c of cookies) {
      expect([c.name, c.domain, c.path, c.secure, c.httpOnly]).toEqual([c.name, '.shop.test', '/', false, false]);
      // A string cookie_window_days is ignored: 60 days.
      expect(Math.round((c.expires - Date.now() / 1000) / 86400)).toBe(60);
    }
    expect(decodeURIComponent((await cookieJar(page.context())).affitor_click_id.value)).toBe(id);
    expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe(id);
  });
}

test('hostile config attributes (domains, consent, allow-bots, clean-url, stripe) never reach a cookie attribute or the DOM', async ({ page, api, shop }) => {
  const evil = '"><img src=x onerror="window.__xss=1">; domain=evil.test; path=/x';
  const extra = { domains: evil, consent: evil, 'allow-bots': evil, 'clean-url': evil, stripe: evil };
  const app = 'http://evil.test/';
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () => page.goto(shop.page('/l', { tag: { src: PLUS_PATH, extra }, body: `<a id="a" href="${app}">a</a>` }) + '?aff=P1'),
  });
  await readyData(page);
  await page.locator('#a').dispatchEvent('pointerdown');
  expect(await page.locator('#a').getAttribute('href')).toBe(app);
  expect(await page.evaluate(() => [(window as any).__xss, document.images.length])).toEqual([undefined, 0]);
  for (const c of await page.context().cookies()) expect([c.domain, c.path]).toEqual(['.shop.test', '/']);
});

test('.plus with every option on, under a strict CSP and Trusted Types: works, no violations', async ({ page, api, shop }) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.route('https://buy.stripe.com/**', (route) => route.fulfill({ body: 'ok' }));
  const body =
    '<a id="app" href="http://app.other.test/x">app</a><a id="pay" href="https://buy.stripe.com/t">pay</a>' +
    '<stripe-pricing-table id="t"></stripe-pricing-table>';
  const url = shop.page('/csp', {
    tag: { src: PLUS_PATH, extra: { domains: 'app.other.test', stripe: 'true', 'clean-url': 'true', consent: 'required' } },
    body,
    headers: {
      'Content-Security-Policy': `default-src 'none'; script-src 'self'; connect-src ${api.origin}; frame-src 'none'; require-trusted-types-for 'script'; trusted-types 'none'`,
    },
  });
  await page.goto(url + '?aff=P1');
  await trackerLoaded(page);
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => (window as any).affitor.consent(true)) });
  await expect.poll(() => page.locator('#t').getAttribute('client-reference-id')).toBe('affitor_cust_1_1');
  await page.locator('#app').dispatchEvent('pointerdown');
  await page.locator('#pay').dispatchEvent('pointerdown');
  expect(await page.locator('#app').getAttribute('href')).toBe('http://app.other.test/x?affitor_cid=cust_1_1');
  expect(await page.locator('#pay').getAttribute('href')).toBe('https://buy.stripe.com/t?client_reference_id=affitor_cust_1_1');
  expect(page.url()).toBe(url);
  expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
});
