// The every-page file (affitor-tracker.js) loads the core (affitor-tracker.core.js) from beside
// itself when a page needs more than a plain visit. Where the core is slow, answers 404 or is
// blocked by the page's CSP, nothing the page started is lost or counted twice: a landing's click
// has already left from the every-page file, written ahead, and the next page with a core finishes
// it; a pending record stays for the next page. Each case on plain http and on a secure origin,
// where the landing takes the Web Locks path. "Counted once" is what an API that deduplicates a
// retried click by session_id sees: every POST of one click carries one session_id.
import { test, expect, BOTH_ORIGINS, affitorLines, cookieJar, type Shop } from '../support/fixtures';
import { CORE_PATH, SINGLE_TRACKER_PATH, TRACKER_PATH } from '../support/pages-server';
import { readyData, seedCookies } from '../support/tracker';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const CORE = readFileSync(resolve(process.cwd(), 'dist' + CORE_PATH));
const DELAY_MS = 3000;

type Fault = 'delayed' | '404' | 'blocked by CSP';
const FAULTS: Fault[] = ['delayed', '404', 'blocked by CSP'];

/** Serves the core with `fault`; the page's CSP (when blocked) allows the every-page file's URL only. */
function breakCore(shop: Shop, fault: Fault, host: string): Record<string, string> {
  if (fault === 'delayed') shop.serve(CORE_PATH, { body: CORE, contentType: 'text/javascript', delayMs: DELAY_MS });
  if (fault === '404') shop.serve(CORE_PATH, { body: 'not here', status: 404, contentType: 'text/plain' });
  return fault === 'blocked by CSP' ? { 'Content-Security-Policy': `script-src ${shop.url(TRACKER_PATH, host)} 'unsafe-inline'` } : {};
}
const fixCore = (shop: Shop) => shop.serve(CORE_PATH, { body: CORE, contentType: 'text/javascript' });
const coreRequests = (shop: Shop) => shop.requests.filter((r) => r.path === CORE_PATH);

for (const [origin, host] of BOTH_ORIGINS) {
  for (const fault of FAULTS) {
    test.describe(`${origin}, core ${fault}`, () => {
      test('landing: the click leaves at once; its answer is applied by the core, or by the next page; one session', async ({ page, api, shop, consoleLines }) => {
        const headers = breakCore(shop, fault, host);
        shop.page('/l', { headers });
        shop.page('/next');
        await page.goto(shop.url('/l?aff=P1', host));
        const [click] = await api.waitFor('click', 1);
        // Sent without waiting for the core: delayed, the core is answered DELAY_MS after it is asked for.
        if (fault === 'delayed') expect(click.time).toBeLessThan(coreRequests(shop)[0].time + DELAY_MS);
        // ready fires on every path: once the core took the answer over, or once it is known missing.
        await readyData(page);
        if (fault === 'delayed') {
          await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value, { timeout: 10_000 }).toBe('cust_1_1');
          expect(await page.evaluate(() => (window as any).affitor.getData())).toMatchObject({ clickId: 'cust_1_1', hasAttribution: true });
        } else {
          // The answer waits for a page that has the core: the write-ahead record is still there.
          expect((await cookieJar(page.context())).affitor_pending_click).toBeTruthy();
          expect((await cookieJar(page.context())).affitor_click_id).toBeUndefined();
          expect(affitorLines(consoleLines).map((l) => l.text).join('\n')).toContain('affitor-tracker.core.js');
        }
        fixCore(shop);
        await page.goto(shop.url('/next', host));
        await expect.poll(async () => (await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
        const id = (await cookieJar(page.context())).affitor_click_id?.value;
        expect(id).toMatch(/^cust_1_\d$/);
        expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe(id);
        const clicks = api.posts('click');
        expect(clicks.length).toBe(fault === 'delayed' ? 1 : 2);
        expect(new Set(clicks.map((c) => c.body.session_id))).toEqual(new Set([click.body.session_id]));
      });

      test('signup before the core: run once the core is there; without it, written ahead and sent by the next page with the core; once', async ({ page, api, shop, consoleLines }) => {
        const headers = breakCore(shop, fault, host);
        const url = shop.page('/s', { headers }).replace('shop.test', host);
        shop.page('/next');
        await seedCookies(page.context(), url, { affitor_click_id: 'cust_1_7' });
        await page.goto(url);
        await page.evaluate(() => (window as any).affitor.signup('user_1', 'ann@example.com'));
        if (fault === 'delayed') {
          // Run by the core as the call it is: its promise settles after the lead's first attempt.
          expect(api.posts('lead')).toHaveLength(1);
        } else {
          expect(api.posts('lead')).toHaveLength(0);
          expect(affitorLines(consoleLines).filter((l) => l.type === 'error').map((l) => l.text).join('\n')).toContain('affitor-tracker.core.js');
        }
        // The plain-visit answers never needed the core.
        expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe('cust_1_7');
        // The next page, with the core: the lead written ahead goes out there (core missing), or
        // was sent by this page's core and is not sent again (delayed).
        fixCore(shop);
        await page.goto(shop.url('/next', host));
        await expect.poll(() => page.evaluate(() => localStorage.getItem('affitor_pending_leads'))).toBeNull();
        await readyData(page);
        const leads = api.posts('lead');
        expect(leads).toHaveLength(1);
        expect(leads[0].body).toMatchObject({ customer_key: 'user_1', email: 'ann@example.com', click_id: 'cust_1_7', program_id: 1 });
      });

      test('return visit with a pending click: kept while the core is missing, resent once it is there, one session', async ({ page, api, shop }) => {
        const headers = breakCore(shop, fault, host);
        shop.page('/r', { headers });
        shop.page('/next');
        const url = shop.url('/r', host);
        const record = {
          affiliate_url: shop.url('/l?aff=P1', host),
          page_url: shop.url('/l?aff=P1', host),
          page_title: 'Shop',
          referrer_url: '',
          session_id: 'sess_abcdefghi_' + Date.now(),
          attempts: 1,
          first_ts: Date.now(),
        };
        await seedCookies(page.context(), url, { affitor_pending_click: encodeURIComponent(JSON.stringify(record)) });
        await page.goto(url);
        if (fault === 'delayed') {
          await api.waitFor('click', 1, 10_000);
          await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
        } else {
          // ready fires once the core is known missing (a 404, or a request the CSP never let out).
          await readyData(page);
          expect(coreRequests(shop)).toHaveLength(fault === '404' ? 1 : 0);
          expect(api.posts('click')).toHaveLength(0);
          expect((await cookieJar(page.context())).affitor_pending_click).toBeTruthy();
          fixCore(shop);
          await page.goto(shop.url('/next', host));
          await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
        }
        await expect.poll(async () => (await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
        const clicks = api.posts('click');
        expect(clicks).toHaveLength(1);
        expect(clicks[0].body.session_id).toBe(record.session_id);
      });
    });
  }
}

test('a plain visit requests the every-page file only, sends nothing, and answers from it alone', async ({ page, api, shop }) => {
  const url = shop.page('/plain');
  await seedCookies(page.context(), url, { affitor_click_id: 'cust_1_7', affitor_aff_url: encodeURIComponent(shop.url('/l?aff=P1')), affitor_click_ids: 'cust_1_3%7Ccust_1_7' });
  await page.goto(url);
  expect(await readyData(page)).toEqual({ clickId: 'cust_1_7', programId: 1, hasAttribution: true, affiliateUrl: shop.url('/l?aff=P1') });
  expect(await page.evaluate(() => (window as any).affitor.getClickIds())).toEqual(['cust_1_3', 'cust_1_7']);
  await page.waitForTimeout(300);
  expect(shop.requests.map((r) => r.path).filter((p) => p.startsWith('/affitor-tracker'))).toEqual([TRACKER_PATH]);
  expect(api.requests).toEqual([]);
});

test('a return visit through the same partner\'s link sends nothing and needs no core', async ({ page, api, shop }) => {
  const landing = shop.page('/l') + '?aff=P1';
  await seedCookies(page.context(), landing, { affitor_click_id: 'cust_1_7', affitor_aff_url: encodeURIComponent(landing) });
  await page.goto(landing);
  expect(await readyData(page)).toMatchObject({ clickId: 'cust_1_7', hasAttribution: true, affiliateUrl: landing });
  await page.waitForTimeout(300);
  expect(shop.requests.map((r) => r.path).filter((p) => p.startsWith('/affitor-tracker'))).toEqual([TRACKER_PATH]);
  expect(api.requests).toEqual([]);
});

test('the core pinned by integrity: a core with other bytes is refused, the click is still written ahead', async ({ page, api, shop }) => {
  shop.serve(CORE_PATH, { body: CORE.toString() + '\n//', contentType: 'text/javascript' });
  await page.goto(shop.page('/l') + '?aff=P1');
  await api.waitFor('click', 1);
  await readyData(page);
  expect((await cookieJar(page.context())).affitor_pending_click).toBeTruthy();
  expect((await cookieJar(page.context())).affitor_click_id).toBeUndefined();
});

test('a tag of the core on its own does nothing and says what to do', async ({ page, api, shop, consoleLines }) => {
  shop.serve('/own', { body: `<!doctype html><script src="${CORE_PATH}"></script>`, contentType: 'text/html' });
  await page.goto(shop.url('/own?aff=P1'));
  await expect.poll(() => affitorLines(consoleLines).map((l) => l.text).join('\n')).toContain('loaded by affitor-tracker.js');
  expect(api.requests).toEqual([]);
});

test('the single-file variant: one request, a landing tracked', async ({ page, api, shop }) => {
  shop.page('/one', { tag: { src: SINGLE_TRACKER_PATH } });
  await page.goto(shop.url('/one?aff=P1'));
  await api.waitFor('click', 1);
  expect((await readyData(page)).clickId).toBe('cust_1_1');
  expect(shop.requests.map((r) => r.path).filter((p) => p.startsWith('/affitor-tracker'))).toEqual([SINGLE_TRACKER_PATH]);
});
