// Protocol §6: a second copy of the script does nothing twice.
import { test, expect, affitorLines } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { trackerLoaded } from '../support/tracker';

test('two tags on a landing: one click, one preflight, one window.affitor, silent with debug off', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/d', { tag: [{}, { mode: 'async' }] }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url), settleMs: 1500 });
  expect(api.requests).toHaveLength(2);
  expect(affitorLines(consoleLines)).toEqual([]);
  expect(shop.requests.filter((r) => r.path === '/affitor-tracker.js')).toHaveLength(2);
});

test('two tags with a queued signup: one lead; later pushes run once', async ({ page, api, shop }) => {
  const url = shop.page('/d', { head: `<script>window.affitorQueue = [['signup', 'user_q']];</script>`, tag: [{}, {}] });
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(url) });
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitorQueue.push(['signup', 'user_2'])) });
});

test('two tags: history is wrapped once, so an SPA aff navigation makes one click', async ({ page, api, shop }) => {
  await page.goto(shop.page('/d', { tag: [{}, { mode: 'defer' }] }));
  await trackerLoaded(page);
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.evaluate(() => history.pushState(null, '', '/d?aff=P1')) });
});

test('a tag injected after the first copy ran does nothing', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/d') + '?aff=P1') });
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 0,
    action: () =>
      page.evaluate(
        (base) =>
          new Promise((r) => {
            const s = document.createElement('script');
            s.src = '/affitor-tracker.js';
            s.setAttribute('data-affitor-program-id', '2');
            s.setAttribute('data-affitor-api-base', base);
            s.onload = r;
            document.head.appendChild(s);
          }),
        api.origin,
      ),
  });
  expect(await page.evaluate(() => (window as any).affitor.getData().programId)).toBe(1);
});

test('another tracker already on window.affitor: this copy does nothing and says so', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/d', {
    head: `<script>window.affitor = { signup: function () { window.__otherSignup = true; }, getClickId: function () { return 'other'; } };</script>`,
  });
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url + '?aff=P1') });
  expect(api.requests).toEqual([]);
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBe('other');
  expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual([
    '[Affitor] another Affitor tracker is already on this page; this copy does nothing',
  ]);
  expect(await page.context().cookies()).toEqual([]);
});
