// protocol §12.2: `new AffitorTracker(options)` instances from the bundled library, as code written
// for Affitor's SDK makes them. Each instance's calls go to its own API with its own program id —
// retries and the next page's resends included — over the page's one attribution (cookies, guard).
// Two recording API servers stand for two APIs. Each runs on plain http (shop.test) and on a
// secure origin (localhost: Web Locks and cookieStore take the landing's other path).
import { test, expect, BOTH_ORIGINS, cookieJar, type Shop } from '../support/fixtures';
import { faults, startApiServer, type ApiServer } from '../support/api-server';
import { expectApiCalls } from '../support/events';
import { bundleApp } from '../support/bundle';
import { REPORT_SCRIPT, openWithoutDevTools, prerenderStart, reports } from '../support/prerender';

/** The second API of these tests: another recording server, on its own origin. */
const otherApi = test.extend<{ other: ApiServer }>({
  other: async ({}, use) => {
    const other = await startApiServer({ host: 'other-api.test' });
    await use(other);
    await other.close();
  },
});

/**
 * Serves `/app.js` (the bundled `source`) on a page at `path` and returns the page's URL on `host`.
 * The app exposes the library as `window.lib`, and instance `a` (program 1, `api`) and `b`
 * (program 2, `other`) as `window.a`, `window.b`.
 */
async function appPage(shop: Shop, api: ApiServer, other: ApiServer, host: string, path = '/app', source = '') {
  const app =
    `import * as lib from 'affitor-tracker'; window.lib = lib;` +
    `window.a = new lib.AffitorTracker({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });` +
    `window.b = new lib.AffitorTracker({ programId: 2, apiBase: ${JSON.stringify(other.origin)} });` +
    source;
  shop.serve('/app.js', { body: await bundleApp(app), contentType: 'text/javascript' });
  shop.page(path, { tag: false, body: '<script src="/app.js"></script>' });
  return shop.url(path, host);
}

const evaluate = <T>(page: import('@playwright/test').Page, fn: string) => page.evaluate(fn) as Promise<T>;

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(`${origin}:`, () => {
    otherApi('two instances: each click and lead reaches its own API with its own program id', async ({ page, api, other, shop }) => {
      const url = await appPage(shop, api, other, host);
      await page.goto(url);
      const [clickA] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => evaluate(page, `a.trackClick(location.origin + '/l?aff=PA')`) });
      expect(other.posts('click')).toEqual([]);
      expect(clickA.body.affiliate_url).toBe(shop.url('/l?aff=PA', host));
      const [clickB] = await expectApiCalls(other, { endpoint: 'click', count: 1, action: () => evaluate(page, `b.trackClick(location.origin + '/l?aff=PB')`) });
      expect(clickB.body.affiliate_url).toBe(shop.url('/l?aff=PB', host));
      expect(api.posts('click')).toHaveLength(1);
      // One visitor, one session: both instances' requests carry the page's session id.
      expect(clickB.body.session_id).toBe(clickA.body.session_id);
      expect(await evaluate(page, `[a.programId, b.programId, a.getData().programId, b.getData().programId]`)).toEqual([1, 2, 1, 2]);

      const [leadA] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => evaluate(page, `a.signup('user_a', 'a@example.com')`) });
      const [leadB] = await expectApiCalls(other, { endpoint: 'lead', count: 1, action: () => evaluate(page, `b.trackLead({ customer_key: 'user_b' })`) });
      expect([api.posts('lead').length, other.posts('lead').length]).toEqual([1, 1]);
      // The attribution is the page's: the latest click (b's) is the click id of both leads.
      expect([leadA.body.program_id, leadA.body.customer_key, leadA.body.click_id]).toEqual([1, 'user_a', 'cust_1_1']);
      expect([leadB.body.program_id, leadB.body.customer_key, leadB.body.click_id]).toEqual([2, 'user_b', 'cust_1_1']);
      expect(leadB.body.click_ids).toEqual(['cust_1_1']);
    });

    otherApi("two instances' calls made together, each waiting across awaits for a click in flight, reach their own APIs", async ({ page, api, other, shop }) => {
      api.respond('click', faults.hold());
      // No init(): the page's own settings are the defaults (the production API), never these calls'.
      const url = await appPage(shop, api, other, host);
      await page.goto(url);
      await evaluate(page, `window.calls = Promise.all([a.trackClick(location.origin + '/l?aff=PA'), b.signup('user_b'), a.signup('user_a'), b.trackLead({ customer_key: 'user_c' })]); 0`);
      await api.waitFor('click', 1);
      api.release();
      await evaluate(page, `calls.then(() => 0)`);
      const leads = [...api.posts('lead'), ...other.posts('lead')].map((lead) => [lead.body.customer_key, lead.body.program_id, lead.body.click_id]);
      expect(leads.sort()).toEqual([
        ['user_a', 1, 'cust_1_1'],
        ['user_b', 2, 'cust_1_1'],
        ['user_c', 2, 'cust_1_1'],
      ]);
      expect([api.posts('click').length, api.posts('lead').length, other.posts('click').length, other.posts('lead').length]).toEqual([1, 1, 0, 2]);
    });

    otherApi("an instance's init on a landing: its click goes to its API; init twice sends one click", async ({ page, api, other, shop }) => {
      other.respond('click', faults.hold());
      const url = await appPage(shop, api, other, host, '/app', `b.init(); b.init();`);
      await page.goto(url + '?aff=P1');
      await other.waitFor('click', 1);
      // In flight: a third init, and the exported init() of the page's tracker, send nothing new.
      await evaluate(page, `b.init(); lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} })`);
      other.release();
      await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
      await expectApiCalls(other, { endpoint: 'click', count: 0 });
      expect(other.posts('click')).toHaveLength(1);
      expect(api.posts('click')).toEqual([]);
      expect(await evaluate(page, `[b.getClickId(), a.getClickId(), lib.getClickId()]`)).toEqual(['cust_1_1', 'cust_1_1', 'cust_1_1']);
    });

    otherApi("an instance's landing too long for the write-ahead cookie: its click goes to its API", async ({ page, api, other, shop }) => {
      // Both URLs in the record (landing and page) exceed the 3,500 B it may take: not persisted.
      const landing = '?aff=P1&q=' + 'x'.repeat(2000);
      // Only the instance runs: the page's settings are the defaults (the production API).
      const url = await appPage(shop, api, other, host, '/app', `b.init();`);
      const [click] = await expectApiCalls(other, { endpoint: 'click', count: 1, action: () => page.goto(url + landing) });
      expect(click.body.affiliate_url).toBe(url + landing);
      await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
      expect((await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
    });

    otherApi("an instance's click and lead made while consent is pending go, on consent(true), to the instance's API with its program id", async ({ page, api, other, shop }) => {
      const url = await appPage(shop, api, other, host, '/app', `lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)}, consent: 'required' });`);
      await page.goto(url);
      await evaluate(page, `void b.trackClick(location.origin + '/l?aff=P1'); void b.signup('user_b', 'b@example.com'); void b.trackLead({ customer_key: 'user_b2' })`);
      await expectApiCalls(other, { endpoint: 'click', count: 0 });
      expect(api.requests).toEqual([]);
      const [click] = await expectApiCalls(other, { endpoint: 'click', count: 1, action: () => evaluate(page, `lib.consent(true)`) });
      expect(click.body.affiliate_url).toBe(shop.url('/l?aff=P1', host));
      const leads = await other.waitFor('lead', 2);
      expect(leads.map((lead) => [lead.body.customer_key, lead.body.program_id, lead.body.click_id]).sort()).toEqual([
        ['user_b', 2, 'cust_1_1'],
        ['user_b2', 2, 'cust_1_1'],
      ]);
      expect(api.requests).toEqual([]);
    });

    otherApi("a prerendered page: an instance's click, lead and ready wait until it is shown, then go to the instance's API", async ({ api, other, shop }) => {
      // A real prerender, in a Chromium without DevTools (e2e/support/prerender.ts).
      const source = REPORT_SCRIPT + `b.ready((data) => report('ready=' + data.clickId)); b.trackClick(location.origin + '/l?aff=P2'); b.signup('user_b', 'b@example.com'); report('ran');`;
      await appPage(shop, api, other, host, '/app', source);
      prerenderStart(shop, '/app');
      const close = await openWithoutDevTools(shop.url('/start', host));
      try {
        await expect.poll(() => reports(shop), { timeout: 15_000 }).toContain('ran&prerendering=true');
        await expectApiCalls(other, { endpoint: 'click', count: 0 });
        expect([api.requests, other.requests, reports(shop)]).toEqual([[], [], ['ran&prerendering=true']]);
        shop.serve('/go', { body: '/app', contentType: 'text/plain' });
        const [click] = await expectApiCalls(other, { endpoint: 'click', count: 1 });
        expect(click.body.affiliate_url).toBe(shop.url('/l?aff=P2', host));
        const [lead] = await other.waitFor('lead', 1);
        expect([lead.body.customer_key, lead.body.program_id, lead.body.click_id]).toEqual(['user_b', 2, 'cust_1_1']);
        await expect.poll(() => reports(shop)).toEqual(['ran&prerendering=true', 'ready=cust_1_1&prerendering=false']);
        await expectApiCalls(other, { endpoint: 'lead', count: 0 });
        expect([other.posts('click').length, other.posts('lead').length, api.requests.length]).toEqual([1, 1, 0]);
      } finally {
        await close();
      }
    });

    otherApi("the page's click that failed is resent to the page's API when an instance's init follows init() on the next plain page", async ({ page, api, other, shop }) => {
      api.respond('click', faults.drop());
      api.respond('click', faults.hold());
      const init = `lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`;
      const landing = await appPage(shop, api, other, host, '/l', init);
      await page.goto(landing + '?aff=P1');
      // The first attempt drops; the in-page retry is held, and the visitor leaves meanwhile.
      await api.waitFor('click', 2);
      // The next page has no aff: the page's pass waits for its task, and instance b starts first.
      const next = await appPage(shop, api, other, host, '/next', init + 'b.init();');
      const [resent] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(next) });
      expect(resent.body.affiliate_url).toBe(landing + '?aff=P1');
      expect(other.posts('click')).toEqual([]);
    });

    otherApi("an instance's click that failed is resent to the instance's API on the next page, not the next page's", async ({ page, api, other, shop }) => {
      other.respond('click', faults.drop());
      other.respond('click', faults.hold());
      const url = await appPage(shop, api, other, host);
      await page.goto(url);
      await evaluate(page, `void b.trackClick(location.origin + '/l?aff=P1')`);
      // The first attempt drops; the in-page retry is held, and the visitor leaves meanwhile.
      const [first, retry] = await other.waitFor('click', 2);
      expect(retry.body.session_id).toBe(first.body.session_id);
      // The next page runs only the page's tracker, on the other API.
      const next = await appPage(shop, api, other, host, '/next', `lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`);
      const [resent] = await expectApiCalls(other, { endpoint: 'click', count: 1, action: () => page.goto(next) });
      expect(resent.body.session_id).toBe(first.body.session_id);
      expect(resent.body.affiliate_url).toBe(shop.url('/l?aff=P1', host));
      expect(resent.body).not.toHaveProperty('api');
      expect(api.posts('click')).toEqual([]);
      await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
      expect((await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
    });

    otherApi("an instance's lead that failed is resent to the instance's API, with its program id, on the next page", async ({ page, api, other, shop }) => {
      other.respond('lead', faults.drop());
      other.respond('lead', faults.hold());
      const url = await appPage(shop, api, other, host);
      await page.goto(url);
      await evaluate(page, `void b.signup('user_b', 'b@example.com')`);
      const [first] = await other.waitFor('lead', 2);
      const next = await appPage(shop, api, other, host, '/next', `lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`);
      const [resent] = await expectApiCalls(other, { endpoint: 'lead', count: 1, action: () => page.goto(next) });
      expect(resent.body).toEqual(first.body);
      expect(resent.body.program_id).toBe(2);
      expect(api.posts('lead')).toEqual([]);
      // Delivered: nothing is left stored.
      await expect.poll(() => evaluate(page, `localStorage.getItem('affitor_pending_leads')`)).toBeNull();
    });

    otherApi('await trackClick(url) resolves after the answer, with the click id in memory and in document.cookie', async ({ page, api, other, shop }) => {
      other.respond('click', faults.hold());
      const url = await appPage(shop, api, other, host);
      await page.goto(url);
      await evaluate(page, `window.done = b.trackClick(location.origin + '/l?aff=P1').then(() => [b.getClickId(), document.cookie]); 0`);
      await other.waitFor('click', 1);
      expect(await evaluate(page, `Promise.race([done, Promise.resolve('pending')])`)).toBe('pending');
      other.release();
      const [clickId, cookies] = await evaluate<[string, string]>(page, `done`);
      expect(clickId).toBe('cust_1_1');
      expect(cookies.split('; ')).toContain('affitor_click_id=cust_1_1');
    });

    otherApi('getClickIds() accumulates: deduplicated, oldest → newest, the newest 20', async ({ page, api, other, shop }) => {
      const url = await appPage(shop, api, other, host);
      await page.goto(url);
      const click = (aff: string) => evaluate(page, `b.trackClick(location.origin + '/l?aff=${aff}')`);
      for (const aff of ['P1', 'P2', 'P3']) await click(aff);
      expect(await evaluate(page, `b.getClickIds()`)).toEqual(['cust_1_1', 'cust_1_2', 'cust_1_3']);
      // The API answers a known id again: it moves to the end, once.
      other.respond('click', { body: { success: true, click_id: 'cust_1_1', partner_code: 'P1', cookie_window_days: 60 } });
      await click('P1');
      expect(await evaluate(page, `[b.getClickIds(), a.getClickIds(), b.getClickId()]`)).toEqual([
        ['cust_1_2', 'cust_1_3', 'cust_1_1'],
        ['cust_1_2', 'cust_1_3', 'cust_1_1'],
        'cust_1_1',
      ]);
      for (let i = 4; i <= 22; i++) await click('P' + i);
      // 22 answers (cust_1_1 twice): the newest 20, oldest first — cust_1_2 and cust_1_3 fell off.
      const expected = ['cust_1_1', ...Array.from({ length: 19 }, (_, i) => `cust_1_${i + 4}`)];
      expect(await evaluate(page, `b.getClickIds()`)).toEqual(expected);
      expect(decodeURIComponent((await cookieJar(page.context())).affitor_click_ids.value).split('|')).toEqual(expected);
    });

    test('the exported init() twice on a landing whose click is in flight sends one click', async ({ page, api, shop }) => {
      api.respond('click', faults.hold());
      const source = `import { init } from 'affitor-tracker'; window.init = init; init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`;
      shop.serve('/app.js', { body: await bundleApp(source), contentType: 'text/javascript' });
      shop.page('/app', { tag: false, body: '<script src="/app.js"></script>' });
      await page.goto(shop.url('/app?aff=P1', host));
      await api.waitFor('click', 1);
      await page.evaluate(() => (window as any).init({ programId: 1 }));
      api.release();
      await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
      await expectApiCalls(api, { endpoint: 'click', count: 0 });
      expect(api.posts('click')).toHaveLength(1);
    });
  });
}

otherApi("cookie domain: an instance's is the page's when the page's tracker names none; one domain for every cookie", async ({ page, api, other, shop }) => {
  const source =
    `window.c = new lib.AffitorTracker({ programId: 3, apiBase: ${JSON.stringify(other.origin)}, cookieDomain: 'www.shop.test' });` +
    `window.d = new lib.AffitorTracker({ programId: 4, apiBase: ${JSON.stringify(other.origin)}, cookieDomain: 'shop.test' });`;
  // On www.shop.test the probed domain would be .shop.test.
  const url = await appPage(shop, api, other, 'www.shop.test', '/app', source);
  await page.goto(url);
  await page.evaluate(`c.trackClick(location.origin + '/l?aff=P1')`);
  // A second instance naming another domain writes under the page's, so no cookie exists twice.
  await page.evaluate(`d.trackClick(location.origin + '/l?aff=P2')`);
  const cookies = (await page.context().cookies()).filter((c) => c.name.startsWith('affitor_') || c.name == 'customer_code');
  expect(cookies.map((c) => [c.name, c.domain]).sort()).toEqual([
    ['affitor_aff_url', '.www.shop.test'],
    ['affitor_click_id', '.www.shop.test'],
    ['affitor_click_ids', '.www.shop.test'],
    ['customer_code', '.www.shop.test'],
  ]);
  expect(await page.evaluate(`c.getClickIds()`)).toEqual(['cust_1_1', 'cust_1_2']);
});
