// Checks the harness itself (servers, faults, CORS), independent of the tracker, so a failing
// tracker spec can be trusted to be about the tracker.
import { test, expect } from './fixtures';
import { faults } from './api-server';

const post = ([url, body]: readonly [string, unknown]) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(
    async (r) => ({ status: r.status, text: await r.text() }),
    (e: Error) => ({ status: 0, text: e.message }),
  );

test('a page on shop.test reaches the API on api.test cross-origin, with a real preflight', async ({ page, api, shop }) => {
  await page.goto(shop.page('/', { tag: false }));
  const result = await page.evaluate(post, [`${api.origin}/api/v1/track/click`, { affiliate_url: 'http://x.test/?aff=P1' }] as const);
  expect(JSON.parse(result.text)).toEqual({ success: true, click_id: 'cust_1_1', partner_code: 'P1', cookie_window_days: 60 });
  expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['OPTIONS /api/v1/track/click', 'POST /api/v1/track/click']);
  expect(api.preflights('click')[0].headers['access-control-request-headers']).toBe('content-type');
  expect(api.posts('click')[0].headers.origin).toBe(shop.origin);
});

test('queued faults answer the next N posts, then normal answers resume', async ({ page, api, shop }) => {
  await page.goto(shop.page('/', { tag: false }));
  api.respond('click', faults.status(503), 2);
  api.respond('click', faults.drop());
  api.respond('click', faults.nonJson());
  api.respond('click', faults.inactiveLink());
  api.respond('click', faults.windowDays(7));
  const url = `${api.origin}/api/v1/track/click`;
  const body = { affiliate_url: 'http://x.test/?aff=P1' };
  const results = [];
  for (let i = 0; i < 7; i++) results.push(await page.evaluate(post, [url, body] as const));
  expect(results.map((r) => r.status)).toEqual([503, 503, 0, 200, 200, 200, 200]);
  expect(results[3].text).toBe('<html>gateway says hi</html>');
  expect(JSON.parse(results[4].text)).toEqual({ success: false, message: 'Referral link is inactive' });
  expect(JSON.parse(results[5].text).cookie_window_days).toBe(7);
  expect(JSON.parse(results[6].text).cookie_window_days).toBe(60);
  expect(api.posts('click')).toHaveLength(7);
});

test('hold keeps a request open until release; delay answers late', async ({ page, api, shop }) => {
  await page.goto(shop.page('/', { tag: false }));
  api.respond('lead', faults.hold());
  const pending = page.evaluate(post, [`${api.origin}/api/v1/track/lead`, { customer_key: 'k' }] as const);
  await api.waitFor('lead', 1);
  await page.waitForTimeout(300);
  api.release();
  expect((await pending).status).toBe(200);
  api.respond('lead', faults.delay(400));
  const started = Date.now();
  await page.evaluate(post, [`${api.origin}/api/v1/track/lead`, { customer_key: 'k' }] as const);
  expect(Date.now() - started).toBeGreaterThanOrEqual(400);
});

test('the pages server serves the built tracker and the host script', async ({ page, shop }) => {
  const res = await page.goto(shop.url('/affitor-tracker.js'));
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-type']).toBe('text/javascript');
  await page.goto(shop.page('/p', { tag: false }));
  expect(await page.evaluate(() => (window as unknown as { __hostAfter: number }).__hostAfter)).toBe(1);
});
