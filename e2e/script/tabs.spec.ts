// Two tabs of one browser on a partner link (fault benchmark finding "second tab").
// Where the browser has Web Locks (secure contexts: every https site, and localhost here), the
// landing decision runs in one tab at a time and the lock is held until the click settles, so the
// second tab finds the first tab's click id and sends nothing. Without Web Locks (the http
// shop.test origin here), the second tab sees the first one's write-ahead `affitor_pending_click`
// and resends it with the same session_id, the idempotency key a server deduplicates on (contract
// protocol §3.4, §10.19). Either way another partner's link still wins.
import { test, expect, cookieJar } from '../support/fixtures';
import { faults } from '../support/api-server';
import { expectApiCalls } from '../support/events';

test('Web Locks: a second tab on the same link waits for the first tab\'s click and sends nothing', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  shop.page('/l');
  const landing = shop.url('/l?aff=P1', 'localhost');
  await page.goto(landing);
  expect(await page.evaluate(() => !!navigator.locks)).toBe(true);
  await api.waitFor('click', 1);
  const second = await page.context().newPage();
  await second.goto(landing);
  await second.waitForFunction(() => !!(window as any).affitor);
  await second.waitForTimeout(500);
  expect(api.posts('click')).toHaveLength(1);
  api.release();
  await expect.poll(() => second.evaluate(() => (window as any).affitor.getData().clickId)).toBe('cust_1_1');
  await second.waitForTimeout(500);
  expect(api.posts('click')).toHaveLength(1);
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe('cust_1_1');
});

test('Web Locks: two tabs opened on the same link at the same moment make one click', async ({ page, api, shop }) => {
  shop.page('/l');
  const landing = shop.url('/l?aff=P1', 'localhost');
  const second = await page.context().newPage();
  await Promise.all([page.goto(landing), second.goto(landing)]);
  for (const tab of [page, second]) {
    await expect.poll(() => tab.evaluate(() => (window as any).affitor?.getData().clickId)).toBe('cust_1_1');
  }
  await page.waitForTimeout(500);
  expect(api.posts('click')).toHaveLength(1);
});

test('without Web Locks: a second tab on the same partner link resends the first tab\'s click: one session_id, no second click', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  const landing = shop.page('/l') + '?aff=P1';
  await page.goto(landing);
  const [first] = await api.waitFor('click', 1);
  const second = await page.context().newPage();
  const [resent] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => second.goto(landing) });
  expect(resent.body).toEqual(first.body);
  api.release();
  await expect.poll(async () => (await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
  const clicks = api.posts('click');
  expect(clicks).toHaveLength(2);
  expect(new Set(clicks.map((c) => c.body.session_id)).size).toBe(1);
  expect((await cookieJar(page.context())).affitor_click_id?.value).toMatch(/^cust_1_[12]$/);
});

test('a second tab on another partner\'s link sends its own click with a new session_id (the new landing wins)', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  await page.goto(shop.page('/l') + '?aff=P1');
  const [first] = await api.waitFor('click', 1);
  const second = await page.context().newPage();
  const other = shop.page('/l') + '?aff=P2';
  const [own] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => second.goto(other) });
  api.release();
  expect(own.body.affiliate_url).toBe(other);
  expect(own.body.session_id).not.toBe(first.body.session_id);
});

test('Web Locks: the landing\'s click is written ahead before the lock is granted (a visitor may leave at once)', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  // Runs right after the tag, before the browser can grant the lock.
  shop.page('/l', { body: `<script>window.__pendingAtOnce = document.cookie.indexOf('affitor_pending_click=') >= 0;</script>` });
  await page.goto(shop.url('/l?aff=P1', 'localhost'));
  expect(await page.evaluate(() => (window as any).__pendingAtOnce)).toBe(true);
  await api.waitFor('click', 1);
  api.release();
});
