// Social sign-in with real better-auth on SQLite (its own migrations) and its genericOAuth plugin
// against a stand-in OAuth 2.0 provider over HTTP (./oauth-provider.ts): the sign-in request, the
// provider's authorize redirect, the callback with the code, better-auth's token exchange and
// userinfo against the provider, then the user created and its lead in the real sandbox. The
// visitor plays the browser: its cookies (better-auth's state and session, the landing's
// affitor_click_id) go with each request to the app, as SameSite=Lax cookies do on the top-level
// navigation back from the provider (e2e/auth/better-auth.spec.ts shows Chromium doing it).
import Database from 'better-sqlite3';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { genericOAuth } from 'better-auth/plugins';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { affitor } from '../../src/better-auth/index';
import { providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { standInProvider, type ProviderUser, type StandInProvider } from './oauth-provider';

const ORIGIN = 'http://localhost:3000';
const ANN: ProviderUser = { id: 'idp-user-ann', email: 'ann@example.com', emailVerified: true, name: 'Ann' };

let sb: ProviderSandbox;
let provider: StandInProvider;
/** Every failure the plugin reported. */
let reported: string[];
beforeEach(async () => {
  [sb, provider] = await Promise.all([providerSandbox(), standInProvider()]);
  reported = [];
});
afterEach(async () => {
  await Promise.all([sb.close(), provider.close()]);
});

async function appWith(extra: Partial<BetterAuthOptions> = {}) {
  const options = {
    baseURL: ORIGIN,
    secret: 'a-test-secret-that-is-long-enough-for-better-auth-0123456789',
    database: new Database(':memory:'),
    emailAndPassword: { enabled: true },
    ...extra,
    plugins: [
      genericOAuth({ config: [provider.config('idp')] }),
      affitor({ affitor: sb.affitor, onError: (error) => reported.push(error.message) }),
    ],
  } satisfies BetterAuthOptions;
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  return betterAuth(options);
}
type App = Awaited<ReturnType<typeof appWith>>;

/** A browser's cookies for the app's origin. */
class Visitor {
  private readonly jar = new Map<string, string>();
  constructor(clickId?: string) {
    if (clickId) this.jar.set('affitor_click_id', encodeURIComponent(clickId));
  }
  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  keep(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (!value || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }
  /** A request to the app, with this browser's cookies. */
  async send(app: App, path: string, init: { method?: string; body?: object } = {}): Promise<Response> {
    const headers: Record<string, string> = { origin: ORIGIN, cookie: this.cookie };
    if (init.body) headers['content-type'] = 'application/json';
    const request = new Request(new URL(path, ORIGIN), { method: init.method ?? 'GET', headers, body: init.body && JSON.stringify(init.body) });
    return this.keep(await app.handler(request));
  }
}

/**
 * The redirect flow as the browser runs it: better-auth answers the sign-in (or link) request with
 * the provider's authorize URL; the provider sends the browser back to the callback with a code;
 * better-auth exchanges it and answers with a redirect. Returns where that redirect goes.
 */
async function throughProvider(app: App, visitor: Visitor, start: Response): Promise<URL> {
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  const authorize = await fetch(url, { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const callback = new URL(authorize.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${ORIGIN}/api/auth/callback/idp`);
  const back = await visitor.send(app, callback.pathname + callback.search);
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!, ORIGIN);
}

const socialSignIn = async (app: App, visitor: Visitor) =>
  throughProvider(app, visitor, await visitor.send(app, '/api/auth/sign-in/social', { method: 'POST', body: { provider: 'idp', callbackURL: '/dashboard' } }));

async function signedInUser(app: App, visitor: Visitor): Promise<{ id: string; email: string } | null> {
  const session = (await (await visitor.send(app, '/api/auth/get-session')).json()) as { user: { id: string; email: string } } | null;
  return session?.user ?? null;
}

const leadRows = async () => (await sb.leads()).map((c) => [c.customer_key, c.click_id, c.partner_code, c.status, c.email_masked]);

describe('affitor() with better-auth social sign-in (genericOAuth, a stand-in provider over HTTP)', () => {
  it("the first sign-in creates the user and records one lead (user id, email, the landing's click); later sign-ins add nothing", async () => {
    const app = await appWith();
    provider.signIn(ANN);
    const browser = new Visitor(sb.clickId);
    expect((await socialSignIn(app, browser)).pathname).toBe('/dashboard');
    expect(provider.exchanges).toHaveLength(1);
    const user = await signedInUser(app, browser);
    expect(user?.email).toBe(ANN.email);
    expect(await leadRows()).toEqual([[user!.id, sb.clickId, 'PARTNER_A', 'lead', expect.stringMatching(/^a.*@example\.com$/)]]);

    // Ann again: in the same browser, and in another one that came through another partner's link.
    const otherPartnersClick = await (async () => {
      await sb.client.post('/sandbox/partners', { code: 'PARTNER_B', status: 'active' });
      return sb.client.click('PARTNER_B');
    })();
    for (const again of [browser, new Visitor(otherPartnersClick)]) {
      expect((await socialSignIn(app, again)).pathname).toBe('/dashboard');
      expect((await signedInUser(app, again))?.id).toBe(user!.id);
    }
    expect(provider.exchanges).toHaveLength(3);
    expect(await sb.requests('lead')).toHaveLength(1);
    expect(reported).toEqual([]);
    expect(await sb.calls('lead')).toHaveLength(1);
    expect(await leadRows()).toEqual([[user!.id, sb.clickId, 'PARTNER_A', 'lead', expect.any(String)]]);
  });

  it('an organic first sign-in (no click) offers the lead by customer key only and fails nothing', async () => {
    const app = await appWith();
    provider.signIn(ANN);
    const browser = new Visitor();
    expect((await socialSignIn(app, browser)).pathname).toBe('/dashboard');
    const lead = (await sb.calls('lead'))[0];
    expect(await sb.calls('lead')).toHaveLength(1);
    expect(lead).toMatchObject({ http_status: 400 });
    expect(reported).toEqual([]);
    expect(await sb.leads()).toEqual([]);
    expect(await signedInUser(app, browser)).toMatchObject({ email: ANN.email });
  });

  it('an email/password user who then signs in with the provider stays one account with one lead, linked or refused as better-auth decides', async () => {
    const verificationLinks: string[] = [];
    const app = await appWith({
      emailVerification: { sendOnSignUp: true, sendVerificationEmail: async ({ url }) => void verificationLinks.push(url) },
    });
    const browser = new Visitor(sb.clickId);
    const signUp = await browser.send(app, '/api/auth/sign-up/email', { method: 'POST', body: { email: ANN.email, password: 'correct horse battery', name: 'Ann' } });
    expect(signUp.status).toBe(200);
    const { user } = (await signUp.json()) as { user: { id: string } };
    expect(await leadRows()).toEqual([[user.id, sb.clickId, 'PARTNER_A', 'lead', expect.any(String)]]);

    // better-auth links a provider to an existing account by email only once that account's own
    // email is verified; before that the social sign-in is refused, and no user is created.
    provider.signIn(ANN);
    const refused = await socialSignIn(app, new Visitor(sb.clickId));
    expect(refused.searchParams.get('error')).toBe('account_not_linked');

    // The emailed link verifies the address; now the provider signs Ann into her account.
    expect(verificationLinks).toHaveLength(1);
    const verified = await new Visitor().send(app, new URL(verificationLinks[0]).pathname + new URL(verificationLinks[0]).search);
    expect(verified.status).toBe(302);
    const later = new Visitor(sb.clickId);
    expect((await socialSignIn(app, later)).pathname).toBe('/dashboard');
    expect((await signedInUser(app, later))?.id).toBe(user.id);

    expect(await sb.requests('lead')).toHaveLength(1);
    expect(reported).toEqual([]);
    expect(await sb.calls('lead')).toHaveLength(1);
    expect(await leadRows()).toEqual([[user.id, sb.clickId, 'PARTNER_A', 'lead', expect.any(String)]]);
  });

  it('linking the provider from a signed-in account (linkSocial) records nothing', async () => {
    const app = await appWith();
    const browser = new Visitor(sb.clickId);
    const signUp = await browser.send(app, '/api/auth/sign-up/email', { method: 'POST', body: { email: ANN.email, password: 'correct horse battery', name: 'Ann' } });
    const { user } = (await signUp.json()) as { user: { id: string } };
    provider.signIn(ANN);
    const linked = await throughProvider(app, browser, await browser.send(app, '/api/auth/link-social', { method: 'POST', body: { provider: 'idp', callbackURL: '/settings' } }));
    expect(linked.pathname).toBe('/settings');
    const accounts = (await (await browser.send(app, '/api/auth/list-accounts')).json()) as { providerId: string }[];
    expect(accounts.map((a) => a.providerId).sort()).toEqual(['credential', 'idp']);
    expect(await sb.requests('lead')).toHaveLength(1);
    expect(await sb.calls('lead')).toHaveLength(1);
    expect(await leadRows()).toEqual([[user.id, sb.clickId, 'PARTNER_A', 'lead', expect.any(String)]]);
  });
});
