// The better-auth plugin with real better-auth on SQLite (its own migrations), driven through its
// HTTP handler, recording into the real sandbox: one lead per new account, attributed to the
// landing's partner; sign-ins add nothing; an Affitor outage never fails the sign-up.
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { affitor, type AccountLeadClient } from '../../src/better-auth/index';
import { Affitor } from '../../src/server/index';
import { providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';

let sb: ProviderSandbox;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(() => sb.close());

const ORIGIN = 'http://localhost:3000';

async function authWith(client: AccountLeadClient, onError?: Parameters<typeof affitor>[0]['onError']) {
  const options = {
    baseURL: ORIGIN,
    secret: 'a-test-secret-that-is-long-enough-for-better-auth-0123456789',
    database: new Database(':memory:'),
    emailAndPassword: { enabled: true },
    plugins: [affitor({ affitor: client, onError })],
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  return betterAuth(options);
}

/** A POST to better-auth's own handler, as the browser sends it (JSON, same origin, its cookies). */
const post = (path: string, body: object, cookie?: string) =>
  new Request(`${ORIGIN}/api/auth${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

describe('affitor() better-auth plugin', () => {
  it("an email sign-up records one lead with the user's id, email and the landing's click; sign-ins add nothing", async () => {
    const auth = await authWith(sb.affitor);
    const cookie = `theme=dark; affitor_click_id=${encodeURIComponent(sb.clickId)}`;
    const signUp = await auth.handler(post('/sign-up/email', { email: 'ann@example.com', password: 'correct horse battery', name: 'Ann' }, cookie));
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    const leads = await sb.leads();
    expect(leads.map((c) => [c.customer_key, c.click_id, c.partner_code, c.status, c.email_masked])).toEqual([
      [user.id, sb.clickId, 'PARTNER_A', 'lead', expect.stringMatching(/^a.*@example\.com$/)],
    ]);
    for (let i = 0; i < 2; i++) {
      const signIn = await auth.handler(post('/sign-in/email', { email: 'ann@example.com', password: 'correct horse battery' }, cookie));
      expect(signIn.status).toBe(200);
    }
    // A second sign-up with the same email is refused by better-auth and creates no user either.
    const again = await auth.handler(post('/sign-up/email', { email: 'ann@example.com', password: 'correct horse battery', name: 'Ann' }, cookie));
    expect(again.status).toBe(422);
    expect(await sb.requests('lead')).toHaveLength(1);
    expect(await sb.leads()).toHaveLength(1);
  });

  it('a sign-up without a click: the lead is offered by customer key, and the API refusing it (organic) is not an error', async () => {
    const reported: string[] = [];
    const auth = await authWith(sb.affitor, (error) => reported.push(error.message));
    const signUp = await auth.handler(post('/sign-up/email', { email: 'bo@example.com', password: 'correct horse battery', name: 'Bo' }));
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    expect(await sb.calls('lead')).toHaveLength(1);
    expect(await sb.leads()).toEqual([]);
    expect(reported).toEqual([]);
    expect(user.id).toBeTruthy();
  });

  it('a server-side auth.api.signUpEmail with the request headers reads the click from them', async () => {
    const auth = await authWith(sb.affitor);
    const headers = new Headers({ cookie: `affitor_click_id=${encodeURIComponent(sb.clickId)}`, origin: ORIGIN });
    const { user } = await auth.api.signUpEmail({ body: { email: 'cy@example.com', password: 'correct horse battery', name: 'Cy' }, headers });
    expect((await sb.leads()).map((c) => [c.customer_key, c.click_id, c.partner_code])).toEqual([[user.id, sb.clickId, 'PARTNER_A']]);
  });

  it('an Affitor outage never fails the sign-up: the user exists, the failure is reported', async () => {
    const reported: [string, string][] = [];
    const auth = await authWith(sb.affitor, (error, account) => reported.push([account.customerKey, error.message]));
    await sb.fault('lead', '503');
    const signUp = await auth.handler(post('/sign-up/email', { email: 'di@example.com', password: 'correct horse battery', name: 'Di' }, `affitor_click_id=${sb.clickId}`));
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    expect(reported).toEqual([[user.id, expect.stringMatching(/server_error \(503/)]]);
    const signIn = await auth.handler(post('/sign-in/email', { email: 'di@example.com', password: 'correct horse battery' }));
    expect(signIn.status).toBe(200);
  });

  it("Affitor down through the whole sign-up: the lead waits in the client's outbox, and flush() records it once, with the click", async () => {
    const reported: string[] = [];
    const auth = await authWith(sb.affitor, (error) => reported.push(error.message));
    await sb.fault('lead', '503', 1000);
    const signUp = await auth.handler(post('/sign-up/email', { email: 'jo@example.com', password: 'correct horse battery', name: 'Jo' }, `affitor_click_id=${sb.clickId}`));
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    expect(reported).toEqual([expect.stringMatching(/server_error \(503.*waits in the client's outbox/)]);
    expect(await sb.leads()).toEqual([]);

    await sb.client.post('/sandbox/faults', { lead: null });
    expect((await sb.affitor.flush()).sent.map((e) => e.idempotencyKey)).toEqual([`better-auth-lead-${user.id}`]);
    await sb.affitor.flush();
    expect((await sb.leads()).map((c) => [c.customer_key, c.click_id, c.partner_code])).toEqual([[user.id, sb.clickId, 'PARTNER_A']]);
    expect((await sb.calls('lead')).filter((e) => e.http_status === 200)).toHaveLength(1);
  });

  it('an unreachable API (and a client that rejects) is logged by default, and the sign-up succeeds', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const unreachable = new Affitor('key_test', { apiBase: 'http://127.0.0.1:9', retries: 0, timeoutMs: 2000 });
    const auth = await authWith(unreachable);
    const signUp = await auth.handler(post('/sign-up/email', { email: 'ed@example.com', password: 'correct horse battery', name: 'Ed' }));
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0][0])).toContain(`The Affitor lead of new user "${user.id}" was not recorded`);
    errors.mockRestore();
  });

  it('a client given as a function is made at the first new account, once, so the config loads without the key', async () => {
    const made: Affitor[] = [];
    // What `next build` does: evaluate the config where AFFITOR_API_KEY is not set. Only the
    // function form survives that; the eager form throws there.
    const unsetKey = process.env.AFFITOR_TEST_UNSET_KEY;
    expect(() => affitor({ affitor: new Affitor({ apiKey: unsetKey! }) })).toThrow(/`apiKey` is required/);
    const auth = await authWith(() => {
      const client = new Affitor({ apiKey: sb.affitorKey, apiUrl: sb.client.sandbox.url, retries: 0 });
      made.push(client);
      return client;
    });
    expect(made).toEqual([]);
    for (const name of ['fay', 'gus']) {
      const clickId = await sb.client.click('PARTNER_A');
      const signUp = await auth.handler(post('/sign-up/email', { email: `${name}@example.com`, password: 'correct horse battery', name }, `affitor_click_id=${clickId}`));
      expect(signUp.status).toBe(200);
    }
    expect(made).toHaveLength(1);
    expect(await sb.leads()).toHaveLength(2);
  });

  it('a function that finds no key reports that account and is asked again at the next one', async () => {
    const reported: string[] = [];
    let key: string | undefined;
    const auth = await authWith(() => (key ? new Affitor({ apiKey: key, apiUrl: sb.client.sandbox.url, retries: 0 }) : null), (error) => reported.push(error.message));
    const first = await auth.handler(post('/sign-up/email', { email: 'hal@example.com', password: 'correct horse battery', name: 'Hal' }, `affitor_click_id=${sb.clickId}`));
    expect(first.status).toBe(200);
    expect(reported).toEqual([expect.stringMatching(/no Affitor client.*AFFITOR_API_KEY/)]);
    key = sb.affitorKey;
    const second = await auth.handler(post('/sign-up/email', { email: 'ida@example.com', password: 'correct horse battery', name: 'Ida' }, `affitor_click_id=${sb.clickId}`));
    expect(second.status).toBe(200);
    expect(await sb.calls('lead')).toHaveLength(1);
  });

  it('refuses a missing client with a TypeError that says what to pass', () => {
    expect(() => affitor({} as never)).toThrow(/affitor\(\{ affitor: \(\) => new Affitor\(\{ apiKey \}\) \}\)/);
  });
});
