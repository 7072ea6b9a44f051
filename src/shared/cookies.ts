// Cookie names and value encoding, shared by the browser core (which writes the cookies) and the
// server helpers (which read them from a Cookie header and may re-issue them). Keeping both sides
// on one module is what stops the "script writes one name, server reads another" class of bug.
import { DAY_MS, DAY_S, MAX_CLICK_IDS } from './constants.js';

export const CLICK_ID_COOKIE = 'affitor_click_id';
/** Legacy copy of the click id; still written, and read when `affitor_click_id` is missing. */
export const LEGACY_CLICK_ID_COOKIE = 'customer_code';
export const AFF_URL_COOKIE = 'affitor_aff_url';
export const CLICK_IDS_COOKIE = 'affitor_click_ids';
export const PENDING_CLICK_COOKIE = 'affitor_pending_click';
/** Host-only flag: "localStorage holds undelivered leads", so a plain visit never touches storage. */
export const PENDING_LEAD_COOKIE = 'affitor_pending_lead';

/** URI-decodes a cookie value, keeping the raw text when it is not valid percent-encoding. */
export function decodeCookieValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * `affitor_aff_url` cookie value: the URL with every character that may not stand in a cookie value
 * percent-encoded (`;` `,` `"` `\`, whitespace, controls, non-ASCII — protocol §4.1), plus `%` itself,
 * so that the decoding read of §4.2 gives back exactly this URL and therefore exactly the same `aff`
 * (without it, `?aff=a%26b` would read back as `aff=a`). Throws on a lone surrogate; callers catch.
 */
export const encodeAffUrl = (url: string) => url.replace(/[^!#$&-+\--:<-[\]-~]/gu, encodeURIComponent);

/**
 * Every cookie named exactly `name` in a `document.cookie` string or Cookie header, in the order the
 * browser sent them, URI-decoded (protocol §4.2). A string search, no regular expression: the
 * browser core reads its cookies with this on every page, where a page's first regular expression
 * costs CPU (docs/figures.md).
 */
export function readCookieValues(cookieString: string, name: string): string[] {
  const values: string[] = [];
  for (const part of cookieString.split(';')) {
    const pair = part.trim();
    // Loose `==` (both sides are numbers): the script ships this module, and ships every byte.
    if (pair.indexOf(name + '=') == 0) values.push(decodeCookieValue(pair.slice(name.length + 1)));
  }
  return values;
}

/** Value of the first cookie named exactly `name` (protocol §4.2), or null. */
export function readCookie(cookieString: string, name: string): string | null {
  const values = readCookieValues(cookieString, name);
  return values.length ? values[0] : null;
}

/** The click-id list with `id` moved to (or added at) the newest end, deduped, at most 20. */
export function appendClickId(ids: string[], id: string): string[] {
  return ids.filter((x) => x !== id).concat(id).slice(-MAX_CLICK_IDS);
}

/** `affitor_click_ids` cookie value (already decoded) → ids, oldest first. */
export function splitClickIds(decoded: string | null): string[] {
  return decoded ? decoded.split('|').filter(Boolean) : [];
}

/** Ids → `affitor_click_ids` cookie value: `encodeURIComponent(ids.join('|'))`. */
export function encodeClickIds(ids: string[]): string {
  return encodeURIComponent(ids.join('|'));
}

// ---- Reading the click id, and writing cookies from a server (Safari ITP refresh) ----

/** Chrome caps any cookie lifetime at 400 days; a longer Max-Age would be silently shortened. */
export const MAX_COOKIE_DAYS = 400;

/**
 * A cookie lifetime as browsers keep it, at most MAX_COOKIE_DAYS: every cookie we write (script and
 * server) goes through this. An API's `cookie_window_days: 1e9` would otherwise give
 * `expires=Invalid Date`, which browsers take for a session cookie.
 */
export const cookieDays = (days: number) => Math.min(days, MAX_COOKIE_DAYS);

/**
 * The longest click id we keep, URI-encoded: 20 of them, `%7C`-separated, fit one cookie of
 * 4,000 B. Browsers silently drop a cookie whose name and value pass 4,096 bytes, so a longer id,
 * or the list holding it, would look stored and not be.
 */
export const MAX_CLICK_ID_BYTES = 190;

/**
 * Whether a `click_id` from the API can be kept in the cookies: a non-empty string that encodes to
 * at most MAX_CLICK_ID_BYTES. Any other answer is refused, not saved: saved, it would vanish, and
 * every later landing of the visitor would send a click again.
 */
export function isStorableClickId(id: unknown): id is string {
  try {
    // Loose `==` (typeof is always a string): a byte less in the script, which ships this module.
    return typeof id == 'string' && !!id && encodeURIComponent(id).length <= MAX_CLICK_ID_BYTES;
  } catch {
    // A lone surrogate cannot be encoded at all.
    return false;
  }
}

/**
 * The click-id history copies (each oldest → newest) and which of several same-named click-id
 * cookies is the script's (protocol §4.2). A Cookie header says nothing of a cookie's domain or
 * path, and browsers order same-path copies by creation time, which an overwrite keeps or renews
 * depending on the browser — so the order cannot tell the script's copy from a stale one. The
 * history can: the script writes `affitor_click_ids` with every click id, the id as its newest
 * entry, after the ids it replaced. An id that some history lists before a newer entry was
 * replaced; of the values sent, the first that ends a history and is replaced in none wins, else
 * the first replaced in none, else the first sent.
 */
export function pickClickId(cookieString: string, name: string): string | null {
  const histories = readCookieValues(cookieString, CLICK_IDS_COOKIE).map(splitClickIds);
  // 2: the newest entry of a history; 0: replaced in one (sticks); 1: in none.
  const rank = (id: string) => histories.reduce((r, ids) => r && (ids[ids.length - 1] == id ? 2 : ids.indexOf(id) < 0 ? r : 0), 1);
  return readCookieValues(cookieString, name).filter(Boolean).sort((a, b) => rank(b) - rank(a))[0] || null;
}

/**
 * The visitor's click id from a `document.cookie` string or Cookie header: `affitor_click_id`,
 * else the legacy `customer_code` (protocol §4.2), URI-decoded (raw on failure); empty → null.
 * Of several same-named cookies, the script's ({@link pickClickId}).
 */
export function readClickId(cookieString: string): string | null {
  return pickClickId(cookieString, CLICK_ID_COOKIE) || pickClickId(cookieString, LEGACY_CLICK_ID_COOKIE);
}

/**
 * The click-id history the script keeps (oldest → newest): of several copies, the one whose newest
 * entry is `current` (the click id it was written with), else the first sent.
 */
export function readClickHistory(cookieString: string, current: string | null): string[] {
  const histories = readCookieValues(cookieString, CLICK_IDS_COOKIE).map(splitClickIds);
  return histories.find((ids) => ids[ids.length - 1] == current) || histories[0] || [];
}

/** The click-id history (oldest → newest, ≤20) with the current id appended when missing, as `getClickIds()`. */
export function readClickIds(cookieString: string): string[] {
  const current = readClickId(cookieString);
  const ids = readClickHistory(cookieString, current);
  return (current && !ids.includes(current) ? ids.concat(current) : ids).slice(-MAX_CLICK_IDS);
}

/**
 * Candidate `domain=` values, broadest first (`.example.com` before `.shop.example.com`). None for
 * localhost, IP literals and single labels: they get host-only cookies (protocol §4.3). No public-suffix list:
 * browsers refuse `.co.uk` themselves, which the probe notices.
 */
export function domainCandidates(host: string): string[] {
  const parts = host.split('.');
  const candidates: string[] = [];
  if (host != 'localhost' && !/^[\d.]+$|:/.test(host)) {
    for (let i = parts.length - 2; i >= 0; i--) candidates.push('.' + parts.slice(i).join('.'));
  }
  return candidates;
}

/**
 * A cookie domain may only become the `domain=` attribute if it cannot smuggle in another
 * attribute or cookie: `;`, `,`, `=`, whitespace and control characters are refused (protocol §2).
 */
// Control characters are exactly what this refuses.
// oxlint-disable-next-line no-control-regex
export const isSafeCookieDomain = (v: string) => !!v && !/[;,=\s\0-\x1f\x7f]/.test(v);

/**
 * The one cookie builder of the script and the server: `name=value` plus the contract's attributes
 * (protocol §4.1), `expires=<UTC>[; Max-Age=<s>]; path=/; SameSite=Lax[; domain=<d>][; Secure]`,
 * never HttpOnly (JS must read it). Positional because the script ships its call; `formatCookie`
 * is the named form. The lifetime is capped by {@link cookieDays}; a negative one gives a past
 * date, which deletes the cookie. Nothing from outside may reach this string: `encodedValue` must
 * already be encoded (e.g. `encodeURIComponent`) and `domain` pass {@link isSafeCookieDomain}.
 * One expression without a default parameter, so that the minifier writes it into the script's
 * one caller instead of a function call (`now || …`: a clock of 0 is no real clock).
 */
export const cookieLine = (name: string, encodedValue: string, days: number, domain?: string, secure?: boolean, maxAge?: boolean, now?: number): string =>
  name + '=' + encodedValue +
  '; expires=' + new Date((now || Date.now()) + cookieDays(days) * DAY_MS).toUTCString() +
  (maxAge ? '; Max-Age=' + Math.round(cookieDays(days) * DAY_S) : '') +
  '; path=/; SameSite=Lax' +
  (domain ? '; domain=' + domain : '') +
  (secure ? '; Secure' : '');

export interface CookieAttributes {
  /** Lifetime in days from `now`, capped by {@link cookieDays}; `<= 0` deletes the cookie. */
  days: number;
  /** `domain=` attribute; must pass {@link isSafeCookieDomain}. Omit for a host-only cookie. */
  domain?: string;
  /** Adds `Secure`: the script does so exactly when the page is `https:`. */
  secure: boolean;
  /** Adds `Max-Age` (seconds, same lifetime): HTTP `Set-Cookie` only; Max-Age beats a skewed client clock. */
  maxAge?: boolean;
  /** Clock, ms since epoch (tests). */
  now?: number;
}

/**
 * {@link cookieLine} with named attributes, for the server and the debug self-test. The domain is
 * re-checked here; a lifetime `<= 0` gives `expires` = now and `Max-Age=0`.
 */
export function formatCookie(name: string, encodedValue: string, attrs: CookieAttributes): string {
  if (attrs.domain && !isSafeCookieDomain(attrs.domain)) throw new TypeError(`unsafe cookie domain ${JSON.stringify(attrs.domain)}`);
  return cookieLine(name, encodedValue, Math.max(0, attrs.days), attrs.domain, attrs.secure, attrs.maxAge, attrs.now);
}

/**
 * The visitor's consent choice, `1` or `0` (consent mode). A server helper that re-issues
 * attribution cookies must not do so when this is `0`.
 */
export const CONSENT_COOKIE = 'affitor_consent';
