// (.plus script, data-affitor-stripe="true"): Stripe Payment Links get
// client_reference_id=affitor_<clickId>, <stripe-pricing-table>/<stripe-buy-button> get the
// client-reference-id attribute, following DOM changes; Stripe's [A-Za-z0-9_-]{1,200} rule holds.
import { test, expect, type Page } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readyData, trackerLoaded } from '../support/tracker';
import type { TagOptions } from '../support/html';
import { clickIdFromClientReference } from '../../src/shared/stripe-reference';
import { PLUS_PATH, servePlus } from './pages';

const STRIPE: TagOptions = { src: PLUS_PATH, extra: { stripe: 'true' } };
const LINK = 'https://buy.stripe.com/test_6oE5lQ?prefilled_email=a%40b.test';
const attr = (page: Page, selector: string, name: string) => page.locator(selector).evaluate((e, n) => e.getAttribute(n), name);

test.beforeEach(({ shop }) => servePlus(shop));

test('a Payment Link carries client_reference_id=affitor_<clickId> when followed, and the webhook side reads it back', async ({ page, api, shop }) => {
  const visited: string[] = [];
  await page.route('https://buy.stripe.com/**', (route) => {
    visited.push(route.request().url());
    return route.fulfill({ body: 'checkout', contentType: 'text/plain' });
  });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l', { tag: STRIPE, body: `<a id="pay" href="${LINK}">Pay</a>` }) + '?aff=P1') });
  await readyData(page);
  await Promise.all([page.waitForURL(/buy\.stripe\.com/), page.click('#pay')]);
  expect(visited).toEqual(['https://buy.stripe.com/test_6oE5lQ?prefilled_email=a%40b.test&client_reference_id=affitor_cust_1_1']);
  expect(clickIdFromClientReference(new URL(visited[0]).searchParams.get('client_reference_id'))).toBe('cust_1_1');
});

test('pricing table and buy button get client-reference-id: present at load, and added later', async ({ page, api, shop }) => {
  api.respond('click', { delayMs: 300 });
  const body = '<stripe-pricing-table id="t" pricing-table-id="prctbl_1"></stripe-pricing-table>';
  await page.goto(shop.page('/l', { tag: STRIPE, body }) + '?aff=P1');
  await expect.poll(() => attr(page, '#t', 'client-reference-id')).toBe('affitor_cust_1_1');
  await page.evaluate(() => {
    const b = document.createElement('stripe-buy-button');
    b.id = 'b';
    document.body.appendChild(b);
  });
  await expect.poll(() => attr(page, '#b', 'client-reference-id')).toBe('affitor_cust_1_1');
});

test("the merchant's own reference is left alone", async ({ page, api, shop }) => {
  const body = `<a id="pay" href="https://buy.stripe.com/x?client_reference_id=order_42">Pay</a><stripe-buy-button id="b" client-reference-id="order_43"></stripe-buy-button>`;
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l', { tag: STRIPE, body }) + '?aff=P1') });
  await readyData(page);
  await page.locator('#pay').dispatchEvent('pointerdown');
  expect(await attr(page, '#pay', 'href')).toBe('https://buy.stripe.com/x?client_reference_id=order_42');
  expect(await attr(page, '#b', 'client-reference-id')).toBe('order_43');
});

test('a click id outside [A-Za-z0-9_-] (from a misbehaving API) decorates nothing', async ({ page, api, shop }) => {
  api.respond('click', { body: { success: true, click_id: 'bad id;x=1', cookie_window_days: 60 } });
  const body = `<a id="pay" href="${LINK}">Pay</a><stripe-pricing-table id="t"></stripe-pricing-table>`;
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l', { tag: STRIPE, body }) + '?aff=P1') });
  await readyData(page);
  await page.locator('#pay').dispatchEvent('pointerdown');
  expect(await attr(page, '#pay', 'href')).toBe(LINK);
  expect(await attr(page, '#t', 'client-reference-id')).toBeNull();
});

test('without data-affitor-stripe (or with the main script) nothing is decorated', async ({ page, api, shop }) => {
  for (const tag of [{ src: PLUS_PATH }, { extra: { stripe: 'true' } }] as TagOptions[]) {
    await page.context().clearCookies();
    const body = `<a id="pay" href="${LINK}">Pay</a><stripe-pricing-table id="t"></stripe-pricing-table>`;
    await page.goto(shop.page('/l', { tag, body }) + '?aff=P1');
    await trackerLoaded(page);
    await readyData(page);
    await page.locator('#pay').dispatchEvent('pointerdown');
    expect(await attr(page, '#pay', 'href')).toBe(LINK);
    expect(await attr(page, '#t', 'client-reference-id')).toBeNull();
  }
  expect(api.posts('click')).toHaveLength(2);
});
