// A SvelteKit app (e2e/frameworks/sveltekit-app, adapter-node) on the package as installed from its
// tarball: `vite build`, `node build`, pages on http://shop.test:PORT, the recording API on
// http://api.test:PORT. The sign-up is a form action that records the lead with clickIdFrom(cookies).
import { resolve } from 'node:path';
import { test, expect } from '../support/fixtures';
import { startApiServer, type ApiServer } from '../support/api-server';
import { expectApiCalls } from '../support/events';
import { installPackedPackage } from '../support/packed';
import { readyData, trackerLoaded } from '../support/tracker';
import { buildApp, freePort, startApp, type RunningApp } from './app-server';

const APP_DIR = resolve('e2e/frameworks/sveltekit-app');
const API_KEY = 'affitor_sveltekit_fixture_key';

test.describe.configure({ mode: 'serial' });

let api: ApiServer;
let app: RunningApp | undefined;
let origin = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  api = await startApiServer();
  installPackedPackage(APP_DIR);
  const port = await freePort();
  origin = `http://shop.test:${port}`;
  const env = {
    ...process.env,
    // $env/static/public: inlined at build time.
    PUBLIC_AFFITOR_PROGRAM_ID: '1',
    PUBLIC_AFFITOR_API_BASE: api.origin,
    // $env/dynamic/private: read by the action at request time (server-side, so 127.0.0.1).
    AFFITOR_API_KEY: API_KEY,
    AFFITOR_API_URL: `http://127.0.0.1:${api.port}`,
    // adapter-node's own origin, which SvelteKit's CSRF check compares form posts with.
    ORIGIN: origin,
  };
  buildApp('vite build (SvelteKit)', APP_DIR, resolve('node_modules/vite/bin/vite.js'), ['build'], env);
  app = await startApp(APP_DIR, 'build/index.js', [], env, port);
});

test.afterAll(async () => {
  app?.close();
  await api?.close();
});

test('form action: land, sign up through the form; the action records one lead with clickIdFrom(cookies)', async ({ page, consoleLines }) => {
  await page.goto(`${origin}/?aff=KIT1`);
  await trackerLoaded(page);
  const { clickId } = await readyData(page);
  expect(clickId).toBe(api.clickIds.at(-1));
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#action-signup') });
  await expect(page.locator('#welcome')).toHaveText('Welcome, sk_kit');
  expect(lead.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(lead.body).toMatchObject({ customer_key: 'sk_kit', email: 'kit@example.com', click_id: clickId });
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'warning')).toEqual([]);
});
