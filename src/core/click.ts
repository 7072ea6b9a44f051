// Attribution and click tracking (docs/protocol.md §3.2–protocol §3.4): the page's attribution state, the
// click POST, its retries in the page, and the write-ahead cookie through which the next page load
// finishes a click this one could not. What leaves the page goes through the gate (gate.ts).
import { DEFAULT_COOKIE_WINDOW_DAYS, MAX_CLICK_IDS, RESEND_WINDOW_MS } from '../shared/constants.js';
import {
  AFF_URL_COOKIE, CLICK_ID_COOKIE, CLICK_IDS_COOKIE, LEGACY_CLICK_ID_COOKIE, PENDING_CLICK_COOKIE,
  appendClickId, encodeAffUrl, encodeClickIds, isStorableClickId, pickClickId, readClickHistory,
} from '../shared/cookies.js';
import { parseAff } from './aff.js';
import { botReason, isLoopbackApi } from './bots.js';
import { settings } from './config.js';
import { getCookie, readCookies, readCookiesAfresh, setCookie } from './cookie-jar.js';
import { deviceFields } from './device.js';
import { gate, retryWhileAllowed, send, trackingAllowed } from './gate.js';
import { handover, takeHeldLock, takeSentClick } from './handover.js';
import { Line } from './lines.js';
import { error, note, warn } from './log.js';
import { referrer } from './spa.js';
import { isRetryable, isSuccess, toJson } from './transport.js';

export const CLICK_PATH = '/api/v1/track/click';
/** A bigger record would risk the browser's ~4 KB cookie limit; it is then not persisted. */
export const MAX_PENDING_BYTES = 3500;

// This page's attribution state. Module variables rather than an object's properties: the
// minifier shortens their names, which it cannot do for properties (a byte choice of the script).
// `resetClicks` puts all of them back to a fresh page's values.
export let clickId: string | null;
export let affiliateUrl: string | null;
export let hasAttribution: boolean;
/** `aff` of the last URL handled, so an SPA navigation acts only on a new one. */
let lastAff: string | null;
/** `sess_` + 9 base-36 chars + `_` + ms: one per page load, in memory only (docs/protocol.md §3.3). */
export let sessionId: string;
/** The latest click; resolves (never rejects) once settled or out of attempts for this  */
export let click: Promise<void> | undefined;
/** `affiliate_url` of the click in flight or pending (the guard); null when there is none. */
let clickUrl: string | null;
/** The click the current attribution pass started, if any. */
let passClick: Promise<void> | undefined;
/** Whether this page still has to look for a click an earlier page (or another tab) left pending. */
let pendingToCheck: boolean;
/** Bumped by every new click, so a replaced one stops and its answer writes nothing. */
let generation: number;
/** Cookie lifetime: the last successful click's `cookie_window_days`, else 60. */
let days: number;

export function resetClicks() {
  clickId = affiliateUrl = lastAff = clickUrl = null;
  hasAttribution = pendingToCheck = false;
  // Made here, not by the first pass: an ESM instance may call trackClick or signup without init.
  // The every-page script's session when it loaded this core: its landing click carries it.
  sessionId = handover ? handover.session : 'sess_' + (Math.random().toString(36) + '000000000').slice(2, 11) + '_' + Date.now();
  click = passClick = undefined;
  generation = 0;
  days = DEFAULT_COOKIE_WINDOW_DAYS;
}
resetClicks();

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
  /** Where an AffitorTracker instance's click goes, when not to the page's API (config.ts `Settings.api`). */
  api?: string;
}

export const newPendingClick = (affiliateUrl: string, existingClickId?: string | null, api = settings.api): PendingClick => ({
  affiliate_url: affiliateUrl,
  page_url: location.href,
  page_title: document.title.slice(0, 200),
  referrer_url: referrer(),
  session_id: sessionId,
  existing_click_id: existingClickId || undefined,
  attempts: 0,
  first_ts: Date.now(),
  api,
});

/** Cookie value for a record, or null when it is too big to persist. */
export function encodePendingClick(record: PendingClick): string | null {
  const value = encodeURIComponent(toJson(record));
  return value.length > MAX_PENDING_BYTES ? null : value;
}

/** Writes the record ahead (skipped when it is too big for a cookie). */
function writePendingClick(record: PendingClick) {
  const stored = encodePendingClick(record);
  if (stored) setCookie(PENDING_CLICK_COOKIE, stored, 1);
}

/** A record from the decoded cookie value that may be resent now: < 24 h old, < 10 attempts (docs/protocol.md §3.4). */
export function resendablePendingClick(text: string | null, now: number): PendingClick | null {
  try {
    const record = JSON.parse(text!) as PendingClick;
    if (now - record.first_ts <= RESEND_WINDOW_MS && record.attempts < 10 && typeof record.affiliate_url == 'string') return record;
  } catch (e) {}
  return null;
}

/** The click request body (docs/protocol.md §3.3): the record minus its bookkeeping, plus fresh device fields. */
export const clickBody = (record: PendingClick, pageTitle: string) =>
  Object.assign({}, record, { page_title: pageTitle, attempts: undefined, first_ts: undefined, api: undefined }, deviceFields());

/**
 * The cookies' click id (of several same-named ones, the script's, as the server reads them); a
 * legacy `customer_code`-only visitor is migrated (docs/protocol.md §4.2).
 */
function storedClickId() {
  let id = pickClickId(readCookies(), CLICK_ID_COOKIE);
  if (!id && (id = pickClickId(readCookies(), LEGACY_CLICK_ID_COOKIE))) setCookie(CLICK_ID_COOKIE, encodeURIComponent(id), days);
  return id;
}

/**
 * The cookies, else memory (a page whose cookies are refused). The cookie first: another tab's
 * newer click, or a unit test that rewrote `document.cookie`, outranks what this page remembers.
 * None while tracking is off: nothing may be read for, or passed on to, a visitor without consent.
 */
export const getClickId = (): string | null => (trackingAllowed() ? storedClickId() || clickId : null);

/**
 * The history written with the current id, plus that id when it lacks it; the newest 20, oldest
 * first (docs/protocol.md §4.2).
 */
export function getClickIds(): string[] {
  const id = getClickId();
  const ids = readClickHistory(readCookies(), id);
  return (id && ids.indexOf(id) < 0 ? ids.concat(id) : ids).slice(-MAX_CLICK_IDS);
}

/**
 * docs/protocol.md §3.2 steps 4–6 for `url` (the current URL, or a landing held until consent),
 * whose `aff` is given; on the first pass also the pending click of §3.4.
 *
 * When this may send a click, it runs in one tab at a time (Web Locks, where the browser has them:
 * secure contexts), holding the lock until that click settles. Two tabs opened on one partner link
 * at once would otherwise both find no click id and both send a click; in turn, the second tab
 * re-reads the cookies and finds the first tab's click id, or its still-pending record.
 * The pass keeps the API of the call that started it (an instance's, config.ts): under the lock it
 * runs after that call, and a record too big to persist is made again there.
 */
export function attribute(aff: string | null, url = location.href) {
  lastAff = aff;
  if (!trackingAllowed()) return aff && gate.hold(url);
  const api = settings.api;
  const pass = () => {
    passClick = undefined;
    decide(aff, url, api);
    return passClick;
  };
  // The every-page script's landing: it holds the lock already, until this pass's click settles.
  const held = takeHeldLock();
  if (held) return held(pass());
  // A plain visit (no `aff`, nothing pending) neither sends nor touches `navigator`.
  const locks = (aff || (pendingToCheck && getCookie(PENDING_CLICK_COOKIE))) && navigator.locks;
  if (!locks) return pass();
  // The write-ahead record goes out now, not once the lock is granted: the visitor may be gone by
  // then. A record another tab wrote for this same link is kept: it is the one click both share.
  const [id, , needed] = attribution(aff);
  const pending = resendablePendingClick(getCookie(PENDING_CLICK_COOKIE), Date.now());
  if (needed && !bot(api) && !(pending && pending.affiliate_url == url)) writePendingClick(newPendingClick(url, id));
  // A browser that refuses the lock (an opaque origin) gets the pass without it.
  click = locks
    .request('affitor_click', async () => {
      await readCookiesAfresh();
      pendingToCheck = true;
      clickUrl = null;
      return pass();
    })
    // A promise returned from catch is flattened at run time; TypeScript's typing of it is not.
    .catch(pass) as Promise<void>;
}

/** An SPA navigation: a URL with a new `aff` is a landing (docs/protocol.md §3.5). */
export function navigate(url: string) {
  const aff = parseAff(url);
  if (aff && aff != lastAff) attribute(aff);
}

/** The click id and landing URL the cookies hold, and whether `aff` calls for a click (protocol §3.2 step 4). */
function attribution(aff: string | null) {
  // What the cookies hold decides, not memory: cookies removed meanwhile make a new visitor.
  const id = storedClickId();
  const storedUrl = getCookie(AFF_URL_COOKIE);
  const storedAff = parseAff(storedUrl);
  return [id, storedUrl, !!aff && (!id || (!!storedAff && storedAff != aff))] as const;
}

function decide(aff: string | null, url: string, api?: string) {
  const pending = pendingToCheck && getCookie(PENDING_CLICK_COOKIE);
  pendingToCheck = false;
  if (pending) {
    const record = resendablePendingClick(pending, Date.now());
    const own = record && record.session_id == sessionId;
    // A landing on the record's own URL is the same click seen again (a reload, a second tab):
    // resent — unless it is this page's own record, never sent, and another tab has meanwhile
    // made this very click (the cookies now hold it).
    if (record && (!aff || record.affiliate_url == url) && !(own && !record.attempts && !attribution(aff)[2])) {
      note(Line.ResendingClick, record.affiliate_url);
      // This page's own record (written ahead before the lock) goes out with the full title.
      sendClick(record, own ? document.title : record.page_title);
    } else setCookie(PENDING_CLICK_COOKIE, '', -1);
  }
  const [id, storedUrl, needed] = attribution(aff);
  if (needed) {
    // A new visitor, or a partner switch, which sends the current id as existing_click_id.
    note(id ? Line.PartnerSwitch : Line.Referral, aff);
    void trackClick((affiliateUrl = url), id, api);
  } else {
    note(id ? Line.Attributed : Line.NoAttribution, id || '');
    clickId = id;
    affiliateUrl = id && storedUrl;
    hasAttribution = !!id;
  }
}

/**
 * Starts a click unless one for the same URL is in flight or pending (the guard of §3.4), tracking
 * is off (consent), or the visitor is a bot. `api`: the one the pass that asks for it captured (attribute).
 */
export function trackClick(url: string, existingClickId?: string | null, api?: string): Promise<void> {
  if (!trackingAllowed()) gate.wait(() => trackClick(url, existingClickId));
  else if (url != clickUrl) sendClick(newPendingClick(url, existingClickId, api), document.title);
  return Promise.resolve(click);
}

/**
 * Why the visitor counts as a bot whose clicks are not sent, or null. Asked before anything of a
 * click is written or sent — the write-ahead record included, which a later page would resend.
 * Bots reaching a loopback API (the sandbox) are the developer's own tests: their clicks go out.
 */
const bot = (api?: string) => !settings.allowBots && !isLoopbackApi(api || settings.apiBase) && botReason(navigator);

/**
 * Whether the visitor's latest click is unfinished: in flight or retrying on this page, or written
 * ahead for a later page to resend. A lead made meanwhile waits for it.
 */
export const clickPending = () => !!(clickUrl || getCookie(PENDING_CLICK_COOKIE));

/** Forgets this page's attribution and abandons any click in flight (opt-out). */
export function forgetClicks() {
  clickId = affiliateUrl = clickUrl = null;
  hasAttribution = false;
  generation++;
}

/**
 * The one way a click goes out: a landing's, a resent record's, trackClick's. Every attempt goes to
 * the record's API: an instance's click names it (config.ts `Settings.api`).
 */
function sendClick(record: PendingClick, pageTitle = record.page_title) {
  const reason = bot(record.api);
  // Printed outside debug mode too: a developer's automated test against a real API sees why.
  if (reason) return warn(`Bot (${reason}), no click; see data-affitor-allow-bots`);
  const current = ++generation;
  clickUrl = record.affiliate_url;
  click = passClick = retryWhileAllowed(async () => {
    // Replaced by a newer click (or an opt-out) while waiting: this one stops.
    if (current != generation) return;
    record.attempts++;
    writePendingClick(record);
    // The landing's first attempt may have left already, from the every-page script: its answer is this attempt's.
    const sent = takeSentClick(record);
    const { status, body } = await send(CLICK_PATH, sent ? record : clickBody(record, pageTitle), record.api, sent);
    if (current != generation) return;
    const ok = isSuccess(status);
    // A 2xx that is not JSON comes from a proxy or captive portal, not the API: retry it.
    // Byte trick (the script ships this): `note(...), 1` returns "worth another attempt".
    if (ok ? !body : isRetryable(status)) return note(Line.ClickFailed, status), 1;
    if (ok && isStorableClickId(body!.click_id)) saveClick(record.affiliate_url, body!.click_id, body!.cookie_window_days);
    else if (ok) note(Line.NoClickId, body);
    else note(Line.ClickRejected, status, body);
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
  const encodedId = encodeURIComponent(id);
  // Read before the writes: the list written with the id this click replaces (protocol §4.2).
  const ids = appendClickId(readClickHistory(readCookies(), getClickId()), id);
  if (typeof windowDays == 'number' && windowDays > 0) days = windowDays;
  setCookie(CLICK_ID_COOKIE, encodedId, days);
  setCookie(LEGACY_CLICK_ID_COOKIE, encodedId, days);
  setCookie(AFF_URL_COOKIE, url ? encodeAffUrl(url) : '', url ? days : -1);
  setCookie(CLICK_IDS_COOKIE, encodeClickIds(ids), days);
  clickId = id;
  affiliateUrl = url;
  hasAttribution = true;
  note(Line.ClickSaved, id);
}

/** Once per page, before its first attribution pass: a look for a pending click. */
export function startPage() {
  pendingToCheck = true;
}
