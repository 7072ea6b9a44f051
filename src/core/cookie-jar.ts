// The page's view of its cookies. Each `document.cookie` read is a synchronous round trip to the
// browser's cookie store (dear on the first one in a fresh page, dearer after a write), so it
// is read once and our own writes are applied to that copy; it is read again only where another
// writer matters: the domain probe, the debug self-test, and the landing decision that another tab
// may race. Every access is wrapped: sandboxed iframes and cookie-blocking browsers throw from
// `document.cookie`, and that must not reach the page.
import { cookieLine, domainCandidates, readCookieValues } from '../shared/cookies.js';
import { pageSettings } from './config.js';

/** `document.cookie` as last read, with our own writes since applied. */
let jar: string | undefined;
/** The probed root domain ('' = host-only), once known. */
let rootDomain: string | undefined;

/** `document.cookie` ('' when cookies are unavailable), read once until {@link rereadCookies}. */
export function readCookies(): string {
  if (jar == null) {
    jar = '';
    try {
      jar = document.cookie;
    } catch (e) {}
  }
  return jar;
}

/**
 * Decoded value of the first cookie named exactly `name` (protocol §4.2), or null when missing or
 * empty — the same reader the server uses (src/shared/cookies.ts).
 */
export const getCookie = (name: string): string | null => readCookieValues(readCookies(), name)[0] || null;

/**
 * Writes `name=value` with the contract's attributes (protocol §4.1, the shared `cookieLine`);
 * `days < 0` deletes it. `value` is already encoded, and the domain is validated or probed: nothing
 * from the URL or the server reaches the attributes. Before a write, a same-named cookie under
 * another scope this page can address (host-only beside a domain cookie, another level of the
 * domain: an older setup, a cookie-domain change, a server's re-issue) is expired: sent beside
 * ours, it would be read instead of ours by every server that takes the first of a name
 * (protocol §4.1). A substring test finds the name: a false match only costs needless deletions.
 */
export function setCookie(name: string, value: string, days: number, domain = cookieDomain()) {
  if (days > 0 && readCookies().indexOf(name + '=') > -1) {
    for (const scope of cookieScopes()) if (scope != domain) setCookie(name, '', -1, scope);
  }
  try {
    document.cookie = cookieLine(name, value, days, domain, location.protocol == 'https:');
  } catch (e) {
    // No cookies: this visit keeps no attribution, and the page is not disturbed.
  }
  const others = readCookies().split(';').filter((pair) => pair.trim().indexOf(name + '=') != 0);
  if (days > 0) others.push(name + '=' + value);
  jar = others.join(';');
}

/** Every scope a cookie of this page may have: host-only (''), then each domain candidate. */
export const cookieScopes = () => [''].concat(domainCandidates(location.hostname));

const PROBE = 'affitor_domain_test';

/**
 * `domain=` for our cookies: the page's configured one (protocol §12.2: one domain per page, so
 * that no cookie is written twice under two), else the broadest one that sticks (probed once per
 * page; '' = host-only).
 */
function cookieDomain(): string {
  if (pageSettings.cookieDomain) return pageSettings.cookieDomain;
  if (rootDomain == null) {
    rootDomain = domainCandidates(location.hostname).find((domain) => {
      setCookie(PROBE, '1', 1, domain);
      rereadCookies();
      const kept = getCookie(PROBE);
      if (kept) setCookie(PROBE, '', -1, domain);
      return kept;
    }) || '';
  }
  return rootDomain;
}

/** The next read goes to `document.cookie` again: another tab may have written meanwhile. */
export const rereadCookies = () => {
  jar = undefined;
};

/**
 * Another tab's writes, for certain: `document.cookie` in this tab may still show the copy Chromium
 * caches per renderer, updated asynchronously after another tab writes, so a tab granted the click
 * lock right after the first tab saved its click id could read "no click id" and click again.
 * `cookieStore` (secure contexts, like Web Locks) asks the browser's own store. Without it the next
 * read goes to `document.cookie`.
 */
export async function readCookiesAfresh() {
  jar = undefined;
  try {
    jar = (await cookieStore.getAll()).map((cookie) => cookie.name + '=' + cookie.value).join('; ');
  } catch (e) {}
}

/** Test hook: forget the cached cookies and probed domain (a unit test's fresh "page"). */
export const resetCookieJar = () => {
  jar = rootDomain = undefined;
};
