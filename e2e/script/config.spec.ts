// Protocol §2: configuration from the script's own tag, every tag style.
import { test, expect, affitorLines, cookieJar } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { getData, trackerLoaded } from '../support/tracker';
import type { TagMode } from '../support/html';

const MISSING_PROGRAM = '[Affitor] Affitor program ID not found — set it via init({ programId }).';

for (const mode of ['plain', 'defer', 'async', 'injected'] as TagMode[]) {
  test(`${mode} tag: reads its own attributes and tracks the landing once`, async ({ page, api, shop }) => {
    const url = shop.page('/land', { tag: { mode, programId: '42' } }) + '?aff=P1';
    const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
    expect(click.body.affiliate_url).toBe(url);
    await trackerLoaded(page);
    expect((await getData(page)).programId).toBe(42);
    expect((await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  });
}

test('data-affitor-program-id wins over data-affitor-program and window.AFFITOR_PROGRAM_ID', async ({ page, shop }) => {
  shop.serve('/both', {
    body: `<!doctype html><title>Shop</title><script>window.AFFITOR_PROGRAM_ID = 3</script>
<script src="/affitor-tracker.js" data-affitor-program="2" data-affitor-program-id="1" data-affitor-api-base="http://api.test:1"></script>`,
  });
  await page.goto(shop.url('/both'));
  await trackerLoaded(page);
  expect((await getData(page)).programId).toBe(1);
});

test('data-affitor-program is used when data-affitor-program-id is absent, and wins over the global', async ({ page, shop }) => {
  const url = shop.page('/legacy-attr', {
    head: '<script>window.AFFITOR_PROGRAM_ID = 3</script>',
    tag: { programId: '7', legacyProgramAttribute: true },
  });
  await page.goto(url);
  await trackerLoaded(page);
  expect((await getData(page)).programId).toBe(7);
});

test('window.AFFITOR_PROGRAM_ID is the last fallback, parsed as a number', async ({ page, shop }) => {
  const url = shop.page('/global', { head: `<script>window.AFFITOR_PROGRAM_ID = '15'</script>`, tag: { programId: null } });
  await page.goto(url);
  await trackerLoaded(page);
  expect((await getData(page)).programId).toBe(15);
});

test('a non-numeric program id counts as missing: exact error, and clicks still track', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/nan', { tag: { programId: 'abc' } }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  expect((await getData(page)).programId).toBeNull();
  expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual([MISSING_PROGRAM]);
});

test('no program id anywhere: one exact console.error, the click and a lead with program_id null still post', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/none', { tag: { programId: null } }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  const [lead] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: () => page.evaluate(() => (window as any).affitor.signup('user_1')),
  });
  expect(lead.body.program_id).toBeNull();
  expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual([MISSING_PROGRAM]);
});

for (const [value, on] of [
  ['true', true],
  [' TRUE ', true],
  ['True', true],
  ['false', false],
  ['1', false],
  ['yes', false],
  ['', false],
] as const) {
  test(`data-affitor-debug=${JSON.stringify(value)} turns debug ${on ? 'on' : 'off'}`, async ({ page, api, shop, consoleLines }) => {
    await page.goto(shop.page('/debug', { tag: { debug: value } }));
    await trackerLoaded(page);
    const [lead] = await expectApiCalls(api, {
      endpoint: 'lead',
      count: 1,
      action: () => page.evaluate(() => (window as any).affitor.signup('user_1')),
    });
    expect(lead.body.debug_mode).toBe(on);
    expect(affitorLines(consoleLines).length > 0).toBe(on);
  });
}

test('data-affitor-api-base: a trailing slash is removed', async ({ page, api, shop }) => {
  const url = shop.page('/slash', { tag: { apiBase: api.origin + '/' } }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  expect(api.requests.map((r) => r.path)).toEqual(['/api/v1/track/click', '/api/v1/track/click']);
});

test('without data-affitor-api-base the API is https://api.affitor.com, never the script host', async ({ page, api, shop }) => {
  const seen: string[] = [];
  // Production must not be contacted from tests: answer its preflight/POST here and record the URL.
  await page.route('https://api.affitor.com/**', (route) => {
    seen.push(`${route.request().method()} ${route.request().url()}`);
    return route.fulfill({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Content-Type': 'application/json' },
      body: JSON.stringify({ success: true, click_id: 'cust_9_1', partner_code: 'P1', cookie_window_days: 60 }),
    });
  });
  const url = shop.page('/default-base', { tag: { apiBase: null } }) + '?aff=P1';
  await page.goto(url);
  await expect.poll(() => seen.filter((s) => s.startsWith('POST'))).toEqual(['POST https://api.affitor.com/api/v1/track/click']);
  expect(shop.requests.filter((r) => r.path.startsWith('/api/'))).toEqual([]);
  expect(api.requests).toEqual([]);
});

test('data-affitor-cookie-domain is used verbatim instead of the probe', async ({ page, api, shop }) => {
  shop.page('/cfg-domain', { tag: { cookieDomain: 'www.shop.test' } });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/cfg-domain?aff=P1', 'www.shop.test')) });
  const jar = await cookieJar(page.context());
  // The probe alone would pick .shop.test (broadest first).
  expect(jar.affitor_click_id?.domain).toBe('.www.shop.test');
});

for (const bad of ['.shop.test; secure', '.shop.test,evil.test', 'shop.test=x', 'shop .test']) {
  test(`an unsafe data-affitor-cookie-domain ${JSON.stringify(bad)} is rejected with an error, and auto applies`, async ({
    page,
    api,
    shop,
    consoleLines,
  }) => {
    shop.page('/bad-domain', { tag: { cookieDomain: bad } });
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/bad-domain?aff=P1', 'www.shop.test')) });
    // The API has the click; its answer's cookies are written a moment later.
    const cookieDomains = async () => (await page.context().cookies()).map((c) => [c.name, c.domain]).sort();
    await expect.poll(cookieDomains).toEqual(
      [
        ['affitor_aff_url', '.shop.test'],
        ['affitor_click_id', '.shop.test'],
        ['affitor_click_ids', '.shop.test'],
        ['customer_code', '.shop.test'],
      ].sort(),
    );
    expect(consoleLines.some((l) => l.type === 'error' && l.text.startsWith('[Affitor]'))).toBe(true);
  });
}

test('a later init(opts) keeps the options it omits (project)', async ({ page, api, shop }) => {
  await page.goto(shop.page('/reinit', { tag: { programId: '1', debug: 'true' } }));
  await trackerLoaded(page);
  await page.evaluate(() => (window as any).affitor.init({ programId: 9 }));
  const [lead] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: () => page.evaluate(() => (window as any).affitor.signup('user_1')),
  });
  // Same API base (it reached this server), debug still on, new program id.
  expect(lead.body.program_id).toBe(9);
  expect(lead.body.debug_mode).toBe(true);
});

test('document.currentScript null (e.g. Rocket Loader, eval-injected): the first tagged script supplies the config', async ({ page, api, shop }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Document.prototype, 'currentScript', { get: () => null, configurable: true });
  });
  const url = shop.page('/no-current', { tag: { programId: '31' } }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  expect((await getData(page)).programId).toBe(31);
});
