// Two tabs of one browser on a partner link (fault benchmark finding "second tab"): while the first
// tab's click is still in flight, its write-ahead `affitor_pending_click` is visible to the second.
// The same link must be the same click — resent with the first tab's session_id, the idempotency key
// a server deduplicates on (contract §3.4, §10 rule 19) — while another partner's link still wins.
import { test, expect, cookieJar } from '../support/fixtures';
import { faults } from '../support/api-server';
import { expectApiCalls } from '../support/events';

test('a second tab on the same partner link resends the first tab\'s click: one session_id, no second click', async ({ page, api, shop }) => {
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
