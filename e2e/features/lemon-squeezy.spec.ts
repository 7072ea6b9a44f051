// `.plus` script, data-affitor-lemon-squeezy="true": Lemon Squeezy checkout links and lemon.js
// overlay buttons carry the click id as checkout[custom][affitor_click_id] (which Lemon Squeezy
// returns as meta.custom_data to the webhook), rewritten when followed. On plain http and on a
// secure origin (localhost: Web Locks, the locked landing path).
import { test, expect, BOTH_ORIGINS, type Page } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readyData, trackerLoaded } from '../support/tracker';
import type { TagOptions } from '../support/html';
import { PLUS_PATH, servePlus } from './pages';

const LEMON: TagOptions = { src: PLUS_PATH, extra: { 'lemon-squeezy': 'true' } };
const CHECKOUT = 'https://shop.lemonsqueezy.com/buy/6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d?checkout%5Bemail%5D=a%40b.test';
const PARAM = 'checkout[custom][affitor_click_id]';
const href = (page: Page, selector: string) => page.locator(selector).evaluate((e) => e.getAttribute('href'));
// What lemon.js does with an overlay button: on click, open the link's href in its iframe
// overlay instead of navigating (stood in for by recording it; lemon.js itself is not reachable).
const LEMON_JS_STAND_IN = `<script>window.opened = [];
document.addEventListener('click', (e) => { const b = e.target.closest('a.lemonsqueezy-button'); if (b) { e.preventDefault(); window.opened.push(b.href); } });</script>`;

test.beforeEach(({ shop }) => servePlus(shop));

for (const [origin, host] of BOTH_ORIGINS) {
  const at = (url: string) => url.replace('//shop.test:', `//${host}:`);

  test(`${origin}: a checkout link carries the click id when followed, the link's own parameters kept`, async ({ page, api, shop }) => {
    const visited: string[] = [];
    await page.route('https://shop.lemonsqueezy.com/**', (route) => {
      visited.push(route.request().url());
      return route.fulfill({ body: 'checkout', contentType: 'text/plain' });
    });
    await expectApiCalls(api, {
      endpoint: 'click',
      count: 1,
      action: () => page.goto(at(shop.page('/l', { tag: LEMON, body: `<a id="buy" href="${CHECKOUT}">Buy</a>` })) + '?aff=P1'),
    });
    await readyData(page);
    await Promise.all([page.waitForURL(/lemonsqueezy\.com/), page.click('#buy')]);
    expect(visited).toHaveLength(1);
    const params = new URL(visited[0]).searchParams;
    expect(params.get(PARAM)).toBe('cust_1_1');
    expect(params.get('checkout[email]')).toBe('a@b.test');
  });

  test(`${origin}: a lemon.js overlay button opens with the click id; a stale id is replaced`, async ({ page, api, shop }) => {
    const stale = `${CHECKOUT}&${encodeURIComponent(PARAM)}=cust_1_old&embed=1`;
    const body = `<a id="buy" class="lemonsqueezy-button" href="${stale}">Buy</a>${LEMON_JS_STAND_IN}`;
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(at(shop.page('/l', { tag: LEMON, body })) + '?aff=P1') });
    await readyData(page);
    await page.click('#buy');
    const opened: string[] = await page.evaluate(() => (window as any).opened);
    expect(opened).toHaveLength(1);
    expect(new URL(opened[0]).searchParams.getAll(PARAM)).toEqual(['cust_1_1']);
    expect(new URL(opened[0]).searchParams.get('embed')).toBe('1');
  });
}

test('other Lemon Squeezy pages, other sites, and pages without the attribute (or with the main script) are left alone', async ({ page, api, shop }) => {
  const links = `<a id="store" href="https://shop.lemonsqueezy.com/">Store</a><a id="other" href="https://example.com/buy/1">Other</a><a id="buy" href="${CHECKOUT}">Buy</a>`;
  for (const [tag, decorated] of [
    [LEMON, true],
    [{ src: PLUS_PATH }, false],
    [{ extra: { 'lemon-squeezy': 'true' } }, false],
  ] as [TagOptions, boolean][]) {
    await page.context().clearCookies();
    await page.goto(shop.page('/l', { tag, body: links }) + '?aff=P1');
    await trackerLoaded(page);
    await readyData(page);
    for (const id of ['#store', '#other', '#buy']) await page.locator(id).dispatchEvent('pointerdown');
    expect(await href(page, '#store')).toBe('https://shop.lemonsqueezy.com/');
    expect(await href(page, '#other')).toBe('https://example.com/buy/1');
    expect(new URL((await href(page, '#buy'))!).searchParams.get(PARAM)).toBe(decorated ? 'cust_1_1' : null);
  }
  expect(api.posts('click')).toHaveLength(3);
});
