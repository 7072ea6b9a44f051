// After optOut() nothing of that visitor is stored or sent, and every promise the page holds still
// settles — also for calls already under way: a signup waiting for the landing's click, a lead
// between retries. Each runs on plain http (shop.test) and on a secure origin (localhost, where
// the landing's click runs under a Web Lock).
import { test, expect, BOTH_ORIGINS, cookieJar, type Page } from '../support/fixtures';
import { faults } from '../support/api-server';
import { expectApiCalls } from '../support/events';

/** What the visitor's browser holds of us: cookie names and the stored-leads entry. */
const leftovers = async (page: Page) => ({
  cookies: Object.keys(await cookieJar(page.context())).sort(),
  storedLeads: await page.evaluate(() => localStorage.getItem('affitor_pending_leads')),
});

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    test('a signup waiting for the landing\'s click, then optOut(): the signup settles, nothing is stored or sent', async ({ page, api, shop }) => {
      api.respond('click', faults.hold());
      shop.page('/l');
      await page.goto(shop.url('/l?aff=P1', host));
      await api.waitFor('click', 1);
      await page.evaluate(() => {
        const w = window as any;
        w.affitor.signup('u1', 'a@b.com').then(() => (w.__signupSettled = true));
        w.affitor.optOut();
      });
      await expectApiCalls(api, {
        endpoint: 'lead',
        count: 0,
        action: async () => {
          api.release();
          // It waits up to 3 s for the click, then must settle.
          await page.waitForFunction(() => (window as any).__signupSettled === true, null, { timeout: 8000 });
          expect(await page.evaluate(() => new Promise((resolve) => (window as any).affitor.ready(() => resolve('ready'))))).toBe('ready');
        },
      });
      expect(await leftovers(page)).toEqual({ cookies: ['affitor_consent'], storedLeads: null });
      // And nothing comes back on the next page.
      await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => page.goto(shop.url('/l', host)) });
      expect(await leftovers(page)).toEqual({ cookies: ['affitor_consent'], storedLeads: null });
    });

    test('a lead between retries, then optOut(): no further attempt, its stored copy stays erased', async ({ page, api, shop }) => {
      api.respond('lead', faults.status(503));
      shop.page('/l');
      await page.goto(shop.url('/l', host));
      // Resolves after the first attempt (answered 503); its retry is due 0.5–1 s later.
      await page.evaluate(() => (window as any).affitor.signup('u1', 'a@b.com'));
      expect(api.posts('lead')).toHaveLength(1);
      expect((await leftovers(page)).storedLeads).toContain('a@b.com');
      await page.evaluate(() => (window as any).affitor.optOut());
      await expectApiCalls(api, { endpoint: 'lead', count: 0, settleMs: 2500 });
      expect(await leftovers(page)).toEqual({ cookies: ['affitor_consent'], storedLeads: null });
    });
  });
}
