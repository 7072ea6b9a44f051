// Signups (contract §3.6). A lead is written ahead to localStorage — never to a cookie: it holds the
// email — and a host-only flag cookie says so, so that a plain visit (which reads cookies anyway)
// never pays for a localStorage access. Retried like a click; resent on the next page load of this
// origin until it reaches a final answer or is 24 h old.
import { PENDING_LEAD_COOKIE } from '../shared/cookies';
import { click, getClickId, getClickIds, hasAttribution, sessionId } from './click';
import { programId } from './config';
import { getCookie, setCookie } from './cookie-jar';
import { tracking, wait } from './consent';
import { error, isDebug, log } from './log';
import { isRetryable, isSuccess, post, retry, sleep } from './transport';

export const LEAD_PATH = '/api/v1/track/lead';
export const PENDING_LEADS_KEY = 'affitor_pending_leads';
/** How long `signup()` waits for this page's click before reading the click id. */
export const CLICK_WAIT_MS = 3000;

/** Stored leads by dedupe key: `[request body, creation ms]`. */
type PendingLeads = Record<string, [body: object, created: number]>;

/** Dedupe keys of the leads sent, in flight or retrying on this page. */
const sent = new Set<string>();

function loadLeads(): PendingLeads {
  try {
    return JSON.parse(localStorage.getItem(PENDING_LEADS_KEY)!) || {};
  } catch {
    return {};
  }
}

function saveLeads(leads: PendingLeads) {
  try {
    const any = Object.keys(leads).length > 0;
    if (any) localStorage.setItem(PENDING_LEADS_KEY, JSON.stringify(leads));
    else localStorage.removeItem(PENDING_LEADS_KEY);
    // Host-only, like localStorage itself.
    setCookie(PENDING_LEAD_COOKIE, '1', any ? 1 : -1, '');
  } catch {
    // Storage blocked: the lead still goes out; it just cannot outlive this page.
  }
}

function storeLead(key: string, lead?: PendingLeads[string]) {
  const leads = loadLeads();
  if (lead) leads[key] = lead;
  else delete leads[key];
  saveLeads(leads);
}

/** One attempt; true when it should be tried again. A final answer drops the stored copy. */
async function attempt(key: string, body: object): Promise<boolean> {
  const [status, answer, detail] = await post(LEAD_PATH, body);
  const ok = isSuccess(status);
  if (ok) log('Signup tracked successfully', answer && answer.provisional ? '(provisional)' : '');
  else error(status ? 'Failed to track signup: ' + status : 'Error tracking signup: ' + detail);
  const retry = !ok && isRetryable(status);
  if (!retry) {
    storeLead(key);
    // Not recorded (a 4xx): an identical later call may try again.
    if (!ok) sent.delete(key);
  }
  return retry;
}

/** Resolves after the first attempt; further attempts continue in the background. */
function deliver(key: string, body: object) {
  sent.add(key);
  return new Promise<void>((first) =>
    retry(async () => {
      const again = await attempt(key, body);
      first();
      return again;
    }),
  );
}

export async function signup(customerKey: unknown, email?: string | null): Promise<void> {
  // Without consent nothing is sent; a call made while the choice is pending runs on consent(true).
  if (!tracking()) return wait(() => signup(customerKey, email));
  try {
    const key = customerKey || customerKey === 0 ? String(customerKey) : null;
    if (!key) error('signup() requires customerKey as first argument');
    // A visitor who signs up while the landing click is in flight must not lose attribution.
    await Promise.race([click, sleep(CLICK_WAIT_MS)]);
    if (!hasAttribution) log('Signup tracked without affiliate attribution');
    const body = {
      customer_key: key,
      email: email || null,
      click_id: getClickId(),
      click_ids: getClickIds(),
      page_url: location.href,
      session_id: sessionId,
      program_id: programId,
      has_attribution: hasAttribution,
      debug_mode: isDebug(),
    };
    const dedupeKey = JSON.stringify([key, body.email, body.click_id]);
    if (sent.has(dedupeKey)) return log('Duplicate signup not sent');
    storeLead(dedupeKey, [body, Date.now()]);
    await deliver(dedupeKey, body);
  } catch (e) {
    error('Error tracking signup: ' + e);
  }
}

/** Once per page, only when the flag cookie says so: resend stored leads younger than 24 h. */
export function resumeLeads() {
  if (!getCookie(PENDING_LEAD_COOKIE)) return;
  const leads = loadLeads();
  for (const key in leads) {
    const lead = leads[key];
    if (Date.now() - lead[1] < 864e5) {
      log('Resending signup');
      deliver(key, lead[0]);
    } else delete leads[key];
  }
  saveLeads(leads);
}
