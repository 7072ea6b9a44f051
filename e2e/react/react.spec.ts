// affitor-tracker/react in Chromium (docs/protocol.md §12.1): a React 19 app bundled from the built
// package entries, on http://shop.test (no Web Locks) and http://localhost (a secure context, where
// the landing decision runs under a Web Lock), talking to the recording API on http://api.test.
import { test, expect, type Page, type Shop } from '../support/fixtures';
import { faults, type ApiServer } from '../support/api-server';
import { expectApiCalls } from '../support/events';
import { bundleReactApp } from '../support/react-bundle';
import type { AffitorData } from '../support/tracker';
import type { TagOptions } from '../support/html';

/**
 * The app: `<AffitorProvider>` (inside StrictMode) around a component that renders `useAffitor()`'s
 * data and a signup button, and, beside the provider, one that uses the hook outside it.
 * `window.app` lets the test change the provider's props or re-render it with the same props.
 */
const APP = `
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import * as entry from 'affitor-tracker';
import { AffitorProvider, useAffitor } from 'affitor-tracker/react';

function Attribution({ id, customerKey }) {
  const { data, signup, getClickId } = useAffitor();
  window.sameFunctions = signup === entry.signup && getClickId === entry.getClickId;
  return <>
    <output id={id}>{JSON.stringify(data)}</output>
    <button id={id + '-signup'} onClick={() => signup(customerKey, 'a@example.com')}>Sign up</button>
    <button id={id + '-partner'} onClick={() => history.pushState(null, '', '/app?aff=P2')}>Another partner</button>
  </>;
}

function App() {
  const [programId, setProgramId] = useState(1);
  const [, setRenders] = useState(0);
  window.app = { setProgramId, rerender: () => setRenders((n) => n + 1) };
  return <>
    <AffitorProvider programId={programId} apiBase={API_BASE} debug={window.DEBUG}><Attribution id="inside" customerKey="user_1" /></AffitorProvider>
    <Attribution id="outside" customerKey="user_2" />
  </>;
}

window.entry = entry;
createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
`;

let bundled: Promise<string> | undefined;

/** Serves the app at /app (on any host name of the shop server); `tag` puts a tracker tag before it. */
async function appPage(shop: Shop, api: ApiServer, tag: TagOptions | false = false, debug = false) {
  bundled ??= bundleReactApp(APP.replace('API_BASE', 'window.API_BASE'));
  shop.serve('/app.js', { body: await bundled, contentType: 'text/javascript' });
  shop.page('/app', {
    tag,
    head: `<script>window.API_BASE = ${JSON.stringify(api.origin)}; window.DEBUG = ${debug};</script>`,
    body: '<div id="root"></div><script src="/app.js"></script>',
  });
}

const rendered = async (page: Page, id = 'inside'): Promise<AffitorData | null> =>
  JSON.parse((await page.locator('#' + id).textContent({ timeout: 10_000 })) || 'null');

/** Lands on `landing` with its click held in flight, runs `whileHeld`, then answers it: exactly one click is sent. */
const landWithHeldClick = (page: Page, api: ApiServer, landing: string, whileHeld: () => Promise<void>) =>
  expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: async () => {
      await page.goto(landing);
      await api.waitFor('click', 1);
      await whileHeld();
      api.release();
    },
    settleMs: 1500,
  });

for (const host of ['shop.test', 'localhost']) {
  test.describe(`on http://${host}`, () => {
    test('data becomes the click id when the landing’s click answers, with no reload; signup carries it', async ({ page, api, shop }) => {
      await appPage(shop, api);
      api.respond('click', faults.hold());
      const landing = shop.url('/app?aff=P1', host);
      await page.goto(landing);
      await api.waitFor('click', 1);
      // (Under a Web Lock the landing URL is known only once the lock is granted.)
      await expect.poll(() => rendered(page)).toMatchObject({ clickId: null, programId: 1, hasAttribution: false });
      expect(await page.evaluate(() => (window as any).sameFunctions)).toBe(true);

      api.release();
      await expect.poll(() => rendered(page)).toEqual({ clickId: 'cust_1_1', programId: 1, hasAttribution: true, affiliateUrl: landing });
      expect(shop.requests.filter((r) => r.path.startsWith('/app?'))).toHaveLength(1);
      // Outside the provider: the same shape, no data.
      expect(await rendered(page, 'outside')).toBeNull();

      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#inside-signup') });
      expect(lead.body).toMatchObject({ customer_key: 'user_1', email: 'a@example.com', click_id: 'cust_1_1', program_id: 1 });
      // The hook's functions work outside the provider too (they drive the page's one tracker).
      const [second] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#outside-signup') });
      expect(second.body).toMatchObject({ customer_key: 'user_2', click_id: 'cust_1_1' });
    });

    test('StrictMode’s double mount and a same-props re-render send one click; a changed prop re-configures without a second', async ({ page, api, shop }) => {
      await appPage(shop, api);
      api.respond('click', faults.hold());
      const landing = shop.url('/app?aff=P1', host);
      await landWithHeldClick(page, api, landing, async () => {
        // While the click is in flight: the same props again, then a new program id.
        await page.evaluate(() => (window as any).app.rerender());
        await page.evaluate(() => (window as any).app.setProgramId(2));
        await expect.poll(() => rendered(page).then((d) => d?.programId)).toBe(2);
      });
      await expect.poll(() => rendered(page)).toEqual({ clickId: 'cust_1_1', programId: 2, hasAttribution: true, affiliateUrl: landing });

      // Once it has settled: another prop change, still no click for this landing.
      await expectApiCalls(api, {
        endpoint: 'click',
        count: 0,
        action: async () => {
          await page.evaluate(() => (window as any).app.setProgramId(3));
          await expect.poll(() => rendered(page).then((d) => d?.programId)).toBe(3);
        },
      });
      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#inside-signup') });
      expect(lead.body).toMatchObject({ click_id: 'cust_1_1', program_id: 3 });
    });
  });
}

/** An SPA navigation to another partner's link: `data` follows to that click once it answers. */
async function partnerSwitch(page: Page, api: ApiServer, shop: Shop, host: string) {
  const [click] = await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: async () => {
      api.respond('click', faults.hold());
      await page.click('#inside-partner');
      await api.waitFor('click', 2);
      // Still the first partner's click while the second is in flight.
      expect((await rendered(page))?.clickId).toBe('cust_1_1');
      api.release();
    },
  });
  expect(click.body).toMatchObject({ affiliate_url: shop.url('/app?aff=P2', host), existing_click_id: 'cust_1_1' });
  await expect.poll(() => rendered(page)).toEqual({ clickId: 'cust_1_2', programId: 1, hasAttribution: true, affiliateUrl: shop.url('/app?aff=P2', host) });
}

for (const host of ['shop.test', 'localhost']) {
  for (const adopted of [false, true]) {
    test(`on http://${host}: data follows an SPA navigation to another partner’s link (${adopted ? 'an adopted <script> tag' : 'the library’s own tracker'})`, async ({ page, api, shop }) => {
      await appPage(shop, api, adopted ? {} : false);
      await page.goto(shop.url('/app?aff=P1', host));
      await expect.poll(() => rendered(page).then((d) => d?.clickId)).toBe('cust_1_1');
      await partnerSwitch(page, api, shop, host);
    });
  }
}

test('the tracker is initialised once per set of props: not again for StrictMode’s second mount or a same-props re-render', async ({ page, api, shop, consoleLines }) => {
  await appPage(shop, api, false, true);
  const initialisations = () => consoleLines.filter((l) => l.text.startsWith('[Affitor] Affitor tracker initialized')).length;
  await page.goto(shop.url('/app'));
  await expect.poll(() => rendered(page).then((d) => d?.programId)).toBe(1);
  await page.evaluate(() => (window as any).app.rerender());
  await page.evaluate(() => (window as any).app.setProgramId(2));
  await expect.poll(() => rendered(page).then((d) => d?.programId)).toBe(2);
  await page.evaluate(() => (window as any).app.rerender());
  await page.evaluate(() => (window as any).app.setProgramId(3));
  await expect.poll(() => rendered(page).then((d) => d?.programId)).toBe(3);
  expect(initialisations()).toBe(3);
});

test('a <script> tag already on the page is adopted: one click, one window.affitor, and data still follows', async ({ page, api, shop }) => {
  await appPage(shop, api, {});
  api.respond('click', faults.hold());
  const landing = shop.url('/app?aff=P1');
  await landWithHeldClick(page, api, landing, () => expect.poll(() => rendered(page).then((d) => d?.programId)).toBe(1));
  await expect.poll(() => rendered(page).then((d) => d?.clickId)).toBe('cust_1_1');
  expect(await page.evaluate(() => (window as any).entry.getTracker() === (window as any).affitor)).toBe(true);
  expect(await page.evaluate(() => (window as any).affitor.$affitor)).toBe(1);
});

test('a <script> tag that loads after the provider started leaves it alone: one click', async ({ page, api, shop, consoleLines }) => {
  await appPage(shop, api, { mode: 'async', debug: 'true' });
  // The tag's file is held until the provider's click has been sent.
  let releaseTag!: () => void;
  const tagHeld = new Promise<void>((resolve) => (releaseTag = resolve));
  await page.route('**/affitor-tracker.js', async (route) => {
    await tagHeld;
    await route.continue();
  });
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 1,
    action: async () => {
      // The held async tag delays the load event, not the app.
      await page.goto(shop.url('/app?aff=P1'), { waitUntil: 'domcontentloaded' });
      await api.waitFor('click', 1);
      releaseTag();
      await expect.poll(() => consoleLines.some((l) => l.text.includes('already loaded on this page'))).toBe(true);
    },
    settleMs: 1500,
  });
  await expect.poll(() => rendered(page).then((d) => d?.clickId)).toBe('cust_1_1');
});
