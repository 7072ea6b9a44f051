// better-auth's social sign-in in Chromium, on plain http and on a secure origin: the visitor lands
// through a partner link (the tag writes affitor_click_id), presses "Continue with" a provider,
// and the browser runs the whole redirect flow itself: better-auth's sign-in request, the stand-in
// provider's authorize page on another site (test/better-auth/oauth-provider.ts), back to
// better-auth's callback (a redirect, or a cross-site form POST with response_mode=form_post),
// where better-auth exchanges the code, reads the userinfo and creates the user. The app is
// node:http + better-auth's toNodeHandler, SQLite with its own migrations, the `affitor` plugin
// recording into the real sandbox. The browser decides which requests carry which cookies; the
// sandbox shows one lead, attributed to the landing's partner, and a second sign-in adds nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { genericOAuth } from 'better-auth/plugins';
import { test, expect, BOTH_ORIGINS, type Page } from '../support/fixtures';
import { pageHtml } from '../support/html';
import { CORE_PATH, TRACKER_PATH } from '../support/pages-server';
import { readyData } from '../support/tracker';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { Affitor } from '../../src/server/index';
import { affitor } from '../../src/better-auth/index';
import { standInProvider, type StandInProvider } from '../../test/better-auth/oauth-provider';

type Json = Record<string, any>;

/** A request that reached the app: where, and the names of the cookies the browser sent with it. */
interface Arrival {
  method: string;
  path: string;
  cookies: string[];
}

/** The app's sign-in page: a button that does what better-auth's client does for `signIn.social`. */
const SIGN_IN_BUTTON = `<button id="continue">Continue with Stand-in ID</button>
<script>
document.getElementById('continue').addEventListener('click', async () => {
  const answer = await fetch('/api/auth/sign-in/social', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ provider: 'stand-in', callbackURL: '/dashboard' }),
  });
  location.href = (await answer.json()).url;
});
</script>`;

/** The app: better-auth (SQLite, genericOAuth, the affitor plugin) under /api/auth, and its pages with the tag. */
async function startApp(host: string, sandbox: RunningSandbox, provider: StandInProvider, formPost: boolean) {
  const arrivals: Arrival[] = [];
  const files: Record<string, Buffer> = {
    [TRACKER_PATH]: readFileSync('dist' + TRACKER_PATH),
    [CORE_PATH]: readFileSync('dist' + CORE_PATH),
  };
  const page = (body: string) => pageHtml({ tag: { apiBase: `http://api.test:${sandbox.port}` }, body }, '');
  let authHandler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> = async () => {};
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.split('=')[0].trim()).filter(Boolean);
    arrivals.push({ method: req.method ?? 'GET', path, cookies });
    if (path.startsWith('/api/auth/')) return void authHandler(req, res);
    const pathname = path.split('?')[0];
    if (files[pathname]) return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(files[pathname]);
    const html = pathname === '/' ? page(SIGN_IN_BUTTON) : pathname === '/dashboard' ? page('<h1>Dashboard</h1>') : null;
    if (!html) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;

  const options = {
    baseURL: origin,
    secret: 'a-test-secret-that-is-long-enough-for-better-auth-0123456789',
    database: new Database(':memory:'),
    emailAndPassword: { enabled: true },
    plugins: [
      genericOAuth({ config: [provider.config('stand-in', { browserHost: 'id.example-provider.test', formPost })] }),
      affitor({ affitor: () => new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.url, retries: 0 }) }),
    ],
  } satisfies BetterAuthOptions;
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const handler = toNodeHandler(betterAuth(options));
  authHandler = async (req, res) => handler(req, res);
  return {
    origin,
    arrivals,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

let sandbox: RunningSandbox;
let provider: StandInProvider;
test.beforeEach(async () => {
  [sandbox, provider] = await Promise.all([startSandbox({ port: 0, db: ':memory:', allowedHosts: ['api.test'] }), standInProvider()]);
});
test.afterEach(async () => {
  await Promise.all([sandbox.close(), provider.close()]);
});

const state = async (): Promise<Json> => (await fetch(`${sandbox.url}/sandbox/state`)).json();
const leads = async () => (await state()).customers.filter((c: Json) => c.lead_at !== null);
/** Every lead request that reached the sandbox, repeats under the same idempotency key included (its console's list). */
const leadRequests = async () => (await state()).feed.filter((item: Json) => item.kind === 'activity' && item.type === 'lead');

/** Presses the button and follows the browser through the provider back to the app's dashboard. */
async function continueWithProvider(page: Page) {
  await page.click('#continue');
  await page.waitForURL((url) => url.pathname === '/dashboard');
  return page.evaluate(async () => (await (await fetch('/api/auth/get-session')).json()) as { user: { id: string; email: string } } | null);
}

for (const [origin, host] of BOTH_ORIGINS) {
  for (const formPost of [false, true]) {
    const returning = formPost ? 'a cross-site form POST (form_post)' : 'a redirect';
    test(`${origin}, the provider answering with ${returning}: the first social sign-in records one lead for the landing's partner; the second nothing`, async ({ page }) => {
      const app = await startApp(host, sandbox, provider, formPost);
      try {
        provider.signIn({ id: 'stand-in-user-ann', email: 'ann@example.com', emailVerified: true, name: 'Ann' });
        await page.goto(`${app.origin}/?aff=PARTNER_B`);
        const { clickId } = await readyData(page);
        expect(clickId).toMatch(/\S/);

        const session = await continueWithProvider(page);
        expect(session?.user.email).toBe('ann@example.com');
        expect(provider.exchanges).toHaveLength(1);
        expect((await leads()).map((c: Json) => [c.customer_key, c.click_id, c.partner_code])).toEqual([[session!.user.id, clickId, 'PARTNER_B']]);

        // Where the browser sent the click cookie: on the sign-in request, and on the callback that
        // created the user, reached by a top-level GET; a cross-site POST carries no SameSite=Lax
        // cookie, and better-auth answers it with a redirect to the GET.
        const carried = (a: { cookies: string[] } | undefined) => a?.cookies.includes('affitor_click_id');
        expect(carried(app.arrivals.find((a) => a.path === '/api/auth/sign-in/social'))).toBe(true);
        const callbacks = app.arrivals.filter((a) => a.path.startsWith('/api/auth/callback/stand-in'));
        expect(callbacks.map((a) => [a.method, carried(a)])).toEqual(formPost ? [['POST', false], ['GET', true]] : [['GET', true]]);

        // Signed out and in again through the provider: the same user, no second lead.
        expect(await page.evaluate(async () => (await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status)).toBe(200);
        await page.goto(`${app.origin}/`);
        expect((await continueWithProvider(page))?.user.id).toBe(session!.user.id);
        expect(provider.exchanges).toHaveLength(2);
        expect(await leadRequests()).toHaveLength(1);
        expect(await leads()).toHaveLength(1);
      } finally {
        await app.close();
      }
    });
  }
}
