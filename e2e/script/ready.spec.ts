// Protocol §6: ready(callback) and the affitor:ready event settle on EVERY path.
import { test, expect, type Page } from '../support/fixtures';
import { faults } from '../support/api-server';
import { blockCookies, readyData, trackerLoaded, type AffitorData } from '../support/tracker';

/** Records every affitor:ready event from before the tracker runs. */
async function recordReadyEvents(page: Page) {
  await page.addInitScript(() => {
    (window as any).__readyEvents = [];
    window.addEventListener('affitor:ready', (e) => (window as any).__readyEvents.push((e as CustomEvent).detail));
  });
}
const readyEvents = (page: Page) => page.evaluate(() => (window as any).__readyEvents as AffitorData[]);

test('referred visitor: ready fires once the click answered, with the new click id; one event', async ({ page, api, shop }) => {
  await recordReadyEvents(page);
  api.respond('click', faults.hold());
  const landing = shop.page('/l') + '?aff=P1';
  await page.goto(landing);
  await api.waitFor('click', 1);
  await page.evaluate(() => {
    (window as any).__readyCalls = [];
    (window as any).affitor.ready((d: unknown) => (window as any).__readyCalls.push(d));
  });
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as any).__readyCalls), 'not settled while the click is in flight').toEqual([]);
  expect(await readyEvents(page)).toEqual([]);
  api.release();
  const expected = { clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: landing };
  await expect.poll(() => page.evaluate(() => (window as any).__readyCalls)).toEqual([expected]);
  expect(await readyEvents(page)).toEqual([expected]);
});

test('non-referred visitor: ready and the event fire with hasAttribution false', async ({ page, shop }) => {
  await recordReadyEvents(page);
  await page.goto(shop.page('/plain'));
  await trackerLoaded(page);
  const expected = { clickId: null, programId: 1, hasAttribution: false, affiliateUrl: null };
  expect(await readyData(page)).toEqual(expected);
  await expect.poll(() => readyEvents(page)).toEqual([expected]);
});

test('returning visitor: ready fires at once with the restored click id', async ({ page, api, shop }) => {
  const landing = shop.page('/l') + '?aff=P1';
  await page.goto(landing);
  await api.waitFor('click', 1);
  // Leave only once the landing has stored its answer: leaving earlier makes the next page resend
  // the pending click (a different, tested path — retry.spec.ts), not a returning visit.
  await readyData(page);
  await recordReadyEvents(page);
  await page.goto(shop.page('/account'));
  await trackerLoaded(page);
  const expected = { clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: landing };
  expect(await readyData(page)).toEqual(expected);
  await expect.poll(() => readyEvents(page)).toEqual([expected]);
});

for (const [name, fault] of [
  ['a 4xx click', faults.status(400)],
  ['an inactive link', faults.inactiveLink()],
] as const) {
  test(`${name}: ready still fires, without attribution`, async ({ page, api, shop }) => {
    await recordReadyEvents(page);
    api.respond('click', fault);
    await page.goto(shop.page('/l') + '?aff=P1');
    await trackerLoaded(page);
    expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });
    await expect.poll(() => readyEvents(page)).toHaveLength(1);
  });
}

test('a click that keeps failing: ready still fires (after the in-page attempts end at the latest)', async ({ page, api, shop }) => {
  test.setTimeout(60_000);
  await recordReadyEvents(page);
  api.respondAlways('click', faults.drop());
  await page.goto(shop.page('/l') + '?aff=P1');
  await trackerLoaded(page);
  expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });
  expect(await readyEvents(page)).toHaveLength(1);
});

test('blocked cookies: ready fires and the click id is kept in memory', async ({ page, api, shop }) => {
  await blockCookies(page);
  await page.goto(shop.page('/l') + '?aff=P1');
  await trackerLoaded(page);
  expect(await readyData(page)).toMatchObject({ clickId: 'cust_1_1', hasAttribution: true });
  expect(api.posts('click')).toHaveLength(1);
});

test('missing program id: ready still fires', async ({ page, shop }) => {
  await page.goto(shop.page('/l', { tag: { programId: null } }));
  await trackerLoaded(page);
  expect(await readyData(page)).toMatchObject({ programId: null, hasAttribution: false });
});

test('a callback registered after settling runs asynchronously, once; the event fires once per page even after SPA clicks', async ({ page, api, shop }) => {
  await recordReadyEvents(page);
  await page.goto(shop.page('/l') + '?aff=P1');
  await trackerLoaded(page);
  await readyData(page);
  const timing = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let sync = true;
        let calls = 0;
        (window as any).affitor.ready(() => {
          calls++;
          const wasSync = sync;
          setTimeout(() => resolve({ wasSync, calls }), 200);
        });
        sync = false;
      }),
  );
  expect(timing).toEqual({ wasSync: false, calls: 1 });
  await page.evaluate(() => history.pushState(null, '', '/l?aff=P2'));
  await api.waitFor('click', 2);
  await page.waitForTimeout(500);
  expect(await readyEvents(page)).toHaveLength(1);
});
