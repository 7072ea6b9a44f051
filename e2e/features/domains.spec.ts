// .plus script: links and iframes to the merchant's other domains carry the click
// id as `affitor_cid` (never `aff`: no second click); the tracker there adopts it into its cookies
// and removes it from the address bar. Also data-affitor-clean-url. Two real origins:
// http://shop.test:PORT (the landing) and http://app.other.test:PORT (the app), one server.
import { test, expect, cookieJar, type Page } from '../support/fixtures';
import { expectApiCalls, leadBody } from '../support/events';
import { readyData, trackerLoaded } from '../support/tracker';
import type { TagOptions } from '../support/html';
import { PLUS_PATH, servePlus } from './pages';

const APP_HOST = 'app.other.test';
const plus = (extra: Record<string, string> = {}): TagOptions => ({ src: PLUS_PATH, extra });
const hrefOf = (page: Page, selector: string) => page.locator(selector).evaluate((a) => (a as HTMLAnchorElement | HTMLIFrameElement).getAttribute(a.tagName == 'A' ? 'href' : 'src'));

test.beforeEach(({ shop }) => servePlus(shop));

test('a link to a listed domain carries the click id; the app adopts it, cleans the URL, and its signup carries it', async ({ page, api, shop }) => {
  const app = shop.url('/signup?plan=pro', APP_HOST);
  const landing = shop.page('/l', {
    tag: plus({ domains: `${APP_HOST}, checkout.example.net` }),
    body: `<a id="go" href="${app}">Start</a>`,
  }) + '?aff=P1';
  shop.page('/signup', { tag: plus() });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
  await readyData(page);
  // Nothing is rewritten up front: the link changes when the visitor goes for it.
  expect(await hrefOf(page, '#go')).toBe(app);

  await expectApiCalls(api, {
    endpoint: 'click',
    count: 0,
    action: async () => {
      await Promise.all([page.waitForURL(/app\.other\.test.*\/signup/), page.click('#go')]);
      await trackerLoaded(page);
    },
  });
  const arrived = shop.url('/signup?plan=pro', APP_HOST);
  expect(page.url()).toBe(arrived); // affitor_cid removed by replaceState
  // What the app's server was asked for: the id arrived in the URL.
  expect(shop.requests.filter((r) => r.host.startsWith(APP_HOST) && r.path.startsWith('/signup')).map((r) => r.path)).toEqual([
    '/signup?plan=pro&affitor_cid=cust_1_1',
  ]);
  const jar = await cookieJar(page.context());
  const appCookies = (await page.context().cookies(shop.url('/', APP_HOST))).map((c) => `${c.name}=${c.value}@${c.domain}`).sort();
  expect(appCookies).toEqual(['affitor_click_id=cust_1_1@.other.test', 'affitor_click_ids=cust_1_1@.other.test', 'customer_code=cust_1_1@.other.test']);
  expect(jar.affitor_click_id.value).toBe('cust_1_1');
  expect(await page.evaluate(() => (window as any).affitor.getData())).toEqual({ clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: null });

  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitor.signup('u1', 'a@b.test')) });
  expect(lead.body).toEqual(
    leadBody({ customer_key: 'u1', email: 'a@b.test', click_id: 'cust_1_1', click_ids: ['cust_1_1'], page_url: arrived, program_id: 1, has_attribution: true }),
  );
});

test('only listed hosts and their subdomains are decorated, never with aff; other params are kept', async ({ page, api, shop }) => {
  const links = {
    exact: shop.url('/a?x=1', APP_HOST),
    sub: shop.url('/b', 'eu.app.other.test'),
    lookalike: shop.url('/c', 'evilapp.other.test'),
    unlisted: shop.url('/d', 'elsewhere.test'),
    own: shop.url('/e'),
  };
  const body = Object.entries(links).map(([id, href]) => `<a id="${id}" href="${href}">${id}</a>`).join('');
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l', { tag: plus({ domains: APP_HOST }), body }) + '?aff=P1') });
  await readyData(page);
  // pointerdown is where decoration happens (it also precedes a middle click or a context menu).
  for (const id of Object.keys(links)) {
    await page.locator('#' + id).dispatchEvent('pointerdown');
  }
  expect(await hrefOf(page, '#exact')).toBe(shop.url('/a?x=1&affitor_cid=cust_1_1', APP_HOST));
  expect(await hrefOf(page, '#sub')).toBe(shop.url('/b?affitor_cid=cust_1_1', 'eu.app.other.test'));
  expect(await hrefOf(page, '#lookalike')).toBe(links.lookalike);
  expect(await hrefOf(page, '#unlisted')).toBe(links.unlisted);
  expect(await hrefOf(page, '#own')).toBe(links.own);
});

test('no click id, no decoration; without data-affitor-domains, no decoration', async ({ page, shop }) => {
  const app = shop.url('/a', APP_HOST);
  await page.goto(shop.page('/plain', { tag: plus({ domains: APP_HOST }), body: `<a id="go" href="${app}">go</a>` }));
  await trackerLoaded(page);
  await page.locator('#go').dispatchEvent('pointerdown');
  expect(await hrefOf(page, '#go')).toBe(app);
});

test('iframes to a listed domain get the id once the click settles, and when added later', async ({ page, api, shop }) => {
  shop.page('/embed', { tag: false });
  const frameUrl = shop.url('/embed', APP_HOST);
  api.respond('click', { delayMs: 400 });
  const landing = shop.page('/l', { tag: plus({ domains: APP_HOST }), body: `<iframe id="f1" src="${frameUrl}"></iframe>` }) + '?aff=P1';
  await page.goto(landing);
  await expect.poll(() => hrefOf(page, '#f1')).toBe(shop.url('/embed?affitor_cid=cust_1_1', APP_HOST));
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.id = 'f2';
    f.src = src;
    document.body.appendChild(f);
  }, frameUrl);
  await expect.poll(() => hrefOf(page, '#f2')).toBe(shop.url('/embed?affitor_cid=cust_1_1', APP_HOST));
});

test('the app: its own aff landing wins over a hand-off; a malformed id is not adopted; both params leave the URL only as said', async ({ page, api, shop }) => {
  shop.page('/app', { tag: plus() });
  // Own landing: a real click for P2, no adoption of cust_9_9.
  const [click] = await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () => page.goto(shop.url('/app?aff=P2&affitor_cid=cust_9_9', APP_HOST)),
  });
  expect(click.body.affiliate_url).toBe(shop.url('/app?aff=P2&affitor_cid=cust_9_9', APP_HOST));
  expect(page.url()).toBe(shop.url('/app?aff=P2', APP_HOST));
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
});

const hostile = ['x;domain=evil.test', 'a b', 'a%0d%0aSet-Cookie:x=1', 'A'.repeat(201), '<img src=x>', ''];
for (const id of hostile) {
  test(`a malformed hand-off id is never adopted and never reaches a cookie: ${JSON.stringify(id.slice(0, 30))}`, async ({ page, api, shop }) => {
    shop.page('/app', { tag: plus() });
    await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.url('/app?affitor_cid=' + encodeURIComponent(id) + '&k=1', APP_HOST)) });
    await trackerLoaded(page);
    expect(page.url()).toBe(shop.url('/app?k=1', APP_HOST));
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBeNull();
  });
}

test('hand-off under consent mode: nothing stored before consent(true), adopted after', async ({ page, api, shop }) => {
  shop.page('/app', { tag: plus({ consent: 'required' }) });
  await page.goto(shop.url('/app?affitor_cid=cust_7_1', APP_HOST));
  await trackerLoaded(page);
  expect(page.url()).toBe(shop.url('/app', APP_HOST));
  expect(await page.context().cookies()).toEqual([]);
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.evaluate(() => (window as any).affitor.consent(true)) });
  const jar = await cookieJar(page.context());
  expect([jar.affitor_click_id?.value, jar.affitor_click_ids?.value]).toEqual(['cust_7_1', 'cust_7_1']);
});

test('data-affitor-clean-url="true" removes aff from the address bar after the click was captured', async ({ page, api, shop }) => {
  const url = shop.page('/l', { tag: plus({ 'clean-url': 'true' }) }) + '?utm_source=x&aff=P1#top';
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  expect(click.body.affiliate_url).toBe(url);
  expect(page.url()).toBe(shop.url('/l?utm_source=x#top'));
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
});

test('the main script ignores these options (they are .plus only): the URL stays as it is', async ({ page, api, shop }) => {
  const url = shop.page('/l', { tag: { extra: { 'clean-url': 'true' } } }) + '?aff=P1&affitor_cid=cust_5_5';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  expect(page.url()).toBe(url);
});
