// Browser entry, protocol §8.1: the ESM library bundled into an app behaves on the wire
// exactly like the script tag, errors before init, adopts an existing tracker, and exposes getTracker.
import { test, expect, cookieJar, type Shop } from '../support/fixtures';
import { expectApiCalls, clickBody, deviceFields, leadBody } from '../support/events';
import { bundleApp } from '../support/bundle';
import type { TagOptions } from '../support/html';

/**
 * Serves `/app.js` (the bundled `source`, which imports from 'affitor-tracker') and a page that
 * loads it, optionally after a tracker tag. The app exposes what it imported as `window.lib`.
 */
async function appPage(shop: Shop, source: string, options: { tag?: TagOptions | false; head?: string } = {}) {
  shop.serve('/app.js', { body: await bundleApp(source), contentType: 'text/javascript' });
  return shop.page('/app', { tag: options.tag ?? false, head: options.head, body: '<script src="/app.js"></script>' });
}

const EXPOSE = `import * as lib from 'affitor-tracker'; window.lib = lib;`;

test('init() from the bundle: the same exact click body, cookies and facade as the script', async ({ page, api, shop }) => {
  const url = await appPage(shop, `${EXPOSE} lib.init({ programId: 4, apiBase: ${JSON.stringify(api.origin)} });`);
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url + '?aff=P1') });
  expect(click.body).toEqual(clickBody(await deviceFields(page), { affiliate_url: url + '?aff=P1' }));
  expect(click.headers.authorization).toBeUndefined();
  expect(api.preflights('click')).toHaveLength(1);
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  const state = await page.evaluate(() => {
    const lib = (window as any).lib;
    return {
      clickId: lib.getClickId(),
      clickIds: lib.getClickIds(),
      data: lib.getData(),
      isInstance: lib.getTracker() instanceof lib.AffitorTracker,
      programId: lib.getTracker().programId,
      published: typeof (window as any).affitor.signup,
    };
  });
  expect(state).toEqual({
    clickId: 'cust_1_1',
    clickIds: ['cust_1_1'],
    data: { clickId: 'cust_1_1', programId: 4, hasAttribution: true, affiliateUrl: url + '?aff=P1' },
    isInstance: true,
    programId: 4,
    published: 'function',
  });
  const [lead] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: () => page.evaluate(() => (window as any).lib.signup('user_1', 'a@b.com')),
  });
  expect(lead.body).toEqual(
    leadBody({
      customer_key: 'user_1',
      email: 'a@b.com',
      click_id: 'cust_1_1',
      click_ids: ['cust_1_1'],
      page_url: url + '?aff=P1',
      program_id: 4,
      has_attribution: true,
      session_id: click.body.session_id,
    }),
  );
});

test('ESM signup: a key this browser already recorded sends nothing after a reload (protocol §3.6)', async ({ page, api, shop }) => {
  const url = await appPage(shop, `${EXPOSE} lib.init({ programId: 4, apiBase: ${JSON.stringify(api.origin)} });`);
  await page.goto(url);
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).lib.signup('user_1', 'a@b.com')) });
  await page.reload();
  const results = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 0,
    action: () => page.evaluate(() => (window as any).lib.signup('user_1', 'a@b.com')),
  });
  expect(results).toEqual([]);
});

test('before init: signup/trackClick log the exact errors and send nothing; getters are null/[]', async ({ page, api, shop, consoleLines }) => {
  const url = await appPage(shop, EXPOSE);
  await page.goto(url + '?aff=P1');
  const result = await page.evaluate(async () => {
    const lib = (window as any).lib;
    return {
      signup: await lib.signup('user_1', 'a@b.com'),
      trackClick: await lib.trackClick(),
      clickId: lib.getClickId(),
      clickIds: lib.getClickIds(),
      data: lib.getData(),
      tracker: lib.getTracker(),
      published: 'affitor' in window,
    };
  });
  expect(result).toEqual({ signup: undefined, trackClick: undefined, clickId: null, clickIds: [], data: null, tracker: null, published: false });
  expect(consoleLines.map((l) => `${l.type}: ${l.text}`)).toEqual([
    'error: [Affitor] signup() called before init()',
    'error: [Affitor] trackClick() called before init()',
  ]);
  await page.waitForTimeout(800);
  expect(api.requests).toEqual([]);
});

test('importing the library has no side effects: no request, no global, no cookie until init', async ({ page, api, shop }) => {
  const url = await appPage(shop, `import { init } from 'affitor-tracker'; window.__init = init;`);
  await page.goto(url + '?aff=P1');
  await page.waitForTimeout(1000);
  expect(api.requests).toEqual([]);
  expect(await page.evaluate(() => ['affitor' in window, 'affitorQueue' in window])).toEqual([false, false]);
  expect(await page.context().cookies()).toEqual([]);
});

test('init adopts a tracker already on the page (the script tag): one click, getTracker() is window.affitor', async ({ page, api, shop }) => {
  const url = await appPage(shop, `${EXPOSE} lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`, { tag: {} });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url + '?aff=P1'), settleMs: 1500 });
  expect(await page.evaluate(() => (window as any).lib.getTracker() === (window as any).affitor)).toBe(true);
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).lib.signup('user_1')) });
  // History was wrapped once: an SPA switch is one click.
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => history.pushState(null, '', '/app?aff=P2')) });
});

test('init drains a queue the page filled before the app loaded', async ({ page, api, shop }) => {
  const url = await appPage(shop, `${EXPOSE} lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} });`, {
    head: `<script>window.affitorQueue = [['signup', 'queued_user']];</script>`,
  });
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(url) });
  expect(lead.body.customer_key).toBe('queued_user');
});

test('a second init() re-applies options without a second click', async ({ page, api, shop }) => {
  const url = await appPage(shop, `${EXPOSE} lib.init({ programId: 1, apiBase: ${JSON.stringify(api.origin)} }); lib.init({ programId: 2 });`);
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url + '?aff=P1'), settleMs: 1500 });
  expect(await page.evaluate(() => (window as any).lib.getData().programId)).toBe(2);
});
