import { decodeCookieValue } from '../shared/cookies';

/**
 * The `aff` query parameter of a URL, or null when absent or empty (contract §3.1). A URL the
 * parser rejects (e.g. a relative one) falls back to a regex, because `aff` must still be found.
 */
export function parseAff(url: string | null | undefined): string | null {
  if (!url) return null;
  let aff: string | null;
  try {
    aff = new URL(url).searchParams.get('aff');
  } catch {
    const m = /[?&]aff=([^&#]*)/.exec(url);
    aff = m && decodeCookieValue(m[1]);
  }
  return aff || null;
}

/**
 * `affitor_aff_url` cookie value: the URL with every character that may not stand in a cookie value
 * percent-encoded (`;` `,` `"` `\`, whitespace, controls, non-ASCII — contract §4.1), plus `%` itself,
 * so that the decoding read of §4.2 gives back exactly this URL and therefore exactly the same `aff`
 * (without it, `?aff=a%26b` would read back as `aff=a`). Throws on a lone surrogate; callers catch.
 */
export const encodeAffUrl = (url: string) => url.replace(/[^!#$&-+\--:<-[\]-~]/gu, encodeURIComponent);
