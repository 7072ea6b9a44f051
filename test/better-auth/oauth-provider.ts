// A stand-in OAuth 2.0 provider on node:http for better-auth's social sign-in tests. It runs the
// authorization-code flow with PKCE (S256) the way a real provider does: /authorize sends the
// browser back to the app's redirect URI with a one-time code (as a redirect, or with
// response_mode=form_post as a page that posts it cross-site), /token exchanges that code for an
// access token once the client, the redirect URI and the code verifier check out, and /userinfo
// answers the token's user. Who is signed in at the provider is the test's to say.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderUser {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface StandInProvider {
  clientId: string;
  clientSecret: string;
  /** The person signed in at the provider: the next /authorize consents as them. */
  signIn(user: ProviderUser): void;
  /**
   * better-auth's genericOAuth config for this provider. The browser reaches /authorize by
   * `browserHost` (another site than the app's); the app's server reaches /token and /userinfo on
   * loopback.
   */
  config(providerId: string, options?: { browserHost?: string; formPost?: boolean }): {
    providerId: string;
    clientId: string;
    clientSecret: string;
    authorizationUrl: string;
    tokenUrl: string;
    userInfoUrl: string;
    responseMode?: 'form_post';
  };
  /** Codes exchanged at /token, in order. */
  exchanges: string[];
  close(): Promise<void>;
}

interface Grant {
  user: ProviderUser;
  redirectUri: string;
  codeChallenge: string;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function standInProvider(): Promise<StandInProvider> {
  const clientId = 'affitor-test-app';
  const clientSecret = base64url(randomBytes(24));
  let current: ProviderUser | null = null;
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, ProviderUser>();
  const exchanges: string[] = [];

  const json = (res: http.ServerResponse, status: number, body: object) =>
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));

  const authorize = (url: URL, res: http.ServerResponse) => {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== clientId || !redirectUri) return json(res, 400, { error: 'invalid_request' });
    if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      return json(res, 400, { error: 'invalid_request', error_description: 'code flow with S256 PKCE only' });
    }
    if (!current) return json(res, 401, { error: 'login_required' });
    const code = base64url(randomBytes(18));
    codes.set(code, { user: current, redirectUri, codeChallenge: q.get('code_challenge')! });
    const state = q.get('state') ?? '';
    if (q.get('response_mode') === 'form_post') {
      const html = `<!doctype html><html><body><form method="post" action="${escapeHtml(redirectUri)}">
<input type="hidden" name="code" value="${escapeHtml(code)}"><input type="hidden" name="state" value="${escapeHtml(state)}">
</form><script>document.forms[0].submit()</script></body></html>`;
      return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    }
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', state);
    res.writeHead(302, { Location: back.href }).end();
  };

  const token = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const form = new URLSearchParams(raw);
    const basic = req.headers.authorization?.startsWith('Basic ')
      ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
      : null;
    const [id, secret] = basic ?? [form.get('client_id'), form.get('client_secret')];
    if (id !== clientId || secret !== clientSecret) return json(res, 401, { error: 'invalid_client' });
    const code = form.get('code') ?? '';
    const grant = codes.get(code);
    // A code is good once.
    codes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    if (
      form.get('grant_type') !== 'authorization_code' ||
      !grant ||
      grant.redirectUri !== form.get('redirect_uri') ||
      base64url(createHash('sha256').update(verifier).digest()) !== grant.codeChallenge
    ) {
      return json(res, 400, { error: 'invalid_grant' });
    }
    exchanges.push(code);
    const accessToken = base64url(randomBytes(24));
    tokens.set(accessToken, grant.user);
    json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: 'profile email' });
  };

  const userinfo = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const user = tokens.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
    if (!user) return json(res, 401, { error: 'invalid_token' });
    json(res, 200, { id: user.id, sub: user.id, email: user.email, email_verified: user.emailVerified, name: user.name });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://provider');
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') return void token(req, res);
    if (req.method === 'GET' && url.pathname === '/userinfo') return userinfo(req, res);
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    clientId,
    clientSecret,
    signIn: (user) => void (current = user),
    config: (providerId, options = {}) => ({
      providerId,
      clientId,
      clientSecret,
      authorizationUrl: `http://${options.browserHost ?? '127.0.0.1'}:${port}/authorize`,
      tokenUrl: `http://127.0.0.1:${port}/token`,
      userInfoUrl: `http://127.0.0.1:${port}/userinfo`,
      ...(options.formPost ? { responseMode: 'form_post' as const } : {}),
    }),
    exchanges,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
