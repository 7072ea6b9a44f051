// Reading the visitor's click id on your server, and re-issuing the tracker's cookies from your own
// origin so Safari's 7-day cap on script-written cookies does not end attribution early.
// Names, encoding and attributes come from src/shared/cookies.ts, the module the script uses.
import {
  AFF_URL_COOKIE,
  CLICK_ID_COOKIE,
  CLICK_IDS_COOKIE,
  CONSENT_COOKIE,
  LEGACY_CLICK_ID_COOKIE,
  encodeAffUrl,
  encodeClickIds,
  formatCookie,
  isSafeCookieDomain,
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
 * too, as the script's own migration would write it.
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
  const out = [
    formatCookie(CLICK_ID_COOKIE, encodeURIComponent(clickId), attrs),
    formatCookie(CLICK_IDS_COOKIE, encodeClickIds(readClickIds(header)), attrs),
  ];
  const affUrl = readCookie(header, AFF_URL_COOKIE);
  if (affUrl) out.push(formatCookie(AFF_URL_COOKIE, encodeAffUrl(affUrl), attrs));
  const legacy = readCookie(header, LEGACY_CLICK_ID_COOKIE);
  if (legacy) out.push(formatCookie(LEGACY_CLICK_ID_COOKIE, encodeURIComponent(legacy), attrs));
  return out;
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
  const cookies = affitorCookieRefresh(cookieHeaderOf(req), { ...options, secure: options.secure ?? isHttps(req) });
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
