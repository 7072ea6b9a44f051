// Consent mode (issue 5). With `consent: 'required'` the tracker stores nothing and sends nothing
// until `consent(true)`; a landing's `aff` waits in memory meanwhile. `consent(false)`/`optOut()`
// erase our cookies and stop tracking in any mode. The visitor's choice itself is kept in a cookie
// of its own, `affitor_consent=1|0` (it records the choice, not the visitor), so it holds on every
// later page until the visitor changes it.
import { CONSENT_COOKIE, parseCookies } from '../shared/cookies';
import { parseAff } from './aff';
import { forget } from './click';
import { domainCandidates, getCookie, readCookieString, setCookie } from './cookie-jar';
import { PENDING_LEADS_KEY } from './lead';
import { log } from './log';
import { begin } from './tracker';

/** How long the choice is remembered. */
const CHOICE_DAYS = 365;

let required = false;
/** The visitor's choice; null while undecided; undefined until read from the cookie. */
let choice: boolean | null | undefined;
/** The landing URL (with `aff`) seen while tracking was off; tracked on `consent(true)`. */
let heldUrl: string | null = null;
/** Calls made while consent was pending (signups), run on `consent(true)` on this page. */
let waiting: (() => unknown)[] = [];

export const setConsentRequired = (on: boolean) => {
  required = on;
};

/** Whether the tracker may store and send: an explicit choice wins, else "not required". */
export function tracking(): boolean {
  if (choice === undefined) {
    const stored = getCookie(CONSENT_COOKIE);
    choice = stored ? stored == '1' : null;
  }
  return choice ?? !required;
}

/** Keeps a landing seen without consent; only memory, so it lasts exactly as long as the page. */
export function hold(url: string) {
  heldUrl = url;
  log('No consent yet; kept:', url);
}

/** Keeps a call for `consent(true)` while the choice is pending; after a refusal it is dropped. */
export function wait(call: () => unknown) {
  if (choice == null) waiting.push(call);
  log(choice == null ? 'No consent yet; kept' : 'Opted out; dropped');
}

/**
 * A same-origin referrer that carries `aff`: the landing one page back. It lets consent given on
 * the second page still credit the partner, without anything stored before consent.
 */
function referrerLanding(): string | null {
  try {
    const ref = new URL(document.referrer);
    return ref.origin == location.origin && parseAff(ref.href) ? ref.href : null;
  } catch {
    return null;
  }
}

/** `consent(true)` starts tracking (held landing first); `consent(false)` is `optOut()`. */
export function consent(granted?: boolean) {
  if (!granted) return optOut();
  const was = tracking();
  choice = true;
  setCookie(CONSENT_COOKIE, '1', CHOICE_DAYS);
  if (was) return;
  const url = heldUrl || referrerLanding() || location.href;
  heldUrl = null;
  begin(url);
  const calls = waiting;
  waiting = [];
  calls.forEach((call) => call());
}

/**
 * Erases every cookie of ours (on every domain it may have been written for) and the stored
 * signups, forgets the attribution in memory, and records the refusal.
 */
export function optOut() {
  choice = false;
  heldUrl = null;
  waiting = [];
  forget();
  // Every domain our cookies may carry: host-only, and each candidate (a configured domain is one).
  const domains = [''].concat(domainCandidates(location.hostname));
  parseCookies(readCookieString()).forEach((_, name) => {
    if (/^affitor_|^customer_code$/.test(name)) domains.forEach((domain) => setCookie(name, '', -1, domain));
  });
  try {
    localStorage.removeItem(PENDING_LEADS_KEY);
  } catch {}
  setCookie(CONSENT_COOKIE, '0', CHOICE_DAYS);
  log('Opted out');
}
