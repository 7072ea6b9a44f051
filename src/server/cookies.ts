// Reading the visitor's click id on your server, and re-issuing the tracker's cookies from your own
// origin so Safari's 7-day cap on script-written cookies does not end attribution early.
// Names, encoding and attributes come from src/shared/cookies.ts, the module the script uses.
import {
  AFF_URL_COOKIE,
  CLICK_ID_COOKIE,
  CLICK_IDS_COOKIE,
  CONSENT_COOKIE,
  LEGACY_CLICK_ID_COOKIE,
  domainCandidates,
  encodeAffUrl,
  encodeClickIds,
  formatCookie,
  isSafeCookieDomain,
  pickClickId,
  readClickId,
  readClickIds,
  readCookie,
} from '../shared/cookies.js';
import { DEFAULT_COOKIE_WINDOW_DAYS } from '../shared/constants.js';

/** A Fetch `Request` (Next.js, Hono, Workers, Deno, Bun) or a Node `IncomingMessage` / Express `req`. */
export type RequestLike =
  | { headers: { get(name: string): string | null } }
  | { headers: Record<string, string | string[] | undefined>; socket?: object | null };

/** The raw Cookie header of either request shape ('' when absent). */
export function cookieHeaderOf(req: RequestLike): string {
  const headers = req.headers as { get?: unknown } & Record<string, unknown>;
  const value = typeof headers.get === 'function' ? (headers.get as (n: string) => string | null)('cookie') : headers.cookie;
  return Array.isArray(value) ? value.join('; ') : typeof value === 'string' ? value : '';
}

/**
 * The visitor's click id from a Cookie header: `affitor_click_id`, else the legacy
 * `customer_code`, URI-decoded (raw when not valid percent-encoding). Empty or absent → null.
 * When the browser sends two cookies of that name (a stale copy under another domain, or
 * host-only, beside the script's), the script's: see `pickClickId` in src/shared/cookies.ts.
 */
export function clickIdFromCookieHeader(header?: string | null): string | null {
  return readClickId(header || '');
}

/** The click-id history (oldest → newest, ≤20, current id last if missing), for `trackLead({clickIds})`. */
export function clickIdsFromCookieHeader(header?: string | null): string[] {
  return readClickIds(header || '');
}

export interface CookieRefreshOptions {
  /**
   * The `domain=` the script uses: your `data-affitor-cookie-domain`, else the broadest domain the
   * script's probe accepts (e.g. `.example.com` on `shop.example.com`). Omit on localhost and IP
   * hosts, where the script writes host-only cookies. A different value would create a second
   * cookie of the same name instead of extending the script's.
   * @default undefined, host-only cookies
   */
  domain?: string;
  /** Adds `Secure`; the script does so on `https:` pages. */
  secure: boolean;
  /**
   * The request's host name (`www.example.com`). The refresh expires the same-named cookies of
   * every other scope it can address, so it never leaves a second copy beside the one it writes:
   * the host-only copy when it writes with a `domain`, and with `host` also those of the host's
   * other domains (`.www.example.com` beside `.example.com`, or any domain when it writes
   * host-only). `refreshAffitorCookies` passes it.
   * @default undefined: only the host-only copy is expired, and only when `domain` is given
   */
  host?: string;
  /**
   * New lifetime from now, in days, capped at 400 (Chrome's maximum).
   * @default 60
   */
  days?: number;
  /**
   * Clock, ms since epoch (tests).
   * @default Date.now()
   */
  now?: number;
}

/**
 * `Set-Cookie` values that re-issue the tracker's attribution cookies from your own origin:
 * `affitor_click_id`, `affitor_click_ids`, `affitor_aff_url` (kept so a later link from another
 * partner is still detected as a switch), and `customer_code` only when the browser still has it.
 * Empty when the request carries no click id. A legacy-only visitor gets `affitor_click_id`
 * too, as the script's own migration would write it. Where the browser sent two of a name, the
 * script's is re-issued (`clickIdFromCookieHeader`); first come the values that expire each
 * re-issued name under the other scopes it can address (see `host`), so no copy is left beside it.
 *
 * Values are decoded with the script's reader and re-encoded with the script's own encoders
 * (`encodeURIComponent`; `encodeAffUrl` for the URL), so a value the script wrote is re-issued byte
 * for byte, and nothing from the request can reach the attribute part (both encoders escape `;`,
 * `,`, whitespace and control characters).
 * Throws a TypeError on an unsafe `domain` or a non-positive `days` (programming errors).
 */
export function affitorCookieRefresh(cookieHeader: string | null | undefined, options: CookieRefreshOptions): string[] {
  const { domain, secure } = options;
  if (domain !== undefined && !isSafeCookieDomain(domain)) {
    throw new TypeError(
      `affitorCookieRefresh: invalid \`domain\` ${JSON.stringify(domain)} — pass the script's cookie domain ` +
        '(e.g. ".example.com"), without ";", ",", "=", spaces or control characters; omit it for host-only cookies.',
    );
  }
  const days = options.days ?? DEFAULT_COOKIE_WINDOW_DAYS;
  if (!(days > 0)) throw new TypeError(`affitorCookieRefresh: \`days\` must be a positive number of days, got ${String(options.days)}`);
  const header = cookieHeader || '';
  // A visitor who refused consent (the script's `affitor_consent=0`) must not get tracking cookies
  // back from the server either.
  if (readCookie(header, CONSENT_COOKIE) === '0') return [];
  const clickId = readClickId(header);
  if (!clickId) return [];
  const attrs = { days, domain, secure, maxAge: true, now: options.now };
  const cookies: Array<[name: string, encodedValue: string]> = [
    [CLICK_ID_COOKIE, encodeURIComponent(clickId)],
    [CLICK_IDS_COOKIE, encodeClickIds(readClickIds(header))],
  ];
  const affUrl = readCookie(header, AFF_URL_COOKIE);
  if (affUrl) cookies.push([AFF_URL_COOKIE, encodeAffUrl(affUrl)]);
  const legacy = pickClickId(header, LEGACY_CLICK_ID_COOKIE);
  if (legacy) cookies.push([LEGACY_CLICK_ID_COOKIE, encodeURIComponent(legacy)]);
  const others = otherScopes(domain, options.host);
  const expired = cookies.flatMap(([name]) => others.map((scope) => formatCookie(name, '', { days: 0, domain: scope, secure, maxAge: true, now: options.now })));
  return expired.concat(cookies.map(([name, value]) => formatCookie(name, value, attrs)));
}

/**
 * The scopes besides `domain` ('' = host-only) where a browser on `host` may keep a same-named
 * cookie: host-only, and each domain of the host, compared without the leading dot (browsers
 * ignore it). A host that is not a plain host name gives only the host-only scope.
 */
function otherScopes(domain: string | undefined, host: string | undefined): string[] {
  const name = (host ?? '').toLowerCase();
  const candidates = /^[a-z0-9.-]+$/.test(name) ? domainCandidates(name) : [];
  const own = (domain ?? '').replace(/^\./, '').toLowerCase();
  return [''].concat(candidates).filter((scope) => scope.replace(/^\./, '') !== own);
}

/** Node `ServerResponse` / Express `res`: anything with `getHeader`/`setHeader`. */
interface NodeResponseLike {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string | string[]): unknown;
}

function isHttps(req: RequestLike): boolean {
  const headers = req.headers as { get?: unknown };
  if (typeof headers.get === 'function') {
    const url = (req as { url?: string }).url;
    if (url && /^https:/i.test(url)) return true;
  } else if ((req as { socket?: { encrypted?: boolean } }).socket?.encrypted) {
    return true;
  }
  // Behind a TLS-terminating proxy the app sees http; the proxy's header tells the truth. A wrong
  // guess only costs the `Secure` flag (http pages could not send it anyway).
  const forwarded = typeof headers.get === 'function'
    ? (headers.get as (n: string) => string | null)('x-forwarded-proto')
    : (req.headers as Record<string, unknown>)['x-forwarded-proto'];
  return typeof forwarded === 'string' && /^https\b/i.test(forwarded.trim());
}

/**
 * The host name the browser used: `X-Forwarded-Host` from a proxy, else `Host`, else the URL's;
 * without the port. A wrong guess only leaves a copy on another scope unexpired.
 */
function hostOf(req: RequestLike): string | undefined {
  const headers = req.headers as { get?: unknown } & Record<string, unknown>;
  const header = (name: string) => {
    const value = typeof headers.get === 'function' ? (headers.get as (n: string) => string | null)(name) : headers[name];
    return typeof value === 'string' && value ? value.split(',')[0].trim() : undefined;
  };
  const url = (req as { url?: string }).url;
  const host = header('x-forwarded-host') ?? header('host') ?? (url && /^https?:\/\/([^/?#]+)/i.exec(url)?.[1]);
  // `[::1]:3000` → `[::1]`; `shop.example:8080` → `shop.example`.
  return host ? host.replace(/:\d+$/, '') : undefined;
}

export type RefreshOptions = Omit<CookieRefreshOptions, 'secure'> & {
  /**
   * Adds `Secure`; the script does so on `https:` pages.
   * @default whether the request is https (its URL, a TLS socket, or `X-Forwarded-Proto: https`)
   */
  secure?: boolean;
};

/**
 * Re-issues the attribution cookies on a response of your own site (see {@link affitorCookieRefresh}).
 * - Node/Express: `refreshAffitorCookies(req, res, opts)` appends `Set-Cookie` to `res`, keeping
 *   any already set, and returns `res`.
 * - Fetch (Next.js middleware, Hono, Workers): `return refreshAffitorCookies(request, response, opts)`
 *   appends to `response` and returns it, or returns a copy when its headers are immutable
 *   (a `Response` from `fetch()`); always use the returned value.
 */
export function refreshAffitorCookies<R extends Response | NodeResponseLike>(req: RequestLike, res: R, options: RefreshOptions = {}): R {
  const cookies = affitorCookieRefresh(cookieHeaderOf(req), { host: hostOf(req), ...options, secure: options.secure ?? isHttps(req) });
  if (cookies.length === 0) return res;
  if (typeof (res as NodeResponseLike).setHeader === 'function') {
    const node = res as NodeResponseLike;
    const existing = node.getHeader('set-cookie');
    const prior = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    node.setHeader('Set-Cookie', prior.concat(cookies));
    return res;
  }
  const response = res as Response;
  try {
    // In place when allowed, so framework subclasses (NextResponse) keep their identity.
    for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
    return res;
  } catch {
    // Immutable headers (a Response from fetch(), Response.redirect()): the first append threw, so
    // nothing was added; answer with a copy instead.
    const copy = new Response(response.body, response);
    for (const cookie of cookies) copy.headers.append('Set-Cookie', cookie);
    return copy as R;
  }
}
