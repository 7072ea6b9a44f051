// Signups (docs/protocol.md §3.6). A lead is written ahead to localStorage — never to a cookie: it
// holds the email — and a host-only flag cookie says so, so that a plain visit (which reads cookies
// anyway) never pays for a localStorage access. Retried like a click; resent on the next page load
// of this origin until it reaches a final answer or is 24 h old.
// A lead carries its landing's click: made while that click is still unfinished (slow, retrying,
// left for the next page to resend), it is stored without one and sent once the click is final —
// with its click id, or, when the click finally failed, with what the cookies hold (often only the
// customer key). It never goes out without a click that is still on its way, and is never dropped
// for lack of one.
import { RESEND_WINDOW_MS } from '../shared/constants.js';
import { PENDING_LEAD_COOKIE } from '../shared/cookies.js';
import { sleep } from '../shared/sleep.js';
import { click, clickPending, getClickId, getClickIds, hasAttribution, sessionId } from './click.js';
import type { Settings } from './config.js';
import { getCookie, setCookie } from './cookie-jar.js';
import { gate, retryWhileAllowed, send, trackingAllowed } from './gate.js';
import { Line } from './lines.js';
import { error, note } from './log.js';
import { isRetryable, isSuccess, toJson } from './transport.js';

export const LEAD_PATH = '/api/v1/track/lead';
export const PENDING_LEADS_KEY = 'affitor_pending_leads';
/** The dedupe keys of the leads this browser has recorded: one lead per account (protocol §3.6). */
export const RECORDED_LEADS_KEY = 'affitor_recorded_leads';
/** How many recorded accounts a browser remembers, newest kept. */
const MAX_RECORDED_LEADS = 20;
/** How long `signup()` waits for this page's in-flight click before it resolves (docs/protocol.md §3.6). */
export const CLICK_WAIT_MS = 3000;

/** A lead's request body; without `click_id` while it waits for its landing's click. */
type LeadBody = Record<string, unknown>;
/**
 * Stored leads by dedupe key, as localStorage holds them: `[request body, creation ms, API]`; the
 * API only for an AffitorTracker instance's lead whose API is not the page's (config.ts), else
 * null, or absent in leads stored before instances had their own API. A tuple because leads
 * stored by earlier versions are in this form, and a later page resends them.
 */
type PendingLeads = Record<string, [body: LeadBody, created: number, api?: string | null]>;

/** Dedupe keys of the leads sent, in flight or retrying on this page. */
let sent = new Set<string>();

/** Test hook: a fresh page. */
export const resetLeads = () => {
  sent = new Set();
};

/** The dedupe keys of the leads recorded in this browser; [] when storage is blocked. */
function recordedLeads(): string[] {
  try {
    return (JSON.parse(localStorage.getItem(RECORDED_LEADS_KEY)!) as string[] | null) || [];
  } catch (e) {
    return [];
  }
}

/** Remembers that the lead `key` was recorded (never after an opt-out); the newest are kept. */
function rememberRecordedLead(key: string) {
  if (!trackingAllowed()) return;
  const keys = recordedLeads().concat(key).slice(-MAX_RECORDED_LEADS);
  try {
    localStorage.setItem(RECORDED_LEADS_KEY, JSON.stringify(keys));
  } catch (e) {}
}

/**
 * Applies `change` to the stored leads; storage blocked means the lead cannot outlive this page.
 * After an opt-out nothing is stored (optOut erased it all).
 */
function storeLeads(change: (leads: PendingLeads) => void) {
  if (!trackingAllowed()) return;
  try {
    const leads = (JSON.parse(localStorage.getItem(PENDING_LEADS_KEY)!) as PendingLeads | null) || {};
    change(leads);
    const any = Object.keys(leads).length > 0;
    if (any) localStorage.setItem(PENDING_LEADS_KEY, toJson(leads));
    else localStorage.removeItem(PENDING_LEADS_KEY);
    // Host-only, like localStorage itself.
    setCookie(PENDING_LEAD_COOKIE, '1', any ? 1 : -1, '');
  } catch (e) {}
}

/**
 * Sends a stored lead to `api`, else the page's API; resolves after the first attempt, later
 * attempts continue in the background. Called by `dispatch` only, which has marked the key sent.
 */
const deliver = (key: string, body: LeadBody, api?: string | null) =>
  new Promise<void>((firstDone) => {
    void retryWhileAllowed(async () => {
      const outcome = await send(LEAD_PATH, body, api);
      const ok = isSuccess(outcome.status);
      const again = !ok && isRetryable(outcome.status);
      if (ok) {
        note(Line.SignupTracked, outcome.body);
        rememberRecordedLead(key);
      } else if (outcome.status) error('Failed to track signup: ' + outcome.status);
      else error('Error tracking signup: ' + String(outcome.error));
      if (!again) {
        storeLeads((leads) => {
          delete leads[key];
        });
        // Not recorded (a 4xx): an identical later call may try again.
        if (!ok) sent.delete(key);
      }
      firstDone();
      return again && outcome;
    }).then(firstDone);
  });

/** The click fields of a lead, as they stand now (docs/protocol.md §3.6). */
function clickFields() {
  if (!hasAttribution) note(Line.SignupUnattributed);
  return { click_id: getClickId(), click_ids: getClickIds(), has_attribution: hasAttribution };
}

/**
 * Sends a stored lead. One still waiting for its landing's click goes once this page's click is
 * final, with the click fields of then; while the click stays unfinished, the lead stays stored,
 * as it is, for the next page load, which resends the click before it (and whose cookies then hold
 * the same click id for a lead stored without one).
 */
function dispatch(key: string, body: LeadBody, api?: string | null): Promise<void> | void {
  sent.add(key);
  if ('click_id' in body) return deliver(key, body, api);
  void Promise.resolve(click).then(() => {
    if (!clickPending()) return deliver(key, Object.assign({}, body, clickFields()), api);
  });
}

/**
 * A signup's lead, made with `settings`: its program id, debug flag and API are those of the
 * page's tracker or of an AffitorTracker instance (config.ts).
 */
export async function signup(settings: Settings, customerKey: unknown, email?: string | null): Promise<void> {
  // Without consent nothing is sent; a call made while the choice is pending runs on consent(true).
  if (!trackingAllowed()) {
    gate.wait(() => signup(settings, customerKey, email));
    return;
  }
  try {
    // Only a non-empty string or a finite number is a key: anything else would reach the wire as
    // "[object Object]" or "NaN", so it is refused like a missing key.
    const key = (typeof customerKey == 'string' || Number.isFinite(customerKey)) && customerKey !== '' ? String(customerKey) : null;
    if (!key) error('signup() requires customerKey as first argument');
    // Usually the landing's click answers within this; a slower one is waited for in the background.
    await Promise.race([click, sleep(CLICK_WAIT_MS)]);
    const body: LeadBody = {
      customer_key: key,
      email: email || null,
      page_url: location.href,
      session_id: sessionId,
      program_id: settings.programId,
      debug_mode: settings.debug,
    };
    if (!clickPending()) Object.assign(body, clickFields());
    // One lead per account: the program and customer key; without a key, the same call.
    const dedupeKey = JSON.stringify([settings.programId, key || [body.email, body.click_id]]);
    if (sent.has(dedupeKey) || recordedLeads().includes(dedupeKey)) {
      note(Line.SignupDuplicate);
      return;
    }
    const created = Date.now();
    storeLeads((leads) => {
      leads[dedupeKey] = [body, created, settings.api];
    });
    await dispatch(dedupeKey, body, settings.api);
  } catch (e) {
    error('Error tracking signup: ' + String(e));
  }
}

/** Once per page, only when the flag cookie says so: resend stored leads younger than 24 h. */
export function resumeLeads() {
  if (!getCookie(PENDING_LEAD_COOKIE)) return;
  storeLeads((leads) => {
    // Own keys only: a page's library may add enumerable methods to Object.prototype.
    // A lead the every-page script wrote ahead may be one this browser has recorded since.
    const recorded = recordedLeads();
    for (const key of Object.keys(leads)) {
      const [body, created, api] = leads[key];
      if (Date.now() - created < RESEND_WINDOW_MS && !recorded.includes(key)) {
        note(Line.ResendingSignup);
        void dispatch(key, body, api);
      } else delete leads[key];
    }
  });
}

/**
 * The leads the every-page script wrote ahead for calls the core is about to run (handover.ts):
 * those calls store their own, so these are not resent as well.
 */
export function forgetWrittenLeads(keys: string[]) {
  if (keys.length) {
    storeLeads((leads) => {
      for (const key of keys) delete leads[key];
    });
  }
}

/** Opt-out: the stored signups and the recorded accounts go, and none of this page's is resent. */
export function forgetLeads() {
  try {
    localStorage.removeItem(PENDING_LEADS_KEY);
    localStorage.removeItem(RECORDED_LEADS_KEY);
  } catch (e) {}
}
