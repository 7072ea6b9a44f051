// The script ↔ server cookie contract (protocol §4, protocol §8.3): the server helpers read
// exactly what the script wrote, from the real Cookie header Chromium sends to the merchant's own
// server; and the Set-Cookie values of the Safari refresh helper are the script's cookies, field for
// field, which the script then reads back on the next load as if it had written them itself.
//
// The merchant server here is real (node:http on http://shop.test:PORT) and calls the server
// helpers from src/server exactly as an integrator's backend would; the API is the recording
// server of e2e/support, on another origin.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, type BrowserContext, type Cookie, type Page } from '../support/fixtures';
import { readCore, readTracker } from '../support/pages-server';
import { readyData } from '../support/tracker';
import type { ApiServer } from '../support/api-server';
import {
  affitorCookieRefresh,
  clickIdFromCookieHeader,
  clickIdFromRequest,
  clickIdsFromCookieHeader,
  refreshAffitorCookies,
} from '../../src/server/index';

/** The domain the script's probe picks on http://shop.test (protocol §4.3); the refresh must match it. */
const COOKIE_DOMAIN = '.shop.test';
const ATTRIBUTION_COOKIES = ['affitor_click_id', 'customer_code', 'affitor_aff_url', 'affitor_click_ids'];

// Odd but valid click ids: the API may answer any string, and each of these needs encoding in a
// cookie (`;` `,` `"` space, `%`, `=`, `+`, `/`, `?`, `&`, `#`, non-ASCII, an emoji's surrogate pair).
const IDS = ['cust_1_1715000000000', 'test_a;b,c "quoted" 100%25 = +plus', 'cust_ünï/cödé?q=1&x#frag_😀'];
// Partner codes that need encoding in the landing URL, and so in `affitor_aff_url`.
const PARTNERS = ['PARTNER_A', 'Partner B é', 'C&D%26'];

interface Merchant {
  origin: string;
  /** What the server helpers made of each page request's real Cookie header, in order. */
  seen: Array<{ path: string; cookie: string; clickId: string | null; clickIds: string[] }>;
  /** The Cookie header `/issue` re-issues from (a header the browser sent earlier). */
  issueFrom: string;
  close(): Promise<void>;
}

async function startMerchant(api: ApiServer): Promise<Merchant> {
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">
<script src="/tracker.js" data-affitor-program-id="1" data-affitor-api-base="${api.origin}"></script>
</head><body><h1>Shop</h1></body></html>`;
  const merchant: Merchant = { origin: '', seen: [], issueFrom: '', close: async () => {} };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/tracker.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      return res.end(readTracker());
    }
    // What the tracker loads from beside itself.
    if (path === '/affitor-tracker.core.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      return res.end(readCore());
    }
    const cookie = req.headers.cookie ?? '';
    merchant.seen.push({ path, cookie, clickId: clickIdFromRequest(req), clickIds: clickIdsFromCookieHeader(cookie) });
    // The Safari recipe: re-issue on an HTML response of the merchant's own origin.
    if (path === '/refresh') refreshAffitorCookies(req, res, { domain: COOKIE_DOMAIN });
    // The same helper fed a header from an earlier visit: cookies only the server has written.
    if (path === '/issue') res.setHeader('Set-Cookie', affitorCookieRefresh(merchant.issueFrom, { domain: COOKIE_DOMAIN, secure: false }));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(path === '/issue' ? '<!doctype html><title>Issued</title>' : page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  merchant.origin = `http://shop.test:${(server.address() as AddressInfo).port}`;
  merchant.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return merchant;
}

// Each test makes 5–6 page loads with real clicks; on a loaded 2-core machine that can pass 30 s.
test.describe.configure({ timeout: 90_000 });

const test2 = test.extend<{ merchant: Merchant }>({
  merchant: async ({ api }, use) => {
    const merchant = await startMerchant(api);
    await use(merchant);
    await merchant.close();
  },
});

const landingUrl = (merchant: Merchant, partner: string) => `${merchant.origin}/landing?aff=${encodeURIComponent(partner)}`;

/** Three landings from three partners (each a switch), the API answering the odd ids in turn. */
async function landThreeTimes(page: Page, api: ApiServer, merchant: Merchant) {
  for (let i = 0; i < IDS.length; i++) {
    api.respond('click', { body: { success: true, click_id: IDS[i], partner_code: PARTNERS[i], cookie_window_days: 60 } });
    await page.goto(landingUrl(merchant, PARTNERS[i]));
    expect((await readyData(page)).clickId, `landing ${i + 1} took the API's click id`).toBe(IDS[i]);
  }
  expect(api.posts('click').map((r) => r.body.existing_click_id)).toEqual([undefined, IDS[0], IDS[1]]);
}

/** The context's attribution cookies, by name; fails if a name appears twice (two domains or paths). */
async function attributionCookies(context: BrowserContext): Promise<Record<string, Cookie>> {
  const all = (await context.cookies()).filter((c) => ATTRIBUTION_COOKIES.includes(c.name));
  expect(all.map((c) => c.name).sort(), 'each attribution cookie exactly once').toEqual([...ATTRIBUTION_COOKIES].sort());
  return Object.fromEntries(all.map((c) => [c.name, c]));
}

/** Every field equal, except `expires`, which may differ by the seconds between the two writes. */
function expectSameCookie(actual: Cookie, expected: Cookie, slackSeconds: number) {
  const { expires: actualExpires, ...actualRest } = actual;
  const { expires: expectedExpires, ...expectedRest } = expected;
  expect(actualRest, `${expected.name}: every field but expires`).toEqual(expectedRest);
  expect(Math.abs(actualExpires - expectedExpires), `${expected.name}: expires ${actualExpires} vs ${expectedExpires}`).toBeLessThan(slackSeconds);
}

test2('the server helpers read exactly what the script wrote, from the real Cookie header', async ({ page, api, merchant }) => {
  await landThreeTimes(page, api, merchant);
  await page.goto(`${merchant.origin}/account`);
  const sent = merchant.seen.at(-1)!;
  expect(sent.path).toBe('/account');

  expect(sent.clickId).toBe(IDS[2]);
  expect(clickIdFromCookieHeader(sent.cookie)).toBe(IDS[2]);
  expect(sent.clickIds).toEqual(IDS);
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe(sent.clickId);
  expect(await page.evaluate(() => (window as any).affitor.getClickIds())).toEqual(sent.clickIds);
  // The legacy copy reads the same when it is the only one left (protocol §4.2, protocol §8.3).
  const legacyOnly = sent.cookie
    .split('; ')
    .filter((pair) => !pair.startsWith('affitor_click_id='))
    .join('; ');
  expect(clickIdFromCookieHeader(legacyOnly)).toBe(IDS[2]);
});

test2('Set-Cookie from the Safari refresh helper equals the script’s cookies field by field, in place and alone', async ({ page, api, merchant }) => {
  await landThreeTimes(page, api, merchant);
  const written = await attributionCookies(page.context());
  expect(written.affitor_click_id.domain, 'the script probed the broadest domain').toBe(COOKIE_DOMAIN);

  // In place: the refresh on the next HTML response replaces each cookie, never adds a second one.
  await page.goto(`${merchant.origin}/refresh`);
  const header = merchant.seen.at(-1)!.cookie;
  const refreshed = await attributionCookies(page.context());
  for (const name of ATTRIBUTION_COOKIES) expectSameCookie(refreshed[name], written[name], 120);

  // Alone (Safari dropped every script-written cookie): only what the server sets is left.
  await page.context().clearCookies();
  merchant.issueFrom = header;
  await page.goto(`${merchant.origin}/issue`);
  const issued = await attributionCookies(page.context());
  for (const name of ATTRIBUTION_COOKIES) expectSameCookie(issued[name], written[name], 120);
});

test2('the script reads the server-issued cookies back as its own: id, ids, partner, no new click', async ({ page, api, merchant }) => {
  await landThreeTimes(page, api, merchant);
  await page.goto(`${merchant.origin}/account`);
  merchant.issueFrom = merchant.seen.at(-1)!.cookie;
  await page.context().clearCookies();
  await page.goto(`${merchant.origin}/issue`);
  const clicksBefore = api.posts('click').length;

  // Next load, no aff: a silent restore from the server's cookies.
  await page.goto(`${merchant.origin}/account`);
  expect(await readyData(page)).toEqual({
    clickId: IDS[2],
    programId: 1,
    hasAttribution: true,
    affiliateUrl: landingUrl(merchant, PARTNERS[2]),
  });
  expect(await page.evaluate(() => (window as any).affitor.getClickIds())).toEqual(IDS);

  // The same odd partner again: `affitor_aff_url` decoded to the same `aff`, so no click is sent.
  await page.goto(landingUrl(merchant, PARTNERS[2]));
  await readyData(page);
  expect(api.posts('click')).toHaveLength(clicksBefore);

  // Another partner: a switch carrying the server-issued id as existing_click_id.
  api.respond('click', { body: { success: true, click_id: IDS[2], partner_code: PARTNERS[0], cookie_window_days: 60 } });
  await page.goto(landingUrl(merchant, PARTNERS[0]));
  await readyData(page);
  const clicks = api.posts('click');
  expect(clicks).toHaveLength(clicksBefore + 1);
  expect(clicks.at(-1)!.body.existing_click_id).toBe(IDS[2]);
});
