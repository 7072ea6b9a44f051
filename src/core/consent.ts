// Consent mode (issue 5). With `consent: 'required'` the tracker stores nothing and sends nothing
// until `consent(true)`; a landing's URL waits in memory meanwhile. `consent(false)`/`optOut()`
// erase our cookies and stop tracking in any mode. The visitor's choice itself is kept in a cookie
// of its own, `affitor_consent=1|0` (it records the choice, not the visitor), so it holds on every
// later page until the visitor changes it.
import { CONSENT_COOKIE } from '../shared/cookies.js';
import { parseAff } from './aff.js';
import { forget } from './click.js';
import { domainCandidates, getCookie, readCookies, rereadCookies, setCookie } from './cookie-jar.js';
import { PENDING_LEADS_KEY } from './lead.js';
import { log } from './log.js';
import { begin } from './tracker.js';

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
  const ref = document.referrer;
  return ref.indexOf(location.origin + '/') == 0 && parseAff(ref) ? ref : null;
}

/** `consent(true)` starts tracking (held landing first); `consent(false)` is `optOut()`. */
export function consent(granted?: boolean) {
  if (!granted) return optOut();
  const was = tracking();
  choice = true;
  setCookie(CONSENT_COOKIE, '1', 365);
  if (was) return;
  begin(heldUrl || referrerLanding() || location.href);
  waiting.splice(0).forEach((call) => call());
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
  // A fresh read: every affitor cookie there is, whoever wrote it (another tab, the server).
  rereadCookies();
  readCookies().replace(/(?:^|;) *(affitor_\w+|customer_code)=/g, (_, name) => {
    domains.forEach((domain) => setCookie(name, '', -1, domain));
    return '';
  });
  try {
    localStorage.removeItem(PENDING_LEADS_KEY);
  } catch (e) {}
  setCookie(CONSENT_COOKIE, '0', 365);
  log('Opted out');
}
