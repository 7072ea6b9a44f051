// A real Next.js 16 app (e2e/react/next-app: App Router and Pages Router in one build) on the
// package as installed from its tarball: `next build` once for this file, `next start`, pages on
// http://shop.test:PORT, the recording API on http://api.test:PORT. It covers the README's Next.js
// integration end to end: the landing, the signup from a client component, the click id read by a
// route handler, the sale recorded by the server, and a server action sign-up recording the lead
// with clickIdFrom(await cookies()).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { test, expect, affitorLines, cookieJar, type Page } from '../support/fixtures';
import { startApiServer, faults, type ApiServer } from '../support/api-server';
import { expectApiCalls } from '../support/events';
import { installPackedPackage } from '../support/packed';
import { readyData, trackerLoaded, type AffitorData } from '../support/tracker';

const APP_DIR = resolve('e2e/react/next-app');
const NEXT_BIN = resolve('node_modules/next/dist/bin/next');
const API_KEY = 'affitor_next_fixture_key';

test.describe.configure({ mode: 'serial' });

let api: ApiServer;
let server: ChildProcess | undefined;
let origin = '';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  api = await startApiServer();
  installPackedPackage(APP_DIR);
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    // Inlined into the browser code at build time, as NEXT_PUBLIC_ variables are.
    NEXT_PUBLIC_AFFITOR_PROGRAM_ID: '1',
    NEXT_PUBLIC_AFFITOR_API_BASE: api.origin,
    // Read by the route handlers at request time (server-side: no host mapping, so 127.0.0.1).
    AFFITOR_API_KEY: API_KEY,
    AFFITOR_API_URL: `http://127.0.0.1:${api.port}`,
  };
  const started = Date.now();
  // Built without the server's secret, as CI and image builds run: module-level auth helpers must load without it.
  const { AFFITOR_API_KEY: _runtimeOnly, ...buildEnv } = env;
  const build = spawnSync(process.execPath, [NEXT_BIN, 'build'], { cwd: APP_DIR, env: buildEnv, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  console.log(`next build: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const port = await freePort();
  server = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: APP_DIR, env, stdio: 'pipe' });
  let output = '';
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<never>((_, fail) => server!.once('exit', (code) => fail(new Error(`next start exited (${code}):\n${output}`))));
  const ready = (async () => {
    for (;;) {
      const answer = await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
      if (answer?.ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.race([ready, exited]);
  origin = `http://shop.test:${port}`;
});

test.afterAll(async () => {
  server?.kill();
  await api?.close();
});

const attribution = async (page: Page): Promise<AffitorData | null> => JSON.parse((await page.locator('#attribution').textContent()) || 'null');

test('App Router: the server renders the children; the landing’s click shows in a client component; signup, route handler and sale carry the click id', async ({ page, consoleLines }) => {
  const html = await fetch(`${origin.replace('shop.test', '127.0.0.1')}/`).then((r) => r.text());
  expect(html).toContain('<output id="attribution">null</output>');
  expect(html).toContain('Sign up');

  const clicksBefore = api.posts('click').length;
  api.respond('click', faults.hold());
  const landing = `${origin}/?aff=NEXT1`;
  await page.goto(landing);
  await api.waitFor('click', clicksBefore + 1);
  await expect.poll(() => attribution(page)).toMatchObject({ clickId: null, hasAttribution: false });
  api.release();
  await expect.poll(() => attribution(page).then((d) => d?.hasAttribution)).toBe(true);
  const clickId = api.clickIds.at(-1)!;
  expect(await attribution(page)).toEqual({ clickId, programId: 1, hasAttribution: true, affiliateUrl: landing });
  expect(api.posts('click')).toHaveLength(clicksBefore + 1);
  expect(api.posts('click').at(-1)!.body).toMatchObject({ affiliate_url: landing, page_title: 'Shop' });

  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#signup') });
  expect(lead.body).toMatchObject({ customer_key: 'user_buyer', email: 'buyer@example.com', click_id: clickId, program_id: 1 });
  await expect(page.locator('#server-click-id')).toHaveText(clickId);

  const [sale] = await expectApiCalls(api, { endpoint: 'sale', count: 1, action: () => page.click('#buy') });
  expect(sale.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(sale.body).toMatchObject({ customer_key: 'user_buyer', click_id: clickId, amount_cents: 4900, transaction_id: 'order_user_buyer' });
  await expect(page.locator('#sale')).toHaveText('{"ok":true,"status":200}');
  expect(api.posts('click')).toHaveLength(clicksBefore + 1);
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'warning')).toEqual([]);
  expect(affitorLines(consoleLines)).toEqual([]);
});

test('Pages Router: the provider in _app; the landing, the signup, and the click id on an API route', async ({ page, consoleLines }) => {
  const clicksBefore = api.posts('click').length;
  const landing = `${origin}/pages-router?aff=NEXT2`;
  await page.goto(landing);
  await expect.poll(() => attribution(page).then((d) => d?.hasAttribution)).toBe(true);
  const clickId = api.clickIds.at(-1)!;
  expect(await attribution(page)).toEqual({ clickId, programId: 1, hasAttribution: true, affiliateUrl: landing });

  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#signup') });
  expect(lead.body).toMatchObject({ customer_key: 'user_pages', click_id: clickId, program_id: 1 });
  await expect(page.locator('#server-click-id')).toHaveText(clickId);
  expect(api.posts('click')).toHaveLength(clicksBefore + 1);
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'warning')).toEqual([]);
});

test('Server action: land, sign up through the form; the action records one lead with clickIdFrom(await cookies())', async ({ page, consoleLines }) => {
  await page.goto(`${origin}/server-action?aff=NEXT3`);
  await trackerLoaded(page);
  const { clickId } = await readyData(page);
  expect(clickId).toBe(api.clickIds.at(-1));
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#action-signup') });
  await expect(page.locator('#welcome')).toHaveText('Welcome, sa_action');
  expect(lead.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(lead.body).toMatchObject({ customer_key: 'sa_action', email: 'action@example.com', click_id: clickId });
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'warning')).toEqual([]);
});

test('An auth event in a route handler: affitorCreateUser({ clickFrom: headers }) in a live request records the lead with the script’s click, also beside a stale same-named cookie', async ({ page, context }) => {
  await page.goto(`${origin}/server-action?aff=NEXT4`);
  await trackerLoaded(page);
  const { clickId } = await readyData(page);
  const jar = await cookieJar(context);
  expect(jar.affitor_click_id.value).toBe(encodeURIComponent(clickId!));
  // The browser's Cookie header with a stale copy of the name sent after the script's (a host-only
  // cookie an older deploy wrote): a parsed store such as cookies() keeps one of them.
  const history = jar.affitor_click_ids ? `; affitor_click_ids=${jar.affitor_click_ids.value}` : '';
  const cookie = `affitor_click_id=${jar.affitor_click_id.value}${history}; affitor_click_id=cust_stale_1`;
  const [lead] = await expectApiCalls(api, {
    endpoint: 'lead',
    count: 1,
    action: async () => {
      const answer = await fetch(`${origin.replace('shop.test', '127.0.0.1')}/api/auth-event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ id: 'na_user', email: 'event@example.com' }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ fromCookies: 'cust_stale_1', fromHeaders: clickId });
    },
  });
  expect(lead.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(lead.body).toMatchObject({ customer_key: 'na_user', email: 'event@example.com', click_id: clickId });
});
