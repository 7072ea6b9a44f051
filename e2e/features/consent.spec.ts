// Consent mode (affitor-tracker.consent.js; the .plus script and the ESM library have it too). With
// data-affitor-consent="required" nothing is stored and nothing is sent until
// window.affitor.consent(true); consent(false)/optOut() erase every affitor cookie and stop
// tracking in every script (the tests without the attribute run the main script), and the choice
// is kept in `affitor_consent`. The main script given the attribute fails closed.
import { test, expect, cookieJar, type Page } from '../support/fixtures';
import { expectApiCalls, clickBody, deviceFields, leadBody } from '../support/events';
import { CONSENT_TRACKER_PATH } from '../support/pages-server';
import { seedCookies, trackerLoaded, readyData } from '../support/tracker';
import { esmPage } from './pages';

const REQUIRED = { src: CONSENT_TRACKER_PATH, extra: { consent: 'required' } };
const call = (page: Page, script: string) => page.evaluate(script);
const cookieNames = async (page: Page) => (await page.context().cookies()).map((c) => c.name).sort();

test('the main script given consent "required" fails closed: nothing stored or sent, an error names the consent file', async ({ page, api, shop, consoleLines }) => {
  const url = shop.page('/l', { tag: { extra: { consent: 'required' } } }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
  await trackerLoaded(page);
  await page.evaluate(async () => {
    (window as any).affitor.consent(true);
    await (window as any).affitor.signup('user_1', 'a@b.test');
  });
  await expectApiCalls(api, { endpoint: 'lead', count: 0 });
  expect(await cookieNames(page)).toEqual([]);
  expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });
  const errors = consoleLines.filter((l) => l.type === 'error').map((l) => l.text);
  expect(errors.length).toBeGreaterThanOrEqual(1);
  for (const text of errors) expect(text).toContain('affitor-tracker.consent.js');
});

test('consent required: a landing stores nothing and sends nothing until consent(true), which tracks it', async ({ page, api, shop }) => {
  const url = shop.page('/l', { tag: REQUIRED }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
  await trackerLoaded(page);
  expect(await cookieNames(page)).toEqual([]);
  expect(api.requests).toEqual([]);
  expect(await page.evaluate(() => (window as any).affitor.getClickId())).toBeNull();
  // ready still fires, with no attribution yet.
  expect(await readyData(page)).toMatchObject({ clickId: null, hasAttribution: false });

  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => call(page, 'affitor.consent(true)') });
  expect(click.body).toEqual(clickBody(await deviceFields(page), { affiliate_url: url }));
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  const jar = await cookieJar(page.context());
  expect(jar.affitor_consent.value).toBe('1');
  expect(jar.affitor_consent.domain).toBe('.shop.test');
});

test('consent required: an SPA router stripping aff before consent still credits the landing', async ({ page, api, shop }) => {
  const url = shop.page('/app', { tag: REQUIRED }) + '?aff=P1';
  await page.goto(url);
  await trackerLoaded(page);
  await page.evaluate(() => {
    history.replaceState(null, '', '/app');
    history.pushState(null, '', '/app/pricing');
  });
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => call(page, 'affitor.consent(true)') });
  expect(click.body.affiliate_url).toBe(url);
  expect(click.body.page_url).toBe(shop.url('/app/pricing'));
  expect(await page.evaluate(() => (window as any).affitor.getData())).toEqual({
    clickId: 'cust_1_1',
    programId: 1,
    hasAttribution: true,
    affiliateUrl: url,
  });
});

test('consent required: consent given on the second page credits the landing through the same-origin referrer', async ({ page, api, shop }) => {
  const landing = shop.page('/l', { tag: REQUIRED, body: '<a id="next" href="/pricing">Pricing</a>' }) + '?aff=P1';
  const second = shop.page('/pricing', { tag: REQUIRED, title: 'Pricing' });
  await page.goto(landing);
  await trackerLoaded(page);
  await Promise.all([page.waitForURL(second), page.click('#next')]);
  await trackerLoaded(page);
  expect(await cookieNames(page)).toEqual([]);
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => call(page, 'affitor.consent(true)') });
  expect(click.body).toEqual(
    clickBody(await deviceFields(page), { affiliate_url: landing, page_url: second, page_title: 'Pricing', referrer_url: landing }),
  );
  // The next page reads the stored choice: tracking runs without asking again, and no second click.
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(landing) });
  expect(await readyData(page)).toMatchObject({ clickId: 'cust_1_1', hasAttribution: true });
});

test('consent required: a referrer from another site is never used as the landing', async ({ page, api, shop }) => {
  const elsewhere = shop.url('/partner-post?aff=P1', 'blog.test');
  shop.page('/partner-post', { tag: false, body: `<a id="go" href="${shop.url('/pricing')}">Go</a>` });
  shop.page('/pricing', { tag: REQUIRED });
  await page.goto(elsewhere);
  await Promise.all([page.waitForURL(shop.url('/pricing')), page.click('#go')]);
  await trackerLoaded(page);
  expect(await page.evaluate(() => document.referrer)).not.toBe('');
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => call(page, 'affitor.consent(true)') });
});

test('consent required: signup before consent sends nothing; consent(true) on the page sends it with the click id', async ({ page, api, shop }) => {
  const url = shop.page('/l', { tag: REQUIRED }) + '?aff=P1';
  await page.goto(url);
  await trackerLoaded(page);
  const outcome = await page.evaluate(() => (window as any).affitor.signup('user_1', 'a@b.test').then((v: unknown) => `resolved ${v}`));
  expect(outcome).toBe('resolved undefined');
  await expectApiCalls(api, { endpoint: 'lead', count: 0 });
  await page.evaluate(() => (window as any).affitor.consent(true));
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1 });
  expect(lead.body).toEqual(
    leadBody({ customer_key: 'user_1', email: 'a@b.test', click_id: 'cust_1_1', click_ids: ['cust_1_1'], page_url: url, program_id: 1, has_attribution: true }),
  );
  expect(api.posts('click')).toHaveLength(1);
});

test('consent via affitorQueue before the script loads (a CMP answering first)', async ({ page, api, shop }) => {
  const url = shop.page('/l', { tag: REQUIRED, head: `<script>window.affitorQueue=[['consent', true]]</script>` }) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
});

test('optOut() removes every affitor cookie (root domain and host-only), stops tracking, and persists', async ({ page, api, shop }) => {
  const url = shop.page('/l') + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  // A stored signup flag, host-only, and one of the site's own cookies that must survive.
  await seedCookies(page.context(), shop.origin, { affitor_pending_lead: '1', site_session: 'keep-me' });
  await page.evaluate(() => localStorage.setItem('affitor_pending_leads', '{"x":[{},1]}'));
  await page.evaluate(() => (window as any).affitor.optOut());
  expect(await cookieNames(page)).toEqual(['affitor_consent', 'site_session']);
  expect((await cookieJar(page.context())).affitor_consent.value).toBe('0');
  expect(await page.evaluate(() => localStorage.getItem('affitor_pending_leads'))).toBeNull();
  expect(await page.evaluate(() => (window as any).affitor.getData())).toEqual({
    clickId: null,
    programId: 1,
    hasAttribution: false,
    affiliateUrl: null,
  });

  // Same page: SPA hooks are inert, signup and trackClick send nothing.
  const before = api.requests.length;
  await page.evaluate(async () => {
    history.pushState(null, '', '/l?aff=P2');
    await (window as any).affitor.signup('user_1', 'a@b.test');
    await (window as any).affitor.trackClick();
  });
  // Next page, even a new landing without consent mode: nothing.
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.url('/l?aff=P3')) });
  await page.evaluate(() => (window as any).affitor.signup('user_2'));
  await expectApiCalls(api, { endpoint: 'lead', count: 0 });
  expect(api.requests.length).toBe(before);
  expect(await cookieNames(page)).toEqual(['affitor_consent', 'site_session']);
});

test('consent(false) after a click in flight: its answer writes nothing and no retry follows', async ({ page, api, shop }) => {
  api.respond('click', { hold: true });
  const url = shop.page('/l') + '?aff=P1';
  await page.goto(url);
  await api.waitFor('click', 1);
  await page.evaluate(() => (window as any).affitor.consent(false));
  api.release();
  await expectApiCalls(api, { endpoint: 'click', count: 0, settleMs: 2500 });
  expect(await cookieNames(page)).toEqual(['affitor_consent']);
});

test('a changed mind on the same page: consent(false) then consent(true) tracks the landing', async ({ page, api, shop }) => {
  const url = shop.page('/l', { tag: REQUIRED }) + '?aff=P1';
  await page.goto(url);
  await trackerLoaded(page);
  await page.evaluate(() => (window as any).affitor.consent(false));
  expect((await cookieJar(page.context())).affitor_consent.value).toBe('0');
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => call(page, 'affitor.consent(true)') });
  expect(click.body.affiliate_url).toBe(url);
  await expect.poll(async () => (await cookieJar(page.context())).affitor_consent?.value).toBe('1');
});

test('without the attribute, consent(true) changes nothing but records the choice', async ({ page, api, shop }) => {
  const url = shop.page('/l') + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(url) });
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => call(page, 'affitor.consent(true)') });
  expect((await cookieJar(page.context())).affitor_consent.value).toBe('1');
});

test('ESM init({consent: "required"}) and the exported consent()', async ({ page, api, shop }) => {
  const url = (await esmPage(shop, api.origin, `init({ programId: 1, apiBase: API, consent: 'required' }); window.grant = () => consent(true);`)) + '?aff=P1';
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(url) });
  await page.waitForFunction(() => typeof (window as any).grant == 'function');
  expect(await cookieNames(page)).toEqual([]);
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => call(page, 'grant()') });
  expect(click.body.affiliate_url).toBe(url);
});
