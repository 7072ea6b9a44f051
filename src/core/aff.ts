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
