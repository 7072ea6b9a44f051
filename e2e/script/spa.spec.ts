// Protocol §3.5: pushState / replaceState / popstate to a URL with a new aff.
import { test, expect, cookieJar } from '../support/fixtures';
import { expectApiCalls, clickBody, deviceFields } from '../support/events';
import { trackerLoaded } from '../support/tracker';


test('pushState to a URL with aff tracks it; referrer_url is the previous URL (project)', async ({ page, api, shop }) => {
  const start = shop.page('/app', { title: 'App' });
  await page.goto(start);
  await trackerLoaded(page);
  const target = shop.url('/app/pricing?aff=P1');
  const [click] = await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () => page.evaluate((u) => history.pushState({ n: 1 }, '', u), target),
  });
  expect(click.body).toEqual(clickBody(await deviceFields(page), { affiliate_url: target, page_title: 'App', referrer_url: start }));
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
});

test('the wrapped pushState and replaceState still work and return what the originals return', async ({ page, shop }) => {
  await page.goto(shop.page('/app'));
  await trackerLoaded(page);
  const result = await page.evaluate(() => {
    const before = history.length;
    const a = history.pushState({ s: 'pushed' }, '', '/app/x');
    const pushed = [location.pathname, history.state.s];
    const b = history.replaceState({ s: 'replaced' }, '', '/app/y');
    return { a, b, pushed, replaced: [location.pathname, history.state.s], added: history.length - before };
  });
  expect(result).toEqual({ a: undefined, b: undefined, pushed: ['/app/x', 'pushed'], replaced: ['/app/y', 'replaced'], added: 1 });
});

test('replaceState to a URL with a new aff tracks it', async ({ page, api, shop }) => {
  await page.goto(shop.page('/app'));
  await trackerLoaded(page);
  const [click] = await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () => page.evaluate(() => history.replaceState(null, '', '/app?aff=P1')),
  });
  expect(click.body.affiliate_url).toBe(shop.url('/app?aff=P1'));
});

test('popstate back to an earlier aff URL runs the same rules (a switch back sends existing_click_id)', async ({ page, api, shop }) => {
  await page.goto(shop.page('/app'));
  await trackerLoaded(page);
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => history.pushState(null, '', '/app?aff=P1')) });
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => history.pushState(null, '', '/app?aff=P2')) });
  const [back] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => history.back()) });
  expect(back.body.affiliate_url).toBe(shop.url('/app?aff=P1'));
  expect(back.body.existing_click_id).toBe('cust_1_2');
  expect(back.body.referrer_url).toBe(shop.url('/app?aff=P2'));
});

test('navigations without a new aff cost no request: no aff, removed aff, same aff, hash changes', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/app') + '?aff=P1') });
  const before = api.requests.length;
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 0,
    action: () =>
      page.evaluate(() => {
        history.pushState(null, '', '/app/a');
        history.pushState(null, '', '/app/b?x=1');
        history.replaceState(null, '', '/app/b?x=2');
        history.pushState(null, '', '/app/c?aff=P1');
        history.pushState(null, '', '/app/c?aff=P1&tab=2');
        location.hash = 'section';
        history.back();
      }),
  });
  expect(api.requests.length).toBe(before);
});

test('a non-referred SPA session makes no requests at all', async ({ page, api, shop }) => {
  await page.goto(shop.page('/app'));
  await trackerLoaded(page);
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 0,
    action: () =>
      page.evaluate(() => {
        for (let i = 0; i < 5; i++) history.pushState(null, '', `/app/${i}`);
        history.back();
      }),
  });
  expect(api.requests).toEqual([]);
});

test('an SPA switch after a landing click sends existing_click_id', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/app') + '?aff=P1') });
  const [click] = await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: () => page.evaluate(() => history.pushState(null, '', '/app?aff=P2')),
  });
  expect(click.body.existing_click_id).toBe('cust_1_1');
});
