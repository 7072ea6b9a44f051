// First-party reach in real Chromium: a shop on http://shop.test:PORT mounts the
// Express/Node proxy recipe at /affitor in front of a real sandbox; the page loads the script from
// /affitor and points data-affitor-api-base at /affitor. The click and the lead must reach the
// sandbox with the exact bodies the browser sent, with every request same-origin (so no preflight),
// and the click cookie must be set on the shop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, cookieJar } from '../support/fixtures';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { affitorProxy } from '../../recipes/express/affitor-proxy.mjs';

const landingHtml = `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">
<script src="/affitor/js/affitor-tracker.js" data-affitor-program-id="1" data-affitor-api-base="/affitor"></script>
</head><body><h1>Shop</h1></body></html>`;

interface Shop {
  origin: string;
  /** `METHOD path` of every request the shop server received, in order. */
  requests: string[];
  close(): Promise<void>;
}

async function startShop(upstream: string): Promise<Shop> {
  const requests: string[] = [];
  const proxy = affitorProxy({ upstream, basePath: '/affitor' });
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/affitor/')) return proxy(req, res);
    if (req.url?.split('?')[0] === '/landing') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(landingHtml);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    origin: `http://shop.test:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

interface StoredEvent {
  type: string;
  http_status: number;
  click_id: string | null;
  partner_code: string | null;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

async function sandboxState(sandbox: RunningSandbox) {
  const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as {
    events: StoredEvent[];
    customers: { click_id: string; partner_code: string; status: string; customer_key: string | null }[];
  };
  return { ...state, events: state.events.slice().reverse() };
}

let sandbox: RunningSandbox;
let shop: Shop;
test.beforeEach(async () => {
  sandbox = await startSandbox({ db: ':memory:', port: 0 });
  shop = await startShop(sandbox.url);
});
test.afterEach(async () => {
  await shop.close();
  await sandbox.close();
});

test('a landing with ?aff= records the click through /affitor: same-origin only, exact body, cookie set', async ({ page, context }) => {
  const browserRequests: { method: string; url: string; body: string | null }[] = [];
  page.on('request', (request) => browserRequests.push({ method: request.method(), url: request.url(), body: request.postData() }));

  const clickAnswered = page.waitForResponse((response) => response.url().endsWith('/affitor/api/v1/track/click'));
  await page.goto(`${shop.origin}/landing?aff=PARTNER_A`);
  const clickResponse = await clickAnswered;
  expect(clickResponse.status()).toBe(200);
  const answered = await clickResponse.json();
  expect(answered).toEqual({ success: true, click_id: expect.stringMatching(/^cust_1_\d+$/), partner_code: 'PARTNER_A', cookie_window_days: 60 });

  // The click cookie lands on the shop's own origin.
  await expect.poll(async () => (await cookieJar(context)).affitor_click_id?.value).toBe(answered.click_id);

  // Every request the browser made stayed on the shop's origin; none was a preflight.
  expect(browserRequests.map((r) => new URL(r.url).origin)).toEqual(browserRequests.map(() => shop.origin));
  expect(shop.requests.filter((r) => r.startsWith('OPTIONS'))).toEqual([]);
  // The landing's click leaves in the script's first task; the core it hands the answer to loads beside the script.
  expect(shop.requests.slice(0, 2)).toEqual(['GET /landing?aff=PARTNER_A', 'GET /affitor/js/affitor-tracker.js']);
  expect(shop.requests.slice(2).sort()).toEqual(['GET /affitor/js/affitor-tracker.core.js', 'POST /affitor/api/v1/track/click']);

  // The sandbox stored exactly one click, with exactly the body the browser sent, and answered it
  // with exactly what the page received.
  const clicks = browserRequests.filter((r) => r.url.endsWith('/affitor/api/v1/track/click'));
  expect(clicks).toHaveLength(1);
  const { events, customers } = await sandboxState(sandbox);
  expect(events.map((e) => `${e.type} ${e.http_status}`)).toEqual(['click 200']);
  expect(events[0].request).toEqual(JSON.parse(clicks[0].body ?? 'null'));
  expect(events[0].response).toEqual(answered);
  expect(customers).toEqual([expect.objectContaining({ click_id: answered.click_id, partner_code: 'PARTNER_A', status: 'click' })]);
});

test('signup() after the landing sends the lead through /affitor and the sandbox binds the customer', async ({ page }) => {
  const clickAnswered = page.waitForResponse((response) => response.url().endsWith('/affitor/api/v1/track/click'));
  await page.goto(`${shop.origin}/landing?aff=PARTNER_A`);
  const { click_id: clickId } = await (await clickAnswered).json();

  const leadAnswered = page.waitForResponse((response) => response.url().endsWith('/affitor/api/v1/track/lead'));
  await page.evaluate(() => (window as unknown as { affitor: { signup(k: string, e: string): Promise<void> } }).affitor.signup('user_42', 'ada@example.com'));
  const leadResponse = await leadAnswered;
  expect(leadResponse.status()).toBe(200);
  expect(await leadResponse.json()).toEqual({ success: true, message: 'Lead tracked successfully' });

  const leadRequest = JSON.parse(leadResponse.request().postData() ?? 'null');
  expect(leadRequest).toMatchObject({ click_id: clickId, customer_key: 'user_42' });
  const { events, customers } = await sandboxState(sandbox);
  expect(events.map((e) => `${e.type} ${e.http_status}`)).toEqual(['click 200', 'lead 200']);
  // Stored as sent, except the email, which the sandbox masks before it reaches disk.
  expect(events[1].request).toEqual({ ...leadRequest, email: 'a***@example.com' });
  expect(customers).toEqual([expect.objectContaining({ click_id: clickId, status: 'lead', customer_key: 'user_42' })]);
  expect(shop.requests.filter((r) => r.startsWith('OPTIONS'))).toEqual([]);
});
