import { decodeCookieValue } from '../shared/cookies.js';

/**
 * The `aff` query parameter of a URL, or null when absent or empty (protocol §3.1). A URL the
 * parser rejects (e.g. a relative one) falls back to a regex, because `aff` must still be found.
 * A URL that cannot hold `aff` (no `aff` and no percent-escape in it: the usual plain visit) is not
 * parsed at all: a page's first `new URL` or regular expression costs CPU.
 */
export function parseAff(url: string | null | undefined): string | null {
  if (!url || (url.indexOf('aff') < 0 && url.indexOf('%') < 0)) return null;
  let aff: string | null;
  try {
    aff = new URL(url).searchParams.get('aff');
  } catch (e) {
    const m = /[?&]aff=([^&#]*)/.exec(url);
    aff = m && decodeCookieValue(m[1]);
  }
  return aff || null;
}
