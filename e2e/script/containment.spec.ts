// Protocol §6 "Containment", protocol §4.3: the tracker never breaks the host page.
// The fixture fails every test on any uncaught page error; these specs add the hostile setups.
import { test, expect, cookieJar, type Page } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readyData, trackerLoaded } from '../support/tracker';

const hostRan = (page: Page) => page.evaluate(() => (window as any).__hostAfter);

/** The page still works and every promise of the API settles without rejecting. */
async function expectHostUnharmed(page: Page) {
  await trackerLoaded(page);
  expect(await hostRan(page)).toBe(1);
  const outcome = await page.evaluate(() =>
    Promise.race([
      (window as any).affitor.signup('user_1', 'a@b.com').then(
        (v: unknown) => `resolved ${v}`,
        () => 'rejected',
      ),
      new Promise((r) => setTimeout(() => r('pending'), 8000)),
    ]),
  );
  expect(outcome).toBe('resolved undefined');
}

test('fetch missing: no error escapes, signup resolves', async ({ page, shop }) => {
  await page.addInitScript(() => {
    (window as any).fetch = undefined;
  });
  await page.goto(shop.page('/l') + '?aff=P1');
  await expectHostUnharmed(page);
  expect(await readyData(page)).toMatchObject({ hasAttribution: false });
});

test('fetch throwing synchronously (patched by a third party): no error escapes', async ({ page, shop }) => {
  await page.addInitScript(() => {
    window.fetch = () => {
      throw new TypeError('patched fetch exploded');
    };
  });
  await page.goto(shop.page('/l') + '?aff=P1');
  await expectHostUnharmed(page);
});

test('cookies blocked: the click is sent, nothing throws, the id lives in memory', async ({ page, api, shop }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDocumentCookieDisabled', { disabled: true });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  await expectHostUnharmed(page);
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe('cust_1_1');
});

test('document.cookie and localStorage throwing (as in a sandboxed frame): nothing escapes', async ({ page, api, shop }) => {
  await page.addInitScript(() => {
    const deny = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    Object.defineProperty(Document.prototype, 'cookie', { get: deny, set: deny, configurable: true });
    Object.defineProperty(window, 'localStorage', { get: deny, configurable: true });
  });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  await expectHostUnharmed(page);
});

test('inside a sandboxed iframe (opaque origin, storage throws): tracks without throwing', async ({ page, api, shop }) => {
  const frameErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('[Affitor]') && frameErrors.push(m.text()));
  shop.page('/inner');
  shop.page('/outer', { tag: false, body: `<iframe id="f" sandbox="allow-scripts" src="/inner?aff=P1"></iframe>` });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/outer')) });
  const frame = page.frames().find((f) => f.url().includes('/inner'))!;
  await frame.waitForFunction(() => (window as any).__hostAfter === 1);
  expect(frameErrors.filter((t) => /Uncaught/.test(t))).toEqual([]);
});

test('strict CSP (script-src self, connect-src the API): works, no violations', async ({ page, api, shop }) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const url = shop.page('/csp', {
    headers: { 'Content-Security-Policy': `default-src 'none'; script-src 'self'; connect-src ${api.origin}; style-src 'self'` },
  });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url + '?aff=P1') });
  await trackerLoaded(page);
  expect(await hostRan(page)).toBe(1);
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
});

test('CSP that blocks the API (connect-src self): no error escapes, the page goes on', async ({ page, api, shop }) => {
  const url = shop.page('/csp-block', { headers: { 'Content-Security-Policy': `default-src 'self'` } });
  await page.goto(url + '?aff=P1');
  await expectHostUnharmed(page);
  expect(api.requests).toEqual([]);
});

test("require-trusted-types-for 'script': works, no Trusted Types violation", async ({ page, api, shop }) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__violations.push(`${e.violatedDirective}`));
  });
  const url = shop.page('/tt', { headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'" } });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url + '?aff=P1') });
  await expectHostUnharmed(page);
  expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);
});

const oddValues: [string, string][] = [
  ['a lone %', '%'],
  ['a bad escape %E0%A4%A', '%E0%A4%A'],
  ['markup', '"><script>window.__xss=1</script><img src=x onerror="window.__xss=2">'],
  ['a cookie attribute', 'P1;domain=evil.test;path=/x'],
  ['a comma and quotes', 'a,b"c'],
  ['unicode', 'đối-tác-ü-💥'],
  ['5,000 characters', 'A'.repeat(5000)],
];
for (const [name, aff] of oddValues) {
  test(`odd aff value (${name}): one click, no injection into the DOM or cookie attributes`, async ({ page, api, shop }) => {
    shop.page('/l');
    const url = shop.url(`/l?aff=${encodeURIComponent(aff)}`);
    // Also the raw, unencoded form for the values a URL can carry raw.
    const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
    expect(new URL(click.body.affiliate_url).searchParams.get('aff')).toBe(aff);
    await expectHostUnharmed(page);
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    const cookies = await page.context().cookies();
    for (const c of cookies) {
      expect(c.domain, c.name).toBe('.shop.test');
      expect(c.path, c.name).toBe('/');
    }
    const jar = await cookieJar(page.context());
    if (jar.affitor_aff_url) {
      expect(new URL(decodeURIComponent(jar.affitor_aff_url.value)).searchParams.get('aff')).toBe(aff);
    }
    expect(jar.affitor_click_id?.value).toBe('cust_1_1');
  });
}

test('a raw, undecodable aff in the URL (?aff=50%) is handled without throwing', async ({ page, api, shop }) => {
  shop.page('/l');
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=50%')) });
  await expectHostUnharmed(page);
});

test('a hostile data-affitor-cookie-domain never becomes a cookie attribute', async ({ page, api, shop }) => {
  shop.page('/l', { tag: { cookieDomain: 'shop.test; path=/evil' } });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P1')) });
  for (const c of await page.context().cookies()) expect(c.path, c.name).toBe('/');
});
