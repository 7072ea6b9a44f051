// Client-side Supabase Auth in Chromium, on plain http and on a secure origin: the real
// @supabase/supabase-js client (bundled with the built dist/supabase.js, as an app's bundler would)
// talks to our own fake GoTrue server on another origin, and trackSupabaseSignups hands new
// accounts to the page's tracker. One lead per account with the landing's click: not again on
// the page loads that follow (SIGNED_IN fires on each), never for an existing user's sign-in.
// The recording API counts the requests; one test records into the real sandbox, which credits
// the landing's partner.
import * as esbuild from 'esbuild';
import { resolve } from 'node:path';
import { test, expect, BOTH_ORIGINS, type Page } from '../support/fixtures';
import { expectApiCalls } from '../support/events';
import { readyData } from '../support/tracker';
import { startFakeGoTrue, type FakeGoTrue } from '../../test/supabase/fake-gotrue';
import { startSandbox } from '../../src/sandbox/server';

type Json = Record<string, any>;

const APP = `
import { createClient } from '@supabase/supabase-js';
import { trackSupabaseSignups } from 'affitor-tracker/supabase';
const supabase = createClient(window.SUPABASE_URL, 'anon-key');
trackSupabaseSignups(supabase);
window.app = {
  signUp: (email, password) => supabase.auth.signUp({ email, password }).then((r) => r.data.user && r.data.user.id),
  signIn: (email, password) => supabase.auth.signInWithPassword({ email, password }).then((r) => r.error && r.error.message),
  signOut: () => supabase.auth.signOut().then(() => null),
  // Resolves once the client has told its listeners about this page's session.
  settled: () => supabase.auth.getSession().then((r) => r.data.session && r.data.session.user.id),
};`;

let bundle: string;
test.beforeAll(async () => {
  const built = await esbuild.build({
    stdin: { contents: APP, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    alias: { 'affitor-tracker/supabase': resolve('dist/supabase.js') },
    logLevel: 'silent',
  });
  bundle = built.outputFiles[0].text;
});

let gotrue: FakeGoTrue;
test.beforeEach(async () => {
  gotrue = await startFakeGoTrue();
});
test.afterEach(() => gotrue.close());

const app = <T>(page: Page, call: string, ...args: string[]) => page.evaluate(([c, a]) => (window as any).app[c as string](...(a as string[])), [call, args] as const) as Promise<T>;

for (const [origin, host] of BOTH_ORIGINS) {
  test.describe(origin, () => {
    let url = '';
    test.beforeEach(({ shop }) => {
      shop.serve('/app.js', { body: () => bundle, contentType: 'text/javascript' });
      url = shop.page('/', { head: `<script>window.SUPABASE_URL = 'http://supabase.test:${gotrue.port}';</script>`, body: '<script src="/app.js"></script>' }).replace('//shop.test:', `//${host}:`);
    });

    test('a sign-up records one lead with the landing’s click; the reloads that follow (SIGNED_IN each time) add none', async ({ page, api }) => {
      await page.goto(url + '?aff=P1');
      const { clickId } = await readyData(page);
      await app(page, 'settled');
      let userId = '';
      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: async () => (userId = await app<string>(page, 'signUp', 'new@example.com', 'pw-123456')) });
      expect(lead.body).toMatchObject({ customer_key: userId, email: 'new@example.com', click_id: clickId, program_id: 1 });
      for (let i = 0; i < 2; i++) {
        await expectApiCalls(api, { endpoint: 'lead', count: 0, action: async () => {
          await page.reload();
          expect(await app(page, 'settled')).toBe(userId);
        } });
      }
    });

    test('with the sandbox as the API: one lead, attributed to the landing’s partner', async ({ page, shop }) => {
      const sandbox = await startSandbox({ port: 0, db: ':memory:', allowedHosts: ['api.test'] });
      try {
        const leads = async () => ((await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as Json).customers.filter((c: Json) => c.lead_at !== null);
        const sandboxed = shop
          .page('/with-sandbox', {
            tag: { apiBase: `http://api.test:${sandbox.port}` },
            head: `<script>window.SUPABASE_URL = 'http://supabase.test:${gotrue.port}';</script>`,
            body: '<script src="/app.js"></script>',
          })
          .replace('//shop.test:', `//${host}:`);
        await page.goto(sandboxed + '?aff=PARTNER_B');
        const { clickId } = await readyData(page);
        await app(page, 'settled');
        const userId = await app<string>(page, 'signUp', 'new@example.com', 'pw-123456');
        await expect.poll(async () => (await leads()).length).toBe(1);
        expect((await leads()).map((c: Json) => [c.customer_key, c.click_id, c.partner_code, c.email_masked])).toEqual([
          [userId, clickId, 'PARTNER_B', expect.stringMatching(/^n.*@example\.com$/)],
        ]);
      } finally {
        await sandbox.close();
      }
    });

    test('an existing user signing in, and the new user signing in again, record nothing', async ({ page, api }) => {
      gotrue.addUser('old@example.com', 'pw-old', 90 * 86_400_000);
      await page.goto(url + '?aff=P1');
      await readyData(page);
      await app(page, 'settled');
      await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => app(page, 'signIn', 'old@example.com', 'pw-old') });
      await app(page, 'signOut');
      await expectApiCalls(api, { endpoint: 'lead', count: 1, action: () => app(page, 'signUp', 'fresh@example.com', 'pw-123456') });
      await app(page, 'signOut');
      await expectApiCalls(api, { endpoint: 'lead', count: 0, action: () => app(page, 'signIn', 'fresh@example.com', 'pw-123456') });
    });

    test('with email confirmation, the lead is recorded when the confirmation link signs the user in', async ({ page, api }) => {
      gotrue.confirmEmails = true;
      await page.goto(url + '?aff=P1');
      const { clickId } = await readyData(page);
      await app(page, 'settled');
      const userId = await app<string>(page, 'signUp', 'later@example.com', 'pw-123456');
      await expectApiCalls(api, { endpoint: 'lead', count: 0 });
      // The link in the email, opened in the same browser: GoTrue redirects back with the session.
      const [lead] = await expectApiCalls(api, { endpoint: 'lead', count: 1, action: async () => {
        await page.goto(gotrue.confirm('later@example.com', url));
        await expect.poll(() => app(page, 'settled')).toBe(userId);
      } });
      expect(lead.body).toMatchObject({ customer_key: userId, email: 'later@example.com', click_id: clickId });
    });
  });
}
