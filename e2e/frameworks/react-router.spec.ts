// A React Router 7 app in framework mode (e2e/frameworks/react-router-app) on the package as
// installed from its tarball: `react-router build`, `react-router-serve`, pages on
// http://shop.test:PORT, the recording API on http://api.test:PORT. The sign-up is a route
// action that records the lead with clickIdFrom(request).
import { resolve } from 'node:path';
import { test, expect } from '../support/fixtures';
import { startApiServer, type ApiServer } from '../support/api-server';
import { expectApiCalls } from '../support/events';
import { installPackedPackage } from '../support/packed';
import { readyData, trackerLoaded } from '../support/tracker';
import { buildApp, startApp, type RunningApp } from './app-server';

const APP_DIR = resolve('e2e/frameworks/react-router-app');
const API_KEY = 'affitor_react_router_fixture_key';

test.describe.configure({ mode: 'serial' });

let api: ApiServer;
let app: RunningApp | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  api = await startApiServer();
  installPackedPackage(APP_DIR);
  const env = {
    ...process.env,
    // Inlined into the browser code at build time, as VITE_ variables are.
    VITE_AFFITOR_PROGRAM_ID: '1',
    VITE_AFFITOR_API_BASE: api.origin,
    // Read by the action at request time (server-side: no host mapping, so 127.0.0.1).
    AFFITOR_API_KEY: API_KEY,
    AFFITOR_API_URL: `http://127.0.0.1:${api.port}`,
    NODE_ENV: 'production',
  };
  buildApp('react-router build', APP_DIR, resolve('node_modules/@react-router/dev/bin.js'), ['build'], env);
  app = await startApp(APP_DIR, resolve('node_modules/@react-router/serve/bin.js'), ['./build/server/index.js'], env);
});

test.afterAll(async () => {
  app?.close();
  await api?.close();
});

test('action: land, sign up through the form; the action records one lead with clickIdFrom(request)', async ({ page, consoleLines }) => {
  await page.goto(`http://shop.test:${app!.port}/?aff=ROUTER1`);
  await trackerLoaded(page);
  const { clickId } = await readyData(page);
  expect(clickId).toBe(api.clickIds.at(-1));
  const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => page.click('#action-signup') });
  await expect(page.locator('#welcome')).toHaveText('Welcome, rr_router');
  expect(lead.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(lead.body).toMatchObject({ customer_key: 'rr_router', email: 'router@example.com', click_id: clickId });
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'warning')).toEqual([]);
});
