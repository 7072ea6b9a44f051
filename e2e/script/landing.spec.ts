// Protocol §3.3, protocol §4: the landing click (exact body, transport) and its cookies.
import { test, expect, cookieJar, recordFetchInits, fetchInits } from '../support/fixtures';
import { faults } from '../support/api-server';
import { expectApiCalls, clickBody, deviceFields, sessionTime } from '../support/events';
import { expectLifetimeDays, getData, seedCookies, trackerLoaded } from '../support/tracker';

test('?aff= landing: one preflighted POST with the exact §3.3 body, JSON only, no auth, no credentials', async ({ page, api, shop }) => {
  await recordFetchInits(page);
  const landing = shop.page('/pricing', { title: 'Pricing — Shop' }) + '?aff=PARTNER1&utm_source=x';
  shop.page('/from', { tag: false, body: `<a id="go" href="${landing}">go</a>` });
  await page.goto(shop.url('/from'));
  const started = Date.now();
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.click('#go') });

  expect(click.body).toEqual(
    clickBody(await deviceFields(page), { affiliate_url: landing, page_title: 'Pricing — Shop', referrer_url: shop.url('/from') }),
  );
  expect(sessionTime(click.body.session_id)).toBeGreaterThanOrEqual(started - 1000);
  expect(sessionTime(click.body.session_id)).toBeLessThanOrEqual(Date.now());
  expect(click.headers['content-type']).toBe('application/json');
  expect(click.headers.authorization).toBeUndefined();
  expect(click.headers.cookie).toBeUndefined();
  expect(click.headers.origin).toBe(shop.origin);
  expect(api.preflights('click')).toHaveLength(1);
  expect(api.requests).toHaveLength(2);

  const inits = await fetchInits(page);
  expect(inits).toHaveLength(1);
  expect(inits[0]).toMatchObject({ url: `${api.origin}/api/v1/track/click`, method: 'POST', keepalive: true });
  expect(inits[0].credentials ?? 'same-origin').not.toBe('include');
  expect(Object.keys(inits[0].headers)).toEqual(['content-type']);
});

test('the click never goes by sendBeacon', async ({ page, api, shop }) => {
  await page.addInitScript(() => {
    (window as any).__beacons = 0;
    navigator.sendBeacon = () => ((window as any).__beacons++, true);
  });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/b') + '?aff=P1') });
  expect(await page.evaluate(() => (window as any).__beacons)).toBe(0);
});

test('success writes the four cookies: values, path=/, SameSite=Lax, not Secure on http, 60 days, root domain', async ({ page, api, shop }) => {
  const landing = shop.page('/l') + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name).sort()).toEqual(['affitor_aff_url', 'affitor_click_id', 'affitor_click_ids', 'customer_code']);
  const jar = await cookieJar(page.context());
  expect(jar.affitor_click_id.value).toBe('cust_1_1');
  expect(jar.customer_code.value).toBe('cust_1_1');
  expect(jar.affitor_click_ids.value).toBe('cust_1_1');
  expect(decodeURIComponent(jar.affitor_aff_url.value)).toBe(landing);
  for (const c of cookies) {
    expect(c, c.name).toMatchObject({ path: '/', sameSite: 'Lax', secure: false, httpOnly: false, domain: '.shop.test' });
    expectLifetimeDays(c, 60);
  }
  expect(await getData(page)).toEqual({ clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: landing });
});

test('cookie lifetime follows the answer\'s cookie_window_days', async ({ page, api, shop }) => {
  api.respond('click', faults.windowDays(7));
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  for (const c of await page.context().cookies()) expectLifetimeDays(c, 7);
});

for (const days of [0, -3, '30'] as const) {
  test(`cookie_window_days ${JSON.stringify(days)} is not a positive number: 60 days`, async ({ page, api, shop }) => {
    api.respond('click', { body: { success: true, click_id: 'cust_1_77', partner_code: 'P1', cookie_window_days: days } });
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
    const jar = await cookieJar(page.context());
    expect(jar.affitor_click_id.value).toBe('cust_1_77');
    expectLifetimeDays(jar.affitor_click_id, 60);
  });
}

for (const host of ['localhost', '127.0.0.1']) {
  test(`on ${host} the cookies are host-only`, async ({ page, api, shop }) => {
    shop.page('/l');
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P1', host)) });
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(4);
    for (const c of cookies) expect(c.domain, c.name).toBe(host);
  });
}

test('on a subdomain the probe picks the broadest domain that sticks and leaves no probe cookie', async ({ page, api, shop }) => {
  shop.page('/l');
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P1', 'www.shop.test')) });
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => `${c.name}@${c.domain}`).sort()).toEqual([
    'affitor_aff_url@.shop.test',
    'affitor_click_id@.shop.test',
    'affitor_click_ids@.shop.test',
    'customer_code@.shop.test',
  ]);
});

test('affitor_aff_url keeps ; , " and spaces out of the cookie, and still decodes to the same aff', async ({ page, api, shop }) => {
  const landing = shop.page('/odd') + '?aff=P1&note=a;b,c"d e';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
  const href = await page.evaluate(() => location.href);
  const jar = await cookieJar(page.context());
  expect(jar.affitor_aff_url.value).not.toMatch(/[;,"\s\\]/);
  expect(new URL(decodeURIComponent(jar.affitor_aff_url.value)).searchParams.get('aff')).toBe('P1');
  // The other cookies survived (a raw ';' would have cut the value; a raw ',' can split cookies).
  expect(jar.affitor_click_id.value).toBe('cust_1_1');
  expect(api.posts('click')[0].body.affiliate_url).toBe(href);
});

test('affitor_click_ids: deduped, oldest → newest, at most 20, a re-click moves to the end', async ({ page, api, shop }) => {
  const old = Array.from({ length: 20 }, (_, i) => `cust_1_${100 + i}`);
  // The server hands out cust_1_1 next; put it in the list's middle to see it move to the end.
  const seeded = [...old.slice(0, 10), 'cust_1_1', ...old.slice(10, 19)];
  await seedCookies(page.context(), shop.origin, {
    affitor_click_id: old[18],
    affitor_aff_url: encodeURIComponent(shop.url('/?aff=OLD')),
    affitor_click_ids: encodeURIComponent(seeded.join('|')),
  });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=NEW') });
  const ids = decodeURIComponent((await cookieJar(page.context())).affitor_click_ids.value).split('|');
  expect(ids).toEqual([...old.slice(0, 10), ...old.slice(10, 19), 'cust_1_1']);
  expect(await page.evaluate(() => (window as any).affitor.getClickIds())).toEqual(ids);
});

test('the list keeps only the newest 20 ids', async ({ page, api, shop }) => {
  const old = Array.from({ length: 20 }, (_, i) => `cust_1_${100 + i}`);
  await seedCookies(page.context(), shop.origin, {
    affitor_click_id: old[19],
    affitor_aff_url: encodeURIComponent(shop.url('/?aff=OLD')),
    affitor_click_ids: encodeURIComponent(old.join('|')),
  });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=NEW') });
  const ids = decodeURIComponent((await cookieJar(page.context())).affitor_click_ids.value).split('|');
  expect(ids).toEqual([...old.slice(1), 'cust_1_1']);
});

test('the write-ahead record exists while the click is in flight and is deleted on success', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  const landing = shop.page('/l') + '?aff=P1';
  await page.goto(landing);
  const [click] = await api.waitFor('click', 1);
  const pending = (await cookieJar(page.context())).affitor_pending_click;
  expect(pending, 'affitor_pending_click while in flight').toBeTruthy();
  const record = JSON.parse(decodeURIComponent(pending.value));
  expect(record).toMatchObject({
    affiliate_url: landing,
    page_url: landing,
    page_title: 'Shop',
    referrer_url: '',
    session_id: click.body.session_id,
  });
  expect(typeof record.attempts).toBe('number');
  expect(Math.abs(record.first_ts - Date.now())).toBeLessThan(60_000);
  expectLifetimeDays(pending, 1);
  api.release();
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  expect((await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
});

test('a plain visit (no aff, no cookies) makes no request at all and has no attribution', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/plain')) });
  await trackerLoaded(page);
  expect(api.requests).toEqual([]);
  expect(await getData(page)).toEqual({ clickId: null, programId: 1, hasAttribution: false, affiliateUrl: null });
  expect(await page.context().cookies()).toEqual([]);
});

test('an empty ?aff= counts as absent', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/e') + '?aff=') });
  expect(api.requests).toEqual([]);
});
