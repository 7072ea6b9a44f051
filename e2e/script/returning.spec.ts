// Protocol §3.2, protocol §4.2: returning visitors, partner switch, silent restore, migration.
import { test, expect, cookieJar } from '../support/fixtures';
import { expectApiCalls, clickBody, deviceFields } from '../support/events';
import { expectLifetimeDays, getData, seedCookies, trackerLoaded } from '../support/tracker';

test('the same partner never re-tracks: a second landing with the same aff sends nothing', async ({ page, api, shop }) => {
  const first = shop.page('/a') + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(first) });
  const second = shop.page('/b') + '?aff=P1&utm_campaign=again';
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(second) });
  expect(api.requests.filter((r) => r.method === 'OPTIONS')).toHaveLength(1);
  expect(await getData(page)).toEqual({ clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: first });
});

test('a partner switch sends a click with existing_click_id and takes the new id', async ({ page, api, shop }) => {
  const first = shop.page('/a') + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(first) });
  const second = shop.page('/b') + '?aff=P2';
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(second) });
  expect(click.body).toEqual(clickBody(await deviceFields(page), { affiliate_url: second, existing_click_id: 'cust_1_1' }));
  const jar = await cookieJar(page.context());
  expect(jar.affitor_click_id.value).toBe('cust_1_2');
  expect(decodeURIComponent(jar.affitor_aff_url.value)).toBe(second);
  expect(decodeURIComponent(jar.affitor_click_ids.value)).toBe('cust_1_1|cust_1_2');
});

test('partner codes compare case-sensitively: p1 after P1 is a switch', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/a') + '?aff=P1') });
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/a?aff=p1')) });
  expect(click.body.existing_click_id).toBe('cust_1_1');
});

test('a click id without affitor_aff_url is not re-tracked, even for another partner (as Affitor)', async ({ page, api, shop }) => {
  await seedCookies(page.context(), shop.origin, { affitor_click_id: 'cust_1_500' });
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/a') + '?aff=P9') });
  expect(api.requests).toEqual([]);
  expect((await getData(page)).clickId).toBe('cust_1_500');
});

test('no aff with a click id: silent restore, no request', async ({ page, api, shop }) => {
  const landing = shop.page('/a') + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
  const before = api.requests.length;
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/docs')) });
  expect(api.requests.length).toBe(before);
  expect(await getData(page)).toEqual({ clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: landing });
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe('cust_1_1');
});

test('legacy customer_code only: migrated into affitor_click_id (path=/, 60 d), no request', async ({ page, api, shop }) => {
  await seedCookies(page.context(), shop.origin, { customer_code: 'cust_1_42' });
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/a')) });
  await trackerLoaded(page);
  const jar = await cookieJar(page.context());
  expect(jar.affitor_click_id?.value).toBe('cust_1_42');
  expect(jar.affitor_click_id).toMatchObject({ path: '/', sameSite: 'Lax' });
  expectLifetimeDays(jar.affitor_click_id, 60);
  expect(await getData(page)).toMatchObject({ clickId: 'cust_1_42', hasAttribution: true });
  expect(await page.evaluate(() => (window as any).affitor.getClickIds())).toEqual(['cust_1_42']);
  expect(api.requests).toEqual([]);
});

test('legacy customer_code with an earlier partner URL: a new partner switches with existing_click_id = the legacy id', async ({ page, api, shop }) => {
  await seedCookies(page.context(), shop.origin, {
    customer_code: 'cust_1_42',
    affitor_aff_url: encodeURIComponent(shop.url('/?aff=OLD')),
  });
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/a') + '?aff=NEW') });
  expect(click.body.existing_click_id).toBe('cust_1_42');
});

test('older cookie names (affiliate_url, partner_code, affiliate_data) are not read', async ({ page, api, shop }) => {
  await seedCookies(page.context(), shop.origin, {
    affiliate_url: encodeURIComponent(shop.url('/?aff=P1')),
    partner_code: 'P1',
    affiliate_data: 'x',
  });
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/a')) });
  await trackerLoaded(page);
  expect(await getData(page)).toEqual({ clickId: null, programId: 1, hasAttribution: false, affiliateUrl: null });
});
