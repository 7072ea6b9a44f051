// A small Supabase Auth (GoTrue) server of our own, speaking the HTTP the real `@supabase/supabase-js`
// client uses: sign-up (auto-confirmed, or confirmed later through a link), password sign-in,
// refresh, the user, sign-out. It keeps the timestamps the way GoTrue does — `last_sign_in_at`
// moves on every sign-in, `confirmed_at` is set by the confirmation, a refresh changes neither —
// which is what `trackSupabaseSignups` decides from. Cross-origin like a real project URL.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

interface User {
  id: string;
  email: string;
  password: string;
  created_at: string;
  confirmed_at: string | null;
  last_sign_in_at: string | null;
}

export interface FakeGoTrue {
  /** `http://127.0.0.1:PORT`: pass it as the Supabase URL (the client appends /auth/v1). */
  url: string;
  port: number;
  /** Email confirmation on (`signUp` returns no session until the link is followed). */
  confirmEmails: boolean;
  /** A user who signed up and last signed in `ageMs` ago (an account from before). */
  addUser(email: string, password: string, ageMs: number): User;
  /**
   * Follows the confirmation link GoTrue mails (its /verify): confirms the user, signs them in, and
   * returns where GoTrue redirects the browser — `redirectTo` with the session in the fragment.
   */
  confirm(email: string, redirectTo: string): string;
  /** Requests served, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

const b64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export async function startFakeGoTrue(): Promise<FakeGoTrue> {
  const users = new Map<string, User>();
  const refreshTokens = new Map<string, string>(); // token → user id
  const requests: string[] = [];
  const iso = (ms = Date.now()) => new Date(ms).toISOString();

  const publicUser = (u: User) => ({
    id: u.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: u.email,
    email_confirmed_at: u.confirmed_at,
    phone: '',
    confirmed_at: u.confirmed_at,
    last_sign_in_at: u.last_sign_in_at,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    identities: [],
    created_at: u.created_at,
    updated_at: u.last_sign_in_at ?? u.created_at,
    is_anonymous: false,
  });
  const session = (u: User) => {
    const now = Math.floor(Date.now() / 1000);
    const refresh = randomUUID();
    refreshTokens.set(refresh, u.id);
    const payload = { sub: u.id, aud: 'authenticated', role: 'authenticated', email: u.email, iat: now, exp: now + 3600, session_id: randomUUID() };
    return {
      access_token: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${b64url('fake-signature')}`,
      token_type: 'bearer',
      expires_in: 3600,
      expires_at: now + 3600,
      refresh_token: refresh,
      user: publicUser(u),
    };
  };
  const byId = (id: string) => [...users.values()].find((u) => u.id === id);
  const signIn = (u: User) => {
    u.last_sign_in_at = iso();
    return session(u);
  };

  const fake: FakeGoTrue = {
    url: '',
    port: 0,
    confirmEmails: false,
    requests,
    addUser(email, password, ageMs) {
      const at = iso(Date.now() - ageMs);
      const user = { id: randomUUID(), email, password, created_at: at, confirmed_at: at, last_sign_in_at: at };
      users.set(email, user);
      return user;
    },
    confirm(email, redirectTo) {
      const user = users.get(email);
      if (!user) throw new Error(`no user ${email}`);
      user.confirmed_at = iso();
      const s = signIn(user);
      const fragment = new URLSearchParams({
        access_token: s.access_token,
        expires_at: String(s.expires_at),
        expires_in: String(s.expires_in),
        refresh_token: s.refresh_token,
        token_type: 'bearer',
        type: 'signup',
      });
      return `${redirectTo}#${fragment}`;
    },
    close: async () => {},
  };

  const answer = (res: http.ServerResponse, status: number, body?: object) => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(body ? JSON.stringify(body) : undefined);
  };
  const error = (res: http.ServerResponse, status: number, code: string, message: string) => answer(res, status, { code, error_code: code, msg: message });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    const url = new URL(req.url ?? '/', 'http://gotrue');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, string>;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const tokenUser = () => {
      const payload = bearer?.split('.')[1];
      return payload ? byId((JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: string }).sub ?? '') : undefined;
    };

    switch (`${req.method} ${url.pathname}`) {
      case 'POST /auth/v1/signup': {
        if (users.has(body.email)) return error(res, 422, 'user_already_exists', 'User already registered');
        const user: User = { id: randomUUID(), email: body.email, password: body.password, created_at: iso(), confirmed_at: null, last_sign_in_at: null };
        users.set(user.email, user);
        if (fake.confirmEmails) return answer(res, 200, publicUser(user));
        user.confirmed_at = user.created_at;
        return answer(res, 200, signIn(user));
      }
      case 'POST /auth/v1/token': {
        const grant = url.searchParams.get('grant_type');
        if (grant === 'password') {
          const user = users.get(body.email);
          if (!user || user.password !== body.password) return error(res, 400, 'invalid_credentials', 'Invalid login credentials');
          if (!user.confirmed_at) return error(res, 400, 'email_not_confirmed', 'Email not confirmed');
          return answer(res, 200, signIn(user));
        }
        if (grant === 'refresh_token') {
          const user = byId(refreshTokens.get(body.refresh_token) ?? '');
          if (!user) return error(res, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
          refreshTokens.delete(body.refresh_token);
          return answer(res, 200, session(user));
        }
        return error(res, 400, 'unsupported_grant_type', `unsupported grant_type ${grant}`);
      }
      case 'GET /auth/v1/user': {
        const user = tokenUser();
        return user ? answer(res, 200, publicUser(user)) : error(res, 403, 'bad_jwt', 'invalid JWT');
      }
      case 'POST /auth/v1/logout':
        return res.writeHead(204).end();
      default:
        return error(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
    }
  };

  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => void handle(req, res).catch((e: unknown) => error(res, 500, 'unexpected_failure', String(e))));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  fake.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}
