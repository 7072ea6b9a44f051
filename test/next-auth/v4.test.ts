// affitorCreateUser with the real NextAuth.js v4 (`next-auth@4`) in its Pages Router form, served by
// node:http with the few helpers Next.js adds to API routes (`req.query`, `req.body`, `req.cookies`,
// `res.status/send/json`): an email (magic-link) sign-in whose adapter creates the user fires v4's
// events.createUser, which records the lead into the real sandbox with the click of the request
// being served (`clickFrom: () => req`, v4's advanced initialization). A second sign-in creates no
// user and records nothing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { affitorCreateUser } from '../../src/next-auth/index';
import { Affitor } from '../../src/server/index';
import { providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { memoryAdapter } from './memory-adapter';

// Loaded by name at run time: next-auth v4's types augment Node's ProcessEnv for the whole program.
const NextAuth = createRequire(import.meta.url)('next-auth').default as (req: unknown, res: unknown, options: Record<string, unknown>) => Promise<void>;

let sb: ProviderSandbox;
let server: Server | undefined;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
  delete process.env.NEXTAUTH_URL;
  await sb.close();
});

type ApiRequest = IncomingMessage & { query: Record<string, unknown>; body: Record<string, string>; cookies: Record<string, string> };
type ApiResponse = ServerResponse & { status(code: number): ApiResponse; send(body: unknown): void; json(body: unknown): void };

/** A v4 app in the Pages Router: `pages/api/auth/[...nextauth].ts` with the advanced initialization. */
async function v4App(affitor: Parameters<typeof affitorCreateUser>[0]['affitor']) {
  const adapter = memoryAdapter();
  const links: string[] = [];
  const authOptions = {
    adapter,
    secret: 'a-test-secret-for-next-auth-v4-0123456789',
    // What next-auth/providers/email returns, without its nodemailer transport: the link is kept here.
    providers: [
      {
        id: 'email',
        type: 'email',
        name: 'Email',
        server: {},
        from: 'auth@shop.test',
        maxAge: 24 * 60 * 60,
        sendVerificationRequest: async ({ url }: { url: string }) => void links.push(url),
        options: {},
      },
    ],
  };
  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const url = new URL(incoming.url!, 'http://localhost');
    let text = '';
    for await (const chunk of incoming) text += chunk;
    const req = Object.assign(incoming, {
      query: { ...Object.fromEntries(url.searchParams), nextauth: url.pathname.replace(/^\/api\/auth\//, '').split('/') },
      body: Object.fromEntries(new URLSearchParams(text)),
      cookies: Object.fromEntries((incoming.headers.cookie ?? '').split(/; */).filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), decodeURIComponent(pair.slice(pair.indexOf('=') + 1))])),
    }) as ApiRequest;
    const res = outgoing as ApiResponse;
    res.status = (code) => ((res.statusCode = code), res);
    res.json = (body) => void res.setHeader('content-type', 'application/json').end(JSON.stringify(body));
    res.send = (body) => (typeof body === 'string' ? void res.end(body) : res.json(body));
    // The advanced initialization: the options made for this request, so the event can read it.
    await NextAuth(req, res, { ...authOptions, events: { createUser: affitorCreateUser({ affitor, clickFrom: () => req }) } });
  };
  server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      outgoing.statusCode = 500;
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  process.env.NEXTAUTH_URL = origin;
  const setCookies = (answer: Response) => answer.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  /** The whole magic-link sign-in, as a browser holding `cookie` does it; returns the callback's answer. */
  async function signIn(email: string, cookie = '') {
    const csrf = await fetch(`${origin}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const jar = [cookie, setCookies(csrf)].filter(Boolean).join('; ');
    const sent = await fetch(`${origin}/api/auth/signin/email`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar },
      body: new URLSearchParams({ csrfToken, email }),
    });
    expect(sent.headers.get('location')).toContain('/api/auth/verify-request');
    const link = links.pop();
    expect(link).toBeDefined();
    return fetch(link!, { redirect: 'manual', headers: { cookie: jar } });
  }
  return { adapter, signIn, origin };
}

describe('affitorCreateUser with next-auth v4', () => {
  it('the first sign-in creates the user and records one lead with the click of the request; a second adds nothing', async () => {
    let made = 0;
    const { adapter, signIn, origin } = await v4App(() => {
      made++;
      return new Affitor({ apiKey: sb.affitorKey, apiUrl: sb.client.sandbox.url, retries: 0 });
    });
    const cookie = `theme=dark; affitor_click_id=${encodeURIComponent(sb.clickId)}`;
    const first = await signIn('ann@example.com', cookie);
    expect([first.status, first.headers.get('location')]).toEqual([302, origin]);
    const [user] = [...adapter.users.values()];
    expect(user.email).toBe('ann@example.com');
    expect((await sb.leads()).map((c) => [c.customer_key, c.click_id, c.partner_code, c.status])).toEqual([[user.id, sb.clickId, 'PARTNER_A', 'lead']]);

    const second = await signIn('ann@example.com', cookie);
    expect([second.status, second.headers.get('location')]).toEqual([302, origin]);
    expect(adapter.users.size).toBe(1);
    expect(await sb.requests('lead')).toHaveLength(1);
    expect(made).toBe(1);
  });

  it('an Affitor outage never fails the v4 sign-in', async () => {
    const { adapter, signIn, origin } = await v4App(sb.affitor);
    await sb.fault('lead', '503');
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args[0]);
    try {
      const answer = await signIn('bo@example.com', `affitor_click_id=${sb.clickId}`);
      expect([answer.status, answer.headers.get('location')]).toEqual([302, origin]);
    } finally {
      console.error = original;
    }
    expect(adapter.users.size).toBe(1);
    expect(errors).toEqual([expect.stringMatching(/The Affitor lead of new user "usr_1" was not recorded: .*503/)]);
  });
});
