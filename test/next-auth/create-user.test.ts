// affitorCreateUser with the real Auth.js core (@auth/core's Auth(request, config)): an email
// (magic-link) sign-in whose adapter creates the user fires events.createUser, which records the
// lead into the real sandbox with the click of the request being served. A second sign-in of the
// same address creates no user and records nothing; an Affitor outage never fails the sign-in.
import { Auth, type AuthConfig } from '@auth/core';
import Resend from '@auth/core/providers/resend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { affitorCreateUser, type AffitorCreateUserOptions } from '../../src/next-auth/index';
import { providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { memoryAdapter } from './memory-adapter';

let sb: ProviderSandbox;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(() => sb.close());

const ORIGIN = 'http://localhost:3000';

/**
 * An app serving Auth.js with a config made per request (Auth.js v5's `NextAuth((req) => config)`,
 * or any framework calling `Auth(request, config)`), the click read from that request.
 */
function app(options: Omit<AffitorCreateUserOptions, 'clickFrom'> & { clickFrom?: AffitorCreateUserOptions['clickFrom'] | 'request' }) {
  const adapter = memoryAdapter();
  const links: string[] = [];
  const serve = (request: Request) => {
    const config: AuthConfig = {
      adapter,
      secret: 'a-test-secret-for-auth-js-0123456789',
      trustHost: true,
      basePath: '/auth',
      providers: [Resend({ from: 'auth@shop.test', apiKey: 'unused', sendVerificationRequest: ({ url }) => void links.push(url) })],
      events: {
        createUser: affitorCreateUser({ ...options, clickFrom: options.clickFrom === 'request' ? () => request : options.clickFrom }),
      },
    };
    return Auth(request, config);
  };
  /** The whole magic-link sign-in, as a browser holding `cookie` does it; returns the callback's answer. */
  async function signIn(email: string, cookie = '') {
    const csrf = await serve(new Request(`${ORIGIN}/auth/csrf`, { headers: { cookie } }));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const jar = [cookie, csrfCookie].filter(Boolean).join('; ');
    const sent = await serve(
      new Request(`${ORIGIN}/auth/signin/resend`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar },
        body: new URLSearchParams({ csrfToken, email }),
      }),
    );
    expect(sent.status).toBe(302);
    const link = links.pop();
    expect(link).toBeDefined();
    return serve(new Request(link!, { headers: { cookie: jar } }));
  }
  return { adapter, signIn };
}

describe('affitorCreateUser with @auth/core', () => {
  it("the first sign-in creates the user and records one lead with its click; a second sign-in adds nothing", async () => {
    const { adapter, signIn } = app({ affitor: sb.affitor, clickFrom: 'request' });
    const cookie = `theme=dark; affitor_click_id=${encodeURIComponent(sb.clickId)}`;
    const first = await signIn('ann@example.com', cookie);
    expect(first.status).toBe(302);
    const [user] = [...adapter.users.values()];
    expect(user.email).toBe('ann@example.com');
    expect((await sb.leads()).map((c) => [c.customer_key, c.click_id, c.partner_code, c.status])).toEqual([[user.id, sb.clickId, 'PARTNER_A', 'lead']]);
    const second = await signIn('ann@example.com', cookie);
    expect(second.status).toBe(302);
    expect(adapter.users.size).toBe(1);
    expect(await sb.requests('lead')).toHaveLength(1);
  });

  it('an Affitor outage never fails the sign-in; the failure is reported', async () => {
    const reported: string[] = [];
    const { adapter, signIn } = app({ affitor: sb.affitor, clickFrom: 'request', onError: (error) => reported.push(error.message) });
    await sb.fault('lead', '503');
    const answer = await signIn('bo@example.com', `affitor_click_id=${sb.clickId}`);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).not.toContain('error');
    expect(adapter.users.size).toBe(1);
    expect(reported).toEqual([expect.stringMatching(/server_error \(503/)]);
  });

  it('a click source it cannot read is reported, and the lead still goes by customer key', async () => {
    const reported: string[] = [];
    const { signIn } = app({ affitor: sb.affitor, clickFrom: () => 42 as never, onError: (error) => reported.push(error.message) });
    const answer = await signIn('cy@example.com');
    expect(answer.status).toBe(302);
    expect(reported).toEqual([expect.stringMatching(/^clickIdFrom: cannot read cookies from a number/)]);
    expect(await sb.calls('lead')).toHaveLength(1);
  });

  it('a client given as a function is made at the first new user, once', async () => {
    let made = 0;
    let cookie = `affitor_click_id=${sb.clickId}`;
    const createUser = affitorCreateUser({
      affitor: () => {
        made++;
        return sb.affitor;
      },
      clickFrom: () => cookie,
    });
    expect(made).toBe(0);
    await createUser({ user: { id: 'usr_dee', email: 'dee@example.com' } });
    cookie = `affitor_click_id=${await sb.client.click('PARTNER_A')}`;
    await createUser({ user: { id: 'usr_eve', email: 'eve@example.com' } });
    expect(made).toBe(1);
    expect(await sb.leads()).toHaveLength(2);
  });

  it('refuses a missing client or a clickFrom that is not a function', () => {
    expect(() => affitorCreateUser({} as never)).toThrow(/affitorCreateUser\(\{ affitor: \(\) => new Affitor/);
    expect(() => affitorCreateUser({ affitor: sb.affitor, clickFrom: 'cookies' as never })).toThrow(/`clickFrom` must be a function/);
  });
});
