// Server-controlled values that cookies cannot hold (docs/protocol.md §3.3, protocol §4.1): a huge
// `cookie_window_days` is capped at 400 days (Chrome's maximum) instead of turning every cookie into
// a session cookie (`expires=Invalid Date`), and a `click_id` the cookies cannot keep (empty, or too
// long for the 20-id list to fit one cookie) is refused as a final answer — not "saved" into
// cookies the browser silently drops, which made every later landing send a fresh click.
// Each runs on plain http (shop.test) and on a secure origin (localhost: Web Locks).
import { test, expect, BOTH_ORIGINS, affitorLines, cookieJar } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { expectLifetimeDays, getData, readyData } from '../support/tracker';

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    test('cookie_window_days 1e9: the cookies live 400 days, not for the session', async ({ page, api, shop }) => {
      api.respond('click', { body: { success: true, click_id: 'cust_1_9', partner_code: 'P1', cookie_window_days: 1e9 } });
      shop.page('/l');
      await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P1', host)) });
      await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_9');
      const cookies = await page.context().cookies();
      expect(cookies.map((c) => c.name).sort()).toEqual(['affitor_aff_url', 'affitor_click_id', 'affitor_click_ids', 'customer_code']);
      for (const c of cookies) expectLifetimeDays(c, 400);
    });

    for (const [name, clickId] of [
      ['5,000 characters long', 'c'.repeat(5000)],
      ['191 characters long (20 of them would not fit one cookie)', 'c'.repeat(191)],
      ['empty', ''],
    ] as const) {
      test(`a click_id ${name} is refused: nothing saved, no retry, and the next landing clicks once`, async ({ page, api, shop, consoleLines }) => {
        // Both clicks of the load — the landing's and debug mode's test pageview, which the debug
        // extras send once loaded on demand, in either order — get the odd id; a test pageview's
        // answer is never stored, so only the landing's counts.
        const odd = { body: { success: true, click_id: clickId, partner_code: 'P1', cookie_window_days: 60 } };
        api.respond('click', odd);
        api.respond('click', odd);
        shop.page('/l', { tag: { debug: 'true' } });
        const landing = shop.url('/l?aff=P1', host);
        // One click, and no retry of it: a refused id is a final answer.
        const clicks = await expectApiCalls(api, { endpoint: 'click', count: 2, action: () => page.goto(landing) });
        const click = clicks.find((c) => c.body.additional_data === undefined)!;
        expect(clicks.filter((c) => c.body.additional_data?.test_mode === true)).toHaveLength(1);
        expect(click.body.affiliate_url).toBe(landing);
        expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });
        expect(await getData(page)).toMatchObject({ clickId: null, hasAttribution: false });
        expect(await cookieJar(page.context())).toEqual({});
        expect(affitorLines(consoleLines).some((l) => l.text.startsWith('[Affitor] No usable click_id:'))).toBe(true);
        // The next landing asks again (the link may answer a usable id now) and keeps that one.
        await expectApiCalls(api, { endpoint: 'click', count: 2, action: () => page.goto(landing) });
        expect(await readyData(page)).toMatchObject({ clickId: expect.stringMatching(/^cust_1_/), hasAttribution: true });
        expect((await cookieJar(page.context())).affitor_click_id.value).toMatch(/^cust_1_/);
      });
    }
  });
}
