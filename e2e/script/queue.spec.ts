// Protocol §6: window.affitorQueue created, drained FIFO on load, live push after.
import { test, expect } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { trackerLoaded } from '../support/tracker';

test('commands queued before load run in order: init before signup (program_id 5), bad entries skipped', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/q', {
    head: `<script>
      window.affitorQueue = [
        ['init', { programId: 5 }],
        ['noSuchMethod', 1],
        'not an array',
        ['signup', 'user_q', 'q@example.com'],
        ['trackLead', { customer_key: 'user_l' }],
      ];
    </script>`,
  });
  const leads = await expectApiCalls(api, { endpoint: 'lead', count: 2, action: () => page.goto(url) });
  expect(leads.map((l) => [l.body.customer_key, l.body.email, l.body.program_id]).sort()).toEqual([
    ['user_l', null, 5],
    ['user_q', 'q@example.com', 5],
  ]);
  // Bad entries are logged, never thrown (the fixture fails the test on any page error).
  expect(consoleLines.filter((l) => l.type === 'error').length).toBeGreaterThanOrEqual(1);
  expect(consoleLines.filter((l) => l.type === 'error').every((l) => l.text.startsWith('[Affitor]'))).toBe(true);
  expect(await page.evaluate(() => (window as any).__hostAfter)).toBe(1);
});

test('a command that throws is isolated: the next one still runs', async ({ page, api, shop }) => {
  const url = shop.page('/q', {
    head: `<script>window.affitorQueue = [['init', { get programId() { throw new Error('boom'); } }], ['signup', 'after']];</script>`,
  });
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(url) });
  expect(lead.body.customer_key).toBe('after');
});

test('without a queue the script creates [], and a later push runs at once and returns the new length', async ({ page, api, shop }) => {
  await page.goto(shop.page('/q'));
  await trackerLoaded(page);
  expect(await page.evaluate(() => Array.isArray((window as any).affitorQueue) && (window as any).affitorQueue.length)).toBe(0);
  let returned: unknown;
  const [lead] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: async () => {
      returned = await page.evaluate(() => (window as any).affitorQueue.push(['signup', 'user_p', 'p@example.com']));
    },
  });
  expect(typeof returned).toBe('number');
  expect(lead.body).toMatchObject({ customer_key: 'user_p', email: 'p@example.com' });
});

test('a non-array affitorQueue is replaced by a working []', async ({ page, api, shop }) => {
  await page.goto(shop.page('/q', { head: `<script>window.affitorQueue = { push: 1 };</script>` }));
  await trackerLoaded(page);
  expect(await page.evaluate(() => Array.isArray((window as any).affitorQueue))).toBe(true);
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitorQueue.push(['signup', 'k'])) });
});

test("Affitor's documented caller pattern works before and after load", async ({ page, api, shop }) => {
  const pattern = `(function (k, e) {
    if (window.affitor) window.affitor.signup(k, e);
    else (window.affitorQueue = window.affitorQueue || []).push(['signup', k, e]);
  })`;
  const url = shop.page('/q', { head: `<script>${pattern}('early', 'e@example.com')</script>` });
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(url) });
  const [late] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: () => page.evaluate((p) => (0, eval)(p)('late', 'l@example.com'), pattern),
  });
  expect(late.body.customer_key).toBe('late');
});

test('queued commands run once: a queue entry is not replayed on the next push', async ({ page, api, shop }) => {
  const url = shop.page('/q', { head: `<script>window.affitorQueue = [['signup', 'first']];</script>` });
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(url) });
  const [second] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: () => page.evaluate(() => (window as any).affitorQueue.push(['signup', 'second'])),
  });
  expect(second.body.customer_key).toBe('second');
});
