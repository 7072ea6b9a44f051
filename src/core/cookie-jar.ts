// The page's view of its cookies. `document.cookie` is read once per page (a read costs ~1 ms in a
// fresh page) into a cache that our own writes keep current. Every access is wrapped: sandboxed
// iframes and cookie-blocking browsers throw from `document.cookie`, and that must not reach the page.
import { decodeCookieValue, parseCookies } from '../shared/cookies';

let jar: Map<string, string> | undefined;
/** Configured `domain=`; '' means "use the probed root domain" (contract §4.3). */
let configuredDomain = '';
/** The probed root domain ('' = host-only), once known. */
let probedDomain: string | undefined;

export const setCookieDomain = (domain: string) => {
  configuredDomain = domain;
};

/** A fresh read of `document.cookie` ('' when cookies are unavailable). */
export const readCookieString = () => {
  try {
    return document.cookie;
  } catch {
    return '';
  }
};

/** Decoded value of a cookie, or null when it is missing or empty. */
export function getCookie(name: string): string | null {
  const raw = (jar = jar || parseCookies(readCookieString())).get(name);
  return raw ? decodeCookieValue(raw) : null;
}

/**
 * Writes `name=raw` with the contract's attributes (§4.1); `days < 0` deletes it. `raw` is already
 * encoded, and the attribute part is built only from our constants and a validated or probed domain.
 */
export function setCookie(name: string, raw: string, days: number, domain = cookieDomain()) {
  try {
    document.cookie =
      name + '=' + raw +
      '; expires=' + new Date(Date.now() + days * 864e5).toUTCString() +
      '; path=/; SameSite=Lax' +
      (domain ? '; domain=' + domain : '') +
      (location.protocol == 'https:' ? '; Secure' : '');
    getCookie(name);
    days > 0 ? jar!.set(name, raw) : jar!.delete(name);
  } catch {
    // No cookies: this visit keeps no attribution, and the page is not disturbed.
  }
}

/**
 * Candidate `domain=` values, broadest first (`.example.com` before `.shop.example.com`). None for
 * localhost, IP literals and single labels: they get host-only cookies. No public-suffix list:
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

const PROBE = 'affitor_domain_test';

/** Whether the browser keeps a cookie for `domain` (the probe is expired again when it does). */
function probe(domain: string) {
  setCookie(PROBE, '1', 1, domain);
  const kept = readCookieString().indexOf(PROBE + '=1') >= 0;
  if (kept) setCookie(PROBE, '', -1, domain);
  return kept;
}

/** `domain=` for our cookies: the configured one, else the broadest that sticks (cached per page). */
export function cookieDomain(): string {
  if (configuredDomain) return configuredDomain;
  if (probedDomain == null) {
    probedDomain = '';
    try {
      probedDomain = domainCandidates(location.hostname).find(probe) || '';
    } catch {}
  }
  return probedDomain;
}

/** Test hook: forget the cached cookies and probed domain (a unit test's fresh "page"). */
export const resetCookieJar = () => {
  jar = probedDomain = undefined;
};
