// Cookie names and value encoding, shared by the browser core (which writes the cookies) and the
// server helpers (which read them from a Cookie header and may re-issue them). Keeping both sides
// on one module is what stops the "script writes one name, server reads another" class of bug.

export const CLICK_ID_COOKIE = 'affitor_click_id';
/** Legacy copy of the click id; still written, and read when `affitor_click_id` is missing. */
export const LEGACY_CLICK_ID_COOKIE = 'customer_code';
export const AFF_URL_COOKIE = 'affitor_aff_url';
export const CLICK_IDS_COOKIE = 'affitor_click_ids';
export const PENDING_CLICK_COOKIE = 'affitor_pending_click';
export const MAX_CLICK_IDS = 20;
export const DEFAULT_COOKIE_WINDOW_DAYS = 60;

/** URI-decodes a cookie value, keeping the raw text when it is not valid percent-encoding. */
export function decodeCookieValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Value of the first cookie named exactly `name` in a `document.cookie` string or Cookie header. */
export function readCookie(cookieString: string, name: string): string | null {
  for (const part of cookieString.split(';')) {
    const pair = part.trim();
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) return decodeCookieValue(pair.slice(eq + 1));
  }
  return null;
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
