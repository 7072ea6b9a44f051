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
import { type Settings, pageSettings } from './config.js';
import { getCookie, readCookies, readCookiesAfresh, setCookie } from './cookie-jar.js';
import { deviceFields } from './device.js';
import { gate, retryWhileAllowed, send, sendByXhr, trackingAllowed } from './gate.js';
import { handover, takeHeldLock, takeSentClick } from './handover.js';
import { Line } from './lines.js';
import { error, note, warn } from './log.js';
import { referrer } from './spa.js';
import { isRetryable, isSuccess, toJson } from './transport.js';

export const CLICK_PATH = '/api/v1/track/click';
/** A bigger record would risk the browser's ~4 KB cookie limit; it is then not persisted. */
export const MAX_PENDING_BYTES = 3500;

// This page's attribution state: one per page, whichever tracker or instance asks (protocol §12.2).
// `resetClicks` puts all of it back to a fresh page's values.
export let clickId: string | null;
export let affiliateUrl: string | null;
export let hasAttribution: boolean;
/** `aff` of the last URL handled, so an SPA navigation acts only on a new one. */
let lastAff: string | null;
/** `sess_` + 9 base-36 chars + `_` + ms: one per page load, in memory only (docs/protocol.md §3.3). */
export let sessionId: string;
/** The latest click; resolves (never rejects) once settled or out of attempts for this page. */
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

/** A new record for a click on `affiliateUrl`, going to `api` (an instance's: `Settings.api`), else the page's API. */
export const newPendingClick = (affiliateUrl: string, existingClickId: string | null | undefined, api: string | undefined): PendingClick => ({
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
  if (!text) return null;
  try {
    const record = JSON.parse(text) as PendingClick | null;
    if (record && now - record.first_ts <= RESEND_WINDOW_MS && record.attempts < 10 && typeof record.affiliate_url == 'string') return record;
  } catch (e) {
    // Not JSON: a damaged record, not resent.
  }
  return null;
}

/** The click request body (docs/protocol.md §3.3): the record minus its bookkeeping, plus fresh device fields. */
export function clickBody(record: PendingClick, pageTitle: string) {
  const body = {
    affiliate_url: record.affiliate_url,
    page_url: record.page_url,
    page_title: pageTitle,
    referrer_url: record.referrer_url,
    session_id: record.session_id,
    existing_click_id: record.existing_click_id,
  };
  return Object.assign(body, deviceFields());
}

/**
 * The cookies' click id (of several same-named ones, the script's, as the server reads them); a
 * legacy `customer_code`-only visitor is migrated (docs/protocol.md §4.2).
 */
function storedClickId() {
  const id = pickClickId(readCookies(), CLICK_ID_COOKIE);
  if (id) return id;
  const legacyId = pickClickId(readCookies(), LEGACY_CLICK_ID_COOKIE);
  if (legacyId) setCookie(CLICK_ID_COOKIE, encodeURIComponent(legacyId), days);
  return legacyId;
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
 * whose `aff` is given; on the first pass also the pending click of §3.4. `settings`: the page's,
 * or an AffitorTracker instance's (config.ts); a click the pass sends goes to its API.
 *
 * When this may send a click, it runs in one tab at a time (Web Locks, where the browser has them:
 * secure contexts), holding the lock until that click settles. Two tabs opened on one partner link
 * at once would otherwise both find no click id and both send a click; in turn, the second tab
 * re-reads the cookies and finds the first tab's click id, or its still-pending record.
 */
export function attribute(settings: Settings, aff: string | null, url = location.href): void {
  lastAff = aff;
  if (!trackingAllowed()) {
    if (aff) gate.hold(url);
    return;
  }
  /** The pass; resolves once the click it sent, if any, has settled. */
  const pass = (): Promise<void> => {
    passClick = undefined;
    decide(settings, aff, url);
    return Promise.resolve(passClick);
  };
  // The every-page script's landing: it holds the lock already, until this pass's click settles.
  const held = takeHeldLock();
  if (held) return held(pass());
  // A plain visit (no `aff`, nothing pending) neither sends nor touches `navigator`.
  const mayClick = aff || (pendingToCheck && getCookie(PENDING_CLICK_COOKIE));
  const locks = mayClick ? navigator.locks : undefined;
  if (!locks) {
    void pass();
    return;
  }
  // The write-ahead record goes out now, not once the lock is granted: the visitor may be gone by
  // then. A record another tab wrote for this same link is kept: it is the one click both share.
  const stored = readAttribution(aff);
  const pending = resendablePendingClick(getCookie(PENDING_CLICK_COOKIE), Date.now());
  const sharedWithAnotherTab = pending && pending.affiliate_url == url;
  if (stored.needsClick && !bot(settings.api) && !sharedWithAnotherTab) writePendingClick(newPendingClick(url, stored.clickId, settings.api));
  const passUnderLock = async () => {
    await readCookiesAfresh();
    pendingToCheck = true;
    clickUrl = null;
    return pass();
  };
  // A browser that refuses the lock (an opaque origin) gets the pass without it. (TypeScript's
  // LockManager type does not unwrap the callback's promise, as the browser does.)
  click = locks.request('affitor_click', passUnderLock).catch(pass) as Promise<void>;
}

/** An SPA navigation: a URL with a new `aff` is a landing (docs/protocol.md §3.5). */
export function navigate(settings: Settings, url: string) {
  const aff = parseAff(url);
  if (aff && aff != lastAff) attribute(settings, aff);
}

/** What the cookies hold, and whether `aff` calls for a click (protocol §3.2 step 4). */
interface StoredAttribution {
  clickId: string | null;
  /** The landing URL of that click (`affitor_aff_url`). */
  landingUrl: string | null;
  /** A new visitor, or another partner's link than the stored landing's: a click is sent. */
  needsClick: boolean;
}

function readAttribution(aff: string | null): StoredAttribution {
  // What the cookies hold decides, not memory: cookies removed meanwhile make a new visitor.
  const clickId = storedClickId();
  const landingUrl = getCookie(AFF_URL_COOKIE);
  const storedAff = parseAff(landingUrl);
  const partnerSwitch = storedAff != null && storedAff != aff;
  return { clickId, landingUrl, needsClick: !!aff && (!clickId || partnerSwitch) };
}

/**
 * Whether `record` is this page's own write-ahead record, never sent, whose click another tab has
 * made meanwhile: the cookies now hold it, so `aff` no longer calls for a click.
 */
const madeByAnotherTab = (record: PendingClick, aff: string | null) =>
  record.session_id == sessionId && !record.attempts && !readAttribution(aff).needsClick;

function decide(settings: Settings, aff: string | null, url: string) {
  const pending = pendingToCheck && getCookie(PENDING_CLICK_COOKIE);
  pendingToCheck = false;
  if (pending) {
    const record = resendablePendingClick(pending, Date.now());
    // A landing on the record's own URL is the same click seen again (a reload, a second tab): resent.
    if (record && (!aff || record.affiliate_url == url) && !madeByAnotherTab(record, aff)) {
      note(Line.ResendingClick, record.affiliate_url);
      // This page's own record (written ahead before the lock) goes out with the full title.
      sendClick(record, record.session_id == sessionId ? document.title : record.page_title);
    } else setCookie(PENDING_CLICK_COOKIE, '', -1);
  }
  const stored = readAttribution(aff);
  if (stored.needsClick) {
    // A new visitor, or a partner switch, which sends the current id as existing_click_id.
    note(stored.clickId ? Line.PartnerSwitch : Line.Referral, aff);
    affiliateUrl = url;
    void trackClick(settings, url, stored.clickId);
  } else {
    note(stored.clickId ? Line.Attributed : Line.NoAttribution, stored.clickId || '');
    clickId = stored.clickId;
    affiliateUrl = stored.clickId ? stored.landingUrl : null;
    hasAttribution = !!stored.clickId;
  }
}

/**
 * Starts a click with `settings` (its API: an instance's, or the page's) unless one for the same
 * URL is in flight or pending (the guard of §3.4), tracking is off (consent: it runs on consent,
 * with the same settings), or the visitor is a bot.
 */
export function trackClick(settings: Settings, url: string, existingClickId?: string | null): Promise<void> {
  if (!trackingAllowed()) gate.wait(() => trackClick(settings, url, existingClickId));
  else if (url != clickUrl) sendClick(newPendingClick(url, existingClickId, settings.api), document.title);
  return Promise.resolve(click);
}

/**
 * Why the visitor counts as a bot whose clicks are not sent, or null. Asked before anything of a
 * click is written or sent — the write-ahead record included, which a later page would resend.
 * Bots reaching a loopback API (the sandbox) are the developer's own tests: their clicks go out.
 */
const bot = (api?: string) => (pageSettings.allowBots || isLoopbackApi(api || pageSettings.apiBase) ? null : botReason(navigator));

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
  if (reason) {
    // Printed outside debug mode too: a developer's automated test against a real API sees why.
    warn(`Bot (${reason}), no click; see data-affitor-allow-bots`);
    return;
  }
  const current = ++generation;
  clickUrl = record.affiliate_url;
  click = passClick = retryWhileAllowed(async () => {
    // Replaced by a newer click (or an opt-out) while waiting: this one stops.
    if (current != generation) return false;
    record.attempts++;
    writePendingClick(record);
    // The landing's first attempt may have left already, from the every-page script: its answer is this attempt's.
    const sent = takeSentClick(record);
    let outcome = await send(CLICK_PATH, sent ? record : clickBody(record, pageTitle), record.api, sent);
    // The page's fetch wrapper used up a 2xx answer (a monitoring tool that reads `response.json()`):
    // the API took the click, and its id is in that answer. The same click again, under its
    // session_id (the API's key for a retried click, docs/protocol.md §3.4), through XHR. Another
    // status says what to do by itself (a retry keeps its backoff).
    if (outcome.usedUp && isSuccess(outcome.status)) outcome = await sendByXhr(CLICK_PATH, clickBody(record, pageTitle), record.api);
    const { status, body } = outcome;
    if (current != generation) return false;
    const ok = isSuccess(status);
    // A 2xx that is not JSON comes from a proxy or captive portal, not the API: retry it.
    const worthRetrying = ok ? !body : isRetryable(status);
    if (worthRetrying) {
      note(Line.ClickFailed, status);
      return outcome;
    }
    if (!ok) note(Line.ClickRejected, status, body);
    else if (isStorableClickId(body!.click_id)) saveClick(record.affiliate_url, body!.click_id, body!.cookie_window_days);
    else note(Line.NoClickId, body);
    setCookie(PENDING_CLICK_COOKIE, '', -1);
    clickUrl = null;
    return false;
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
