// Protocol §3.3–3.4: nothing lost. Retries with backoff, one idempotency key
// (session_id + affiliate_url) for every attempt, persistence across page loads, 4xx final, no storms.
import { test, expect, cookieJar, BOTH_ORIGINS, type Page } from '../support/fixtures';
import { faults, type Fault } from '../support/api-server';
import { expectApiCalls, clickBody, deviceFields } from '../support/events';
import { seedCookies } from '../support/tracker';

const sameAttempt = (bodies: any[]) => {
  const { user_agent: _u, language: _l, timezone: _t, screen_resolution: _s, viewport_size: _v, ...first } = bodies[0];
  for (const b of bodies) expect(b).toMatchObject(first);
};

const retryable: [string, Fault][] = [
  ['a dropped connection', faults.drop()],
  ['503', faults.status(503)],
  ['500', faults.status(500)],
  ['429', faults.status(429)],
  ['408', faults.status(408)],
  ['a non-JSON 2xx', faults.nonJson()],
];
for (const [name, fault] of retryable) {
  test(`after ${name} the click is retried with the same session_id and the second answer lands`, async ({ page, api, shop }) => {
    api.respond('click', fault);
    const landing = shop.page('/l') + '?aff=P1';
    const clicks = await expectApiCalls(api, { endpoint: 'click', count: 2, action: () => page.goto(landing), settleMs: 2500 });
    expect(clicks[1].body).toEqual(clicks[0].body);
    expect(clicks[0].body).toEqual(clickBody(await deviceFields(page), { affiliate_url: landing }));
    const gap = clicks[1].time - clicks[0].time;
    expect(gap).toBeGreaterThanOrEqual(400);
    expect(gap).toBeLessThan(2500);
    const jar = await cookieJar(page.context());
    expect(jar.affitor_click_id?.value).toBe('cust_1_1');
    expect(jar.affitor_pending_click).toBeUndefined();
  });
}

for (const [name, fault] of [
  ['400', faults.status(400)],
  ['404', faults.status(404)],
  ['a 2xx without click_id (inactive link)', faults.inactiveLink()],
] as [string, Fault][]) {
  test(`${name} is final: one request, no cookies, no pending record, no retry on the next load`, async ({ page, api, shop }) => {
    api.respond('click', fault);
    await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/l') + '?aff=P1'), settleMs: 3500 });
    expect(await page.context().cookies()).toEqual([]);
    await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/next')) });
    expect(await page.evaluate(() => (window as any).affitor.getData().hasAttribution)).toBe(false);
  });
}

test('no retry storm: a failing API gets at most 5 attempts per load, with growing capped delays', async ({ page, api, shop }) => {
  test.setTimeout(60_000);
  api.respondAlways('click', faults.status(503));
  const clicks = await expectApiCalls(api, {
    endpoint: 'click',
    count: 5,
    action: () => page.goto(shop.page('/l') + '?aff=P1'),
    timeoutMs: 30_000,
    settleMs: 10_000,
  });
  const gaps = clicks.slice(1).map((c, i) => c.time - clicks[i].time);
  // Protocol §3.4: min(1000·2^(n-1), 8000) ms; allow jitter of ±50% and scheduling slack.
  [1000, 2000, 4000, 8000].forEach((base, i) => {
    expect(gaps[i], `gap ${i + 1} of ${gaps}`).toBeGreaterThanOrEqual(base * 0.5);
    expect(gaps[i], `gap ${i + 1} of ${gaps}`).toBeLessThanOrEqual(base * 1.5 + 500);
  });
  sameAttempt(clicks.map((c) => c.body));
  const pending = JSON.parse(decodeURIComponent((await cookieJar(page.context())).affitor_pending_click.value));
  expect(pending.attempts).toBe(5);
});

/** Resolves once the page's attribution has settled: its click's retry loop has ended, whatever it came to. */
const settled = (page: Page) => page.evaluate(() => new Promise((done) => (window as any).affitor.ready(() => done(null))));

// Protocol §3.4: a 429/503 that says when to come back. The landing's first click is the one the
// every-page file sent and handed to the core, which reads its Retry-After (exposed by CORS).
for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(`${origin}:`, () => {
    test('a 429 with Retry-After: 2 is not retried sooner than 2 s', async ({ page, api, shop }) => {
      api.respond('click', faults.retryAfter(2));
      shop.page('/l');
      await page.goto(shop.url('/l?aff=P1', host));
      const [first, second] = await api.waitFor('click', 2);
      expect(second.time - first.time).toBeGreaterThanOrEqual(2000);
      expect(second.body.session_id).toBe(first.body.session_id);
      await settled(page);
      expect(api.posts('click')).toHaveLength(2);
      expect((await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
    });

    test('a 429 with Retry-After: 60 stops the retries of this page; the record stays and the next page load sends it once', async ({ page, api, shop }) => {
      api.respond('click', faults.retryAfter(60));
      shop.page('/l');
      shop.page('/next');
      const landing = shop.url('/l?aff=P1', host);
      await page.goto(landing);
      // The click's retry loop has ended, after its one attempt: a retry would have come within 1 s.
      await settled(page);
      expect(api.posts('click')).toHaveLength(1);
      const [first] = api.posts('click');
      const jar = await cookieJar(page.context());
      expect(JSON.parse(decodeURIComponent(jar.affitor_pending_click.value))).toMatchObject({ affiliate_url: landing, attempts: 1, session_id: first.body.session_id });
      expect(jar.affitor_click_id).toBeUndefined();

      await page.goto(shop.url('/next', host));
      await settled(page);
      const clicks = api.posts('click');
      expect(clicks).toHaveLength(2);
      expect(clicks[1].body).toMatchObject({ affiliate_url: landing, session_id: first.body.session_id });
      const after = await cookieJar(page.context());
      expect(after.affitor_click_id?.value).toBe('cust_1_1');
      expect(after.affitor_pending_click).toBeUndefined();
    });
  });
}

test('a click unanswered when the visitor leaves is resent on the next page load with its session_id', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  const landing = shop.page('/l', { title: 'Landing' }) + '?aff=P1';
  await page.goto(landing);
  const [first] = await api.waitFor('click', 1);
  const next = shop.page('/pricing', { title: 'Pricing' });
  const [resent] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(next), settleMs: 1500 });
  expect(resent.body).toEqual(
    clickBody(await deviceFields(page), {
      affiliate_url: landing,
      page_url: landing,
      page_title: 'Landing',
      referrer_url: '',
      session_id: first.body.session_id,
    }),
  );
  const jar = await cookieJar(page.context());
  expect(jar.affitor_click_id?.value).toBe('cust_1_1');
  expect(decodeURIComponent(jar.affitor_aff_url.value)).toBe(landing);
  expect(jar.affitor_pending_click).toBeUndefined();
  expect(await page.evaluate(() => (window as any).affitor.getData())).toMatchObject({ clickId: 'cust_1_1', hasAttribution: true });
  // Delivered: a third load sends nothing.
  await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(next) });
});

test('a click that failed on a network error is resent on the next load', async ({ page, api, shop }) => {
  api.respond('click', faults.drop());
  api.respond('click', faults.hold());
  await page.goto(shop.page('/l') + '?aff=P1');
  // The first attempt drops; the in-page retry is held, and the visitor leaves meanwhile.
  const [first, retry] = await api.waitFor('click', 2);
  expect(retry.body.session_id).toBe(first.body.session_id);
  const [resent] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/next')) });
  expect(resent.body.session_id).toBe(first.body.session_id);
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
});

const record = (o: Record<string, unknown>) => encodeURIComponent(JSON.stringify(o));

test('a stored record (contract format) is resent with its stored fields and fresh device fields', async ({ page, api, shop }) => {
  const stored = {
    affiliate_url: shop.url('/l?aff=P7'),
    page_url: shop.url('/l?aff=P7'),
    page_title: 'Stored title',
    referrer_url: 'https://partner.test/post',
    session_id: 'sess_abcdefghi_1700000000000',
    existing_click_id: 'cust_1_99',
    attempts: 2,
    first_ts: Date.now() - 3_600_000,
  };
  await seedCookies(page.context(), shop.origin, { affitor_pending_click: record(stored) });
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(shop.page('/other')) });
  const { attempts: _a, first_ts: _f, ...fields } = stored;
  expect(click.body).toEqual({ ...fields, ...(await deviceFields(page)) });
});

for (const [why, patch] of [
  ['older than 24 h', { first_ts: Date.now() - 25 * 3_600_000 }],
  ['at 10 attempts', { attempts: 10 }],
] as const) {
  test(`a stored record ${why} is dropped without a request`, async ({ page, api, shop }) => {
    const fresh: Record<string, unknown> = {
      affiliate_url: shop.url('/l?aff=P7'),
      page_url: shop.url('/l?aff=P7'),
      page_title: 'T',
      referrer_url: '',
      session_id: 'sess_abcdefghi_1700000000000',
      attempts: 1,
      first_ts: Date.now() - 60_000,
    };
    const stored = { ...fresh, ...patch };
    await seedCookies(page.context(), shop.origin, { affitor_pending_click: record(stored) });
    await expectApiCalls(api, { endpoint: 'click', count: 0, action: () => page.goto(shop.page('/other')) });
    expect((await cookieJar(page.context())).affitor_pending_click).toBeUndefined();
  });
}

test('a new ?aff= landing wins over a stored record: only the new click is sent', async ({ page, api, shop }) => {
  await seedCookies(page.context(), shop.origin, {
    affitor_pending_click: record({
      affiliate_url: shop.url('/l?aff=OLD'),
      page_url: shop.url('/l?aff=OLD'),
      page_title: 'T',
      referrer_url: '',
      session_id: 'sess_abcdefghi_1700000000000',
      attempts: 1,
      first_ts: Date.now() - 60_000,
    }),
  });
  const landing = shop.page('/l') + '?aff=NEW';
  const [click] = await expectApiCalls(api, { endpoint: 'click', count: 1, action: () => page.goto(landing) });
  expect(click.body.affiliate_url).toBe(landing);
  expect(click.body.session_id).not.toBe('sess_abcdefghi_1700000000000');
});

test('guard: trackClick for the URL already in flight sends nothing new', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  await page.goto(shop.page('/l') + '?aff=P1');
  await api.waitFor('click', 1);
  await expectApiCalls(api, {
    endpoint: 'click',
    count: 0,
    action: () => page.evaluate(() => void (window as any).affitor.trackClick(location.href)),
  });
  api.release();
  await expect.poll(async () => (await cookieJar(page.context())).affitor_click_id?.value).toBe('cust_1_1');
  expect(api.posts('click')).toHaveLength(1);
});

test('guard: a different URL replaces the in-flight click, whose late answer writes no cookies', async ({ page, api, shop }) => {
  api.respond('click', faults.hold());
  await page.goto(shop.page('/l') + '?aff=P1');
  const [replaced] = await api.waitFor('click', 1);
  const other = shop.url('/l?aff=P2');
  await page.evaluate((u) => void (window as any).affitor.trackClick(u), other);
  await page.waitForTimeout(500);
  api.release(); // answers the first click with a click id: it was replaced, so it must not be stored
  const clicks = await api.waitFor('click', 2);
  expect(clicks[1].body.affiliate_url).toBe(other);
  await expect.poll(() => (replaced.response as any)?.body?.click_id).toBeTruthy();
  await expect.poll(() => (clicks[1].response as any)?.body?.click_id).toBeTruthy();
  const winner = (clicks[1].response as any).body.click_id;
  const loser = (replaced.response as any).body.click_id;
  await page.waitForTimeout(1000);
  const jar = await cookieJar(page.context());
  expect(jar.affitor_click_id?.value).toBe(winner);
  expect(decodeURIComponent(jar.affitor_aff_url.value)).toBe(other);
  expect(decodeURIComponent(jar.affitor_click_ids.value)).toBe(winner);
  expect(JSON.stringify(await page.context().cookies())).not.toContain(loser);
  expect(api.posts('click')).toHaveLength(2);
});
