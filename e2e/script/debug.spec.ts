// Protocol §7: debug mode explains itself, self-tests cookies, sends one test
// pageview that writes no cookies; with debug off the tracker is silent except for real errors.
import { test, expect, cookieJar } from '../support/fixtures';
import { faults } from '../support/api-server';
import { expectApiCalls, clickBody, deviceFields } from '../support/events';
import { blockCookies, trackerLoaded } from '../support/tracker';

test('debug on, plain visit: [Affitor] lines, cookie self-test passed, exactly one test pageview, no cookies', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/p', { tag: { debug: 'true', programId: '12' } });
  const [pageview] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url), settleMs: 2500 });
  expect(pageview.body).toEqual(
    clickBody(await deviceFields(page), { affiliate_url: url, additional_data: { test_mode: true, program_id: 12 } }),
  );
  expect(await page.context().cookies()).toEqual([]);
  const lines = consoleLines.filter((l) => l.text.includes('Affitor'));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) expect(l.text.startsWith('[Affitor]'), l.text).toBe(true);
  const texts = lines.map((l) => l.text);
  expect(texts.some((t) => t.startsWith('[Affitor] Affitor tracker initialized:'))).toBe(true);
  expect(texts.some((t) => t.startsWith('[Affitor] Using program ID:') && t.includes('12'))).toBe(true);
  expect(texts.some((t) => t.includes('Cookie verification PASSED'))).toBe(true);
  expect(texts.some((t) => t.includes('Sending test click event:'))).toBe(true);
});

test('debug on, ?aff= landing: one real click writing cookies, one test pageview writing none', async ({ page, api, shop, consoleLines }) => {
  const landing = shop.page('/l', { tag: { debug: 'true' } }) + '?aff=P1';
  const clicks = await expectApiCalls(api, { endpoint: 'click', count: 2, action: () => page.goto(landing), settleMs: 2500 });
  const real = clicks.filter((c) => c.body.additional_data === undefined);
  const testViews = clicks.filter((c) => c.body.additional_data !== undefined);
  expect(real).toHaveLength(1);
  expect(testViews).toHaveLength(1);
  expect(testViews[0].body.additional_data).toEqual({ test_mode: true, program_id: 1 });
  expect(testViews[0].body.existing_click_id).toBeUndefined();
  const jar = await cookieJar(page.context());
  expect(Object.keys(jar).sort()).toEqual(['affitor_aff_url', 'affitor_click_id', 'affitor_click_ids', 'customer_code']);
  expect(jar.affitor_click_id.value).toBe('cust_1_1');
  expect(consoleLines.some((l) => l.text === '[Affitor] Click tracked, click_id saved: cust_1_1')).toBe(true);
});

test('debug on: the test pageview is never retried or persisted', async ({ page, api, shop }) => {
  api.respond('click', faults.status(503));
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () => page.goto(shop.page('/p', { tag: { debug: 'true' } })),
    settleMs: 3500,
  });
  expect(await page.context().cookies()).toEqual([]);
  // The next load sends its own single pageview, nothing resent.
  const [next] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.reload(), settleMs: 2000 });
  expect(next.body.additional_data).toEqual({ test_mode: true, program_id: 1 });
});

test('debug on without a program id: no test pageview, an error instead', async ({ page, api, shop, consoleLines }) => {
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 0,
    action: () => page.goto(shop.page('/p', { tag: { debug: 'true', programId: null } })),
  });
  expect(consoleLines.filter((l) => l.type === 'error').length).toBeGreaterThanOrEqual(1);
});

test('debug on: a lead carries debug_mode true and "no attribution" is explained', async ({ page, api, shop, consoleLines }) => {
  await page.goto(shop.page('/p', { tag: { debug: 'true' } }));
  await trackerLoaded(page);
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitor.signup('u1')) });
  expect(lead.body.debug_mode).toBe(true);
  const texts = consoleLines.map((l) => l.text);
  expect(texts).toContain('[Affitor] Signup tracked without affiliate attribution');
  await expect.poll(() => consoleLines.some((l) => l.text.startsWith('[Affitor] Signup tracked successfully'))).toBe(true);
});

test('debug on with cookies blocked: the self-test warns that cookies may be blocked', async ({ page, shop, consoleLines }) => {
  await blockCookies(page);
  await page.goto(shop.page('/p', { tag: { debug: 'true' } }));
  await trackerLoaded(page);
  await expect
    .poll(() => consoleLines.some((l) => l.type === 'warning' && l.text.includes('Cookie verification FAILED - cookies may be blocked')))
    .toBe(true);
});

test('debug off: a landing, a signup and an SPA switch print nothing at all', async ({ page, api, shop, consoleLines }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitor.signup('u1', 'a@b.com')) });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => history.pushState(null, '', '/l?aff=P2')) });
  expect(consoleLines).toEqual([]);
});

test('debug off: a failing click is not logged (click failures are debug-only)', async ({ page, api, shop, consoleLines }) => {
  api.respond('click', faults.status(400));
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  expect(consoleLines).toEqual([]);
});

test('debug on with a real ?aff= landing against the production API base: a warning that real data is created', async ({ page, shop, consoleLines }) => {
  // Production must not be contacted from tests: answer it here.
  await page.route('https://api.affitor.com/**', (route) =>
    route.fulfill({
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Content-Type': 'application/json' },
      body: JSON.stringify({ success: true, click_id: 'cust_9_1', partner_code: 'P1', cookie_window_days: 60 }),
    }),
  );
  await page.goto(shop.page('/p', { tag: { debug: 'true', apiBase: null } }) + '?aff=P1');
  await trackerLoaded(page);
  // The wording is the tracker's own; the contract asks for a warning that real data is created.
  await expect
    .poll(() => consoleLines.filter((l) => l.type === 'warning' && l.text.startsWith('[Affitor]') && /production|real/i.test(l.text)).length)
    .toBe(1);
});
