// Protocol §3.6, protocol §6: window.affitor.signup and the lead it posts.
import { test, expect, BOTH_ORIGINS, cookieJar, recordFetchInits, fetchInits, type Page, type Shop } from '../support/fixtures';
import { faults, type ApiServer } from '../support/api-server';
import { expectApiCalls, leadBody } from '../support/events';
import { allCookieText, trackerLoaded } from '../support/tracker';

const signup = (page: import('@playwright/test').Page, ...args: unknown[]) =>
  page.evaluate((a) => (window as any).affitor.signup(...a), args);

test('window.affitor exposes the contract methods', async ({ page, shop }) => {
  await page.goto(shop.page('/'));
  await trackerLoaded(page);
  const kinds = await page.evaluate(() =>
    ['init', 'signup', 'trackClick', 'getClickId', 'getClickIds', 'getData', 'trackLead', 'ready'].map(
      (m) => `${m}:${typeof (window as any).affitor[m]}`,
    ),
  );
  expect(kinds).toEqual(['init', 'signup', 'trackClick', 'getClickId', 'getClickIds', 'getData', 'trackLead', 'ready'].map((m) => `${m}:function`));
  expect(await page.evaluate(() => (window as any).affitor.init() === (window as any).affitor)).toBe(true);
});

test('signup after a landing: the exact lead body, JSON only, keepalive, no auth; resolves undefined', async ({ page, api, shop }) => {
  await recordFetchInits(page);
  const landing = shop.page('/l') + '?aff=P1';
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  let result: unknown = 'not called';
  const [lead] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: async () => {
      result = await page.evaluate(() => (window as any).affitor.signup('user_1', 'ann@example.com').then((v: unknown) => ({ v })));
    },
  });
  expect(result).toEqual({});
  expect(lead.body).toEqual(
    leadBody({
      customer_key: 'user_1',
      email: 'ann@example.com',
      click_id: 'cust_1_1',
      click_ids: ['cust_1_1'],
      page_url: landing,
      program_id: 1,
      has_attribution: true,
      session_id: click.body.session_id,
    }),
  );
  expect(lead.headers['content-type']).toBe('application/json');
  expect(lead.headers.authorization).toBeUndefined();
  const init = (await fetchInits(page)).find((i) => i.url.endsWith('/lead'));
  expect(init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'content-type': 'application/json' } });
  expect(Object.keys(init!.headers)).toEqual(['content-type']);
});

test('signup on a later page reads the click id from the cookie', async ({ page, api, shop }) => {
  await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1') });
  const next = shop.page('/signup');
  await page.goto(next);
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'user_1', 'ann@example.com') });
  expect(lead.body).toMatchObject({ click_id: 'cust_1_1', click_ids: ['cust_1_1'], has_attribution: true, page_url: next });
});

test('signup without attribution still posts, with click_id null', async ({ page, api, shop }) => {
  const url = shop.page('/signup');
  await page.goto(url);
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'user_1') });
  expect(lead.body).toEqual(
    leadBody({ customer_key: 'user_1', email: null, click_id: null, click_ids: [], page_url: url, program_id: 1, has_attribution: false }),
  );
});

test('a numeric customer key is stringified; a missing key logs the exact error and the lead still posts', async ({ page, api, shop, consoleLines }) => {
  await page.goto(shop.page('/signup'));
  const [numeric] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 123, 'n@example.com') });
  expect(numeric.body.customer_key).toBe('123');
  const [missing] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.evaluate(() => (window as any).affitor.signup()) });
  expect(missing.body).toMatchObject({ customer_key: null, email: null });
  expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual(['[Affitor] signup() requires customerKey as first argument']);
});

test('a repeat of the same signup on the same page sends nothing; a different key sends', async ({ page, api, shop }) => {
  await page.goto(shop.page('/signup'));
  await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: () => page.evaluate(() => Promise.all([(window as any).affitor.signup('u1', 'a@x.com'), (window as any).affitor.signup('u1', 'a@x.com')])),
  });
  await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => signup(page, 'u1', 'a@x.com') });
  await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'u2', 'a@x.com') });
});

// Once per account (protocol §3.6): a customer key this browser has recorded a lead for sends
// nothing again — on a later page, with another email, after another partner's landing.
for (const [origin, host] of BOTH_ORIGINS) {
  test(`${origin}: a key this browser already recorded sends nothing on later pages; another key sends`, async ({ page, api, shop }) => {
    shop.page('/l');
    shop.page('/account');
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P1', host)) });
    await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'user_1', 'ann@example.com') });
    // Signing in again on a later page load: nothing, and the call still resolves to undefined.
    await page.goto(shop.url('/account', host));
    let result: unknown = 'not called';
    await expectApiCalls(api, {
      endpoint: 'lead',
      count: 0,
      action: async () => {
        result = await page.evaluate(() => (window as any).affitor.signup('user_1', 'ann@example.com').then((v: unknown) => ({ v })));
      },
    });
    expect(result).toEqual({});
    // Another partner's landing gives another click id; the account is still the same one.
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.url('/l?aff=P2', host)) });
    await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => signup(page, 'user_1', 'other@example.com') });
    const [second] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'user_2', 'bob@example.com') });
    expect(second.body).toMatchObject({ customer_key: 'user_2', email: 'bob@example.com' });
  });

  test(`${origin}: a lead the API refused (400) is not remembered: the next page may send it`, async ({ page, api, shop, consoleLines }) => {
    shop.page('/account');
    api.respond('lead', faults.status(400));
    await page.goto(shop.url('/account', host));
    await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'user_1') });
    await page.goto(shop.url('/account', host));
    await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => signup(page, 'user_1') });
    expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual(['[Affitor] Failed to track signup: 400']);
  });
}

test('trackLead (legacy) maps customer_key, else user_id, and email', async ({ page, api, shop }) => {
  await page.goto(shop.page('/signup'));
  const leads = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 2,
    action: () =>
      page.evaluate(async () => {
        await (window as any).affitor.trackLead({ customer_key: 'ck', email: 'c@x.com' });
        await (window as any).affitor.trackLead({ user_id: 'uid' });
      }),
  });
  expect(leads.map((l) => [l.body.customer_key, l.body.email])).toEqual([
    ['ck', 'c@x.com'],
    ['uid', null],
  ]);
});

test('signup while the landing click is in flight waits for it and carries its click_id', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  await page.goto(shop.page('/l') + '?aff=P1');
  await api.waitFor('click', 1);
  await page.evaluate(() => void (window as any).affitor.signup('user_1', 'ann@example.com'));
  await page.waitForTimeout(800);
  expect(api.posts('lead'), 'no lead while the click is unanswered').toHaveLength(0);
  api.release();
  const [lead] = await api.waitFor('lead', 1);
  expect(lead.body).toMatchObject({ click_id: 'cust_1_1', click_ids: ['cust_1_1'], has_attribution: true });
});

// A signup slower than its click: the lead waits for the landing's click instead of going out
// without it (which the API rejects for good), across page loads; it goes without a click id only
// once that click has finally failed. signup() itself still resolves after ~3 s.
for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(`${origin}: a click slower than the signup`, () => {
    /** Lands on /l?aff=P1 with the click held, signs up, and returns how long signup() took (ms). */
    async function signupDuringHeldClick(page: Page, api: ApiServer, shop: Shop) {
      api.respond('click', faults.hold());
      shop.page('/l');
      shop.page('/next');
      await page.goto(shop.url('/l?aff=P1', host));
      await api.waitFor('click', 1);
      const took = await page.evaluate(async () => {
        const t = performance.now();
        await (window as any).affitor.signup('user_1', 'ann@example.com');
        return performance.now() - t;
      });
      expect(took).toBeGreaterThanOrEqual(2500);
      expect(took).toBeLessThan(6000);
      expect(api.posts('lead'), 'no lead while the click is unanswered').toHaveLength(0);
      expect(await page.evaluate(() => localStorage.getItem('affitor_pending_leads'))).toContain('ann@example.com');
    }

    test('signup resolves after ~3 s; the lead goes once the click answers, with its click id', async ({ page, api, shop }) => {
      await signupDuringHeldClick(page, api, shop);
      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: async () => api.release() });
      expect(lead.body).toMatchObject({ customer_key: 'user_1', email: 'ann@example.com', click_id: 'cust_1_1', click_ids: ['cust_1_1'], has_attribution: true });
      await expect.poll(() => page.evaluate(() => localStorage.getItem('affitor_pending_leads'))).toBeNull();
    });

    test('the visitor leaves before the click answers: the next page resends the click, then the lead with its id', async ({ page, api, shop }) => {
      await signupDuringHeldClick(page, api, shop);
      await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(shop.url('/next', host)) });
      const [lead] = api.posts('lead');
      const clickId = (await cookieJar(page.context())).affitor_click_id?.value;
      expect(clickId).toMatch(/^cust_1_\d+$/);
      expect(lead.body).toMatchObject({ customer_key: 'user_1', email: 'ann@example.com', click_id: clickId, has_attribution: true });
      expect(lead.body.page_url).toBe(shop.url('/l?aff=P1', host));
      api.release();
      await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => page.goto(shop.url('/next', host)) });
    });

    test('the click finally fails (400): the lead still goes, with the customer key and no click id', async ({ page, api, shop }) => {
      await signupDuringHeldClick(page, api, shop);
      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: async () => api.release(faults.status(400)) });
      expect(lead.body).toMatchObject({ customer_key: 'user_1', email: 'ann@example.com', click_id: null, click_ids: [], has_attribution: false });
    });
  });
}

test('a lead answered 503 is retried with the same body', async ({ page, api, shop }) => {
  api.respond('lead', faults.status(503));
  await page.goto(shop.page('/signup'));
  const leads = await expectApiCalls(api, { endpoint: 'lead', count: 2, action: () => signup(page, 'user_1', 'ann@example.com'), settleMs: 2500 });
  expect(leads[1].body).toEqual(leads[0].body);
});

for (const status of [400, 401] as const) {
  test(`a lead answered ${status} is final: exact console.error, resolves undefined, no retry`, async ({ page, api, shop, consoleLines }) => {
    api.respond('lead', faults.status(status));
    await page.goto(shop.page('/signup'));
    let result: unknown;
    await expectApiCalls(api, {
      endpoint: 'lead',
      count: 1,
      settleMs: 2500,
      action: async () => {
        result = await page.evaluate(() => (window as any).affitor.signup('user_1').then((v: unknown) => ({ v })));
      },
    });
    expect(result).toEqual({});
    expect(consoleLines.filter((l) => l.type === 'error').map((l) => l.text)).toEqual([`[Affitor] Failed to track signup: ${status}`]);
    await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => page.goto(shop.page('/next')) });
  });
}

test('a lead unanswered when the page goes away is resent on the next load, and never stored in a cookie', async ({ page, api, shop }) => {
  api.respond('lead', faults.hold());
  const url = shop.page('/signup');
  await page.goto(url);
  await page.evaluate(() => void (window as any).affitor.signup('user_1', 'ann@example.com'));
  const [first] = await api.waitFor('lead', 1);
  const cookieText = await allCookieText(page.context());
  expect(cookieText).not.toContain('ann@example.com');
  expect(cookieText).not.toContain('ann%40example.com');
  const [resent] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.goto(shop.page('/welcome')) });
  expect(resent.body).toEqual(first.body);
  expect(await allCookieText(page.context())).not.toContain('ann');
  // Delivered now: the next load sends nothing.
  await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => page.goto(shop.page('/welcome')) });
});

test('signup never rejects when the network fails throughout', async ({ page, api, shop, consoleLines }) => {
  test.setTimeout(60_000);
  api.respondAlways('lead', faults.drop());
  await page.goto(shop.page('/signup'));
  const result = await page.evaluate(() =>
    Promise.race([
      (window as any).affitor.signup('user_1').then(
        (v: unknown) => ({ resolved: v }),
        (e: unknown) => ({ rejected: String(e) }),
      ),
      new Promise((r) => setTimeout(() => r('still pending after 25 s'), 25_000)),
    ]),
  );
  expect(result).toEqual({ resolved: undefined });
  expect(consoleLines.filter((l) => l.type === 'error').every((l) => l.text.startsWith('[Affitor]'))).toBe(true);
});
