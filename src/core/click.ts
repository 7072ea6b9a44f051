// Attribution and click tracking (contract §3.2–§3.4): the page's attribution state, the click
// POST, its retries in the page, and the write-ahead cookie through which the next page load
// finishes a click this one could not.
import {
  AFF_URL_COOKIE, CLICK_ID_COOKIE, CLICK_IDS_COOKIE, DEFAULT_COOKIE_WINDOW_DAYS, LEGACY_CLICK_ID_COOKIE,
  MAX_CLICK_IDS, PENDING_CLICK_COOKIE, appendClickId, encodeAffUrl, encodeClickIds, splitClickIds,
} from '../shared/cookies';
import { parseAff } from './aff';
import { getCookie, setCookie } from './cookie-jar';
import { error, log } from './log';
import { referrer } from './spa';
import { botReason } from './bots';
import { allowBots } from './config';
import { hold, tracking, wait } from './consent';
import { isRetryable, isSuccess, post, retry } from './transport';

export const CLICK_PATH = '/api/v1/track/click';
/** A bigger record would risk the browser's ~4 KB cookie limit; it is then not persisted. */
export const MAX_PENDING_BYTES = 3500;
/** Across page loads a click gets this many attempts, within 24 h, before it is given up. */
const MAX_TOTAL_ATTEMPTS = 10;

export let clickId: string | null = null;
export let affiliateUrl: string | null = null;
export let hasAttribution = false;
/** `aff` of the last URL handled, so an SPA navigation acts only on a new one. */
export let lastAff: string | null = null;
/** `sess_` + 9 base-36 chars + `_` + ms: one per page load, in memory only (contract §3.3). */
export let sessionId = '';
/** The latest click; resolves (never rejects) once settled or out of attempts for this page. */
export let click: Promise<void> | undefined;
/** `affiliate_url` of the click in flight or pending (the guard); null when there is none. */
let clickUrl: string | null = null;
/** Bumped by every new click, so a replaced one stops and its answer writes nothing. */
let generation = 0;
/** Cookie lifetime: the last successful click's `cookie_window_days`, else 60. */
let days = DEFAULT_COOKIE_WINDOW_DAYS;
let timeZone: string | undefined;

/** The `affitor_pending_click` record: all a later page load needs to resend the click. */
export interface PendingClick {
  affiliate_url: string;
  page_url: string;
  page_title: string;
  referrer_url: string;
  /** Reused by every attempt: with `affiliate_url` it is the click's idempotency key. */
  session_id: string;
  existing_click_id?: string;
  attempts: number;
  first_ts: number;
}

export const newPendingClick = (affiliateUrl: string, existingClickId?: string | null): PendingClick => ({
  affiliate_url: affiliateUrl,
  page_url: location.href,
  page_title: document.title.slice(0, 200),
  referrer_url: referrer,
  session_id: sessionId,
  existing_click_id: existingClickId || undefined,
  attempts: 0,
  first_ts: Date.now(),
});

/** Cookie value for a record, or null when it is too big to persist. */
export function encodePendingClick(record: PendingClick): string | null {
  const value = encodeURIComponent(JSON.stringify(record));
  return value.length > MAX_PENDING_BYTES ? null : value;
}

/** A record from the decoded cookie value that may be resent now, else null (contract §3.4). */
export function resendablePendingClick(text: string | null, now: number): PendingClick | null {
  try {
    const record = JSON.parse(text!);
    return now - record.first_ts <= 864e5 && record.attempts < MAX_TOTAL_ATTEMPTS && typeof record.affiliate_url == 'string'
      ? record
      : null;
  } catch {
    return null;
  }
}

/**
 * The click request body (contract §3.3). The time zone costs 10–40 ms of CPU on its first call in a
 * page, so it is asked only here, when a real click goes out, and at most once per page.
 */
export function clickBody(record: PendingClick, pageTitle: string) {
  if (timeZone == null) {
    timeZone = '';
    try {
      timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {}
  }
  // The record's fields, minus its bookkeeping (JSON drops undefined), plus fresh device fields.
  return Object.assign({}, record, {
    page_title: pageTitle,
    attempts: undefined,
    first_ts: undefined,
    user_agent: navigator.userAgent,
    language: navigator.language,
    timezone: timeZone,
    screen_resolution: screen.width + 'x' + screen.height,
    viewport_size: innerWidth + 'x' + innerHeight,
  });
}

/**
 * Memory, else the cookies; a legacy `customer_code`-only visitor is migrated (contract §4.2).
 * None while tracking is off: nothing may be read for, or passed on to, a visitor without consent.
 */
export function getClickId(): string | null {
  if (!tracking()) return null;
  let id = clickId || getCookie(CLICK_ID_COOKIE);
  if (!id && (id = getCookie(LEGACY_CLICK_ID_COOKIE))) setCookie(CLICK_ID_COOKIE, encodeURIComponent(id), days);
  return id;
}

/** Cookie list plus the current id when it lacks it; the newest 20, oldest first. */
export function getClickIds(): string[] {
  const ids = splitClickIds(getCookie(CLICK_IDS_COOKIE));
  const id = getClickId();
  return (id && ids.indexOf(id) < 0 ? ids.concat(id) : ids).slice(-MAX_CLICK_IDS);
}

/** Contract §3.2 steps 4–6 for `url` (the current URL, or a landing held until consent), whose `aff` is given. */
export function attribute(aff: string | null, url = location.href) {
  lastAff = aff;
  if (!tracking()) {
    if (aff) hold(url);
    return;
  }
  const id = getClickId();
  const storedUrl = getCookie(AFF_URL_COOKIE);
  const storedAff = parseAff(storedUrl);
  if (aff && (!id || (storedAff && storedAff != aff))) {
    // A new visitor, or a partner switch, which sends the current id as existing_click_id.
    log(id ? 'Partner switch:' : 'Referral:', aff);
    affiliateUrl = url;
    trackClick(affiliateUrl, id);
  } else if (id) {
    log(aff ? 'Same partner, no click:' : 'Restored:', id);
    clickId = id;
    affiliateUrl = storedUrl;
    hasAttribution = true;
  } else {
    log('No attribution');
    hasAttribution = false;
  }
}

/**
 * Starts a click unless one for the same URL is in flight or pending (the guard of §3.4), tracking
 * is off (consent), or the visitor is a bot.
 */
export function trackClick(url: string, existingClickId?: string | null): Promise<void> {
  const bot = allowBots ? null : botReason(navigator);
  if (bot) log('Bot (' + bot + '), no click; see data-affitor-allow-bots');
  else if (!tracking()) wait(() => trackClick(url, existingClickId));
  else if (url != clickUrl) click = runClick(newPendingClick(url, existingClickId), document.title);
  return Promise.resolve(click);
}

/** Forgets this page's attribution and abandons any click in flight (opt-out). */
export function forget() {
  clickId = affiliateUrl = clickUrl = null;
  hasAttribution = false;
  generation++;
}

function runClick(record: PendingClick, pageTitle = record.page_title) {
  const current = ++generation;
  clickUrl = record.affiliate_url;
  return retry(async () => {
    // Replaced by a newer click (or an opt-out) while waiting: this one stops.
    if (current != generation) return;
    record.attempts++;
    const stored = encodePendingClick(record);
    if (stored) setCookie(PENDING_CLICK_COOKIE, stored, 1);
    const [status, body, statusText] = await post(CLICK_PATH, clickBody(record, pageTitle));
    if (current != generation) return;
    const ok = isSuccess(status);
    // A 2xx that is not JSON comes from a proxy or captive portal, not the API: retry it.
    if (ok ? body === undefined : isRetryable(status)) return log('Click failed:', status), 1;
    const id = ok && body && body.click_id;
    if (typeof id == 'string') saveClick(record.affiliate_url, id, body.cookie_window_days);
    else log(ok ? 'No click_id:' : 'Failed to track click: ' + status + ' ' + statusText, body);
    setCookie(PENDING_CLICK_COOKIE, '', -1);
    clickUrl = null;
  }).catch(error);
}

/**
 * Writes the attribution cookies for click `id` of landing `url` and makes it the page's attribution.
 * With no `url` (an id handed over from another domain) `affitor_aff_url` is removed: it described
 * an earlier click.
 */
export function saveClick(url: string | null, id: string, windowDays?: unknown) {
  const urlValue = url ? encodeAffUrl(url) : '';
  const idValue = encodeURIComponent(id);
  if (typeof windowDays == 'number' && windowDays > 0) days = windowDays;
  setCookie(CLICK_ID_COOKIE, idValue, days);
  setCookie(LEGACY_CLICK_ID_COOKIE, idValue, days);
  setCookie(AFF_URL_COOKIE, urlValue, urlValue ? days : -1);
  setCookie(CLICK_IDS_COOKIE, encodeClickIds(appendClickId(splitClickIds(getCookie(CLICK_IDS_COOKIE)), id)), days);
  clickId = id;
  affiliateUrl = url;
  hasAttribution = true;
  log('Click tracked, click_id saved: ' + id);
}

/**
 * Once per page, before attribution: start the session and resend a click an earlier page left
 * pending — unless it expired, or this page is a landing on another URL (the new landing wins).
 * A landing on the record's own URL is the same click seen from a second tab (or a reload while
 * the first page's request is still out): it resends the record, whose `session_id` lets the
 * server answer the same click id instead of counting a second click (contract §10 rule 19).
 */
export function startPage(aff: string | null, url: string) {
  sessionId = 'sess_' + (Math.random().toString(36) + '000000000').slice(2, 11) + '_' + Date.now();
  const text = getCookie(PENDING_CLICK_COOKIE);
  if (!text) return;
  const record = resendablePendingClick(text, Date.now());
  if (record && (!aff || record.affiliate_url == url)) {
    log('Resending click:', record.affiliate_url);
    click = runClick(record);
  } else setCookie(PENDING_CLICK_COOKIE, '', -1);
}
