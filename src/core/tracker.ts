// The composition root: the page's one tracker (docs/protocol.md §8.1). It applies the settings,
// switches consent mode and the debug extras on where the build has them, and runs each
// attribution pass; the modules it calls import only leaves (settings, gate, cookie jar,
// transport, log), never each other in a circle. `tracker` is what `window.affitor` is; the ESM
// entry's `AffitorTracker` instances call it with their own settings current (config.ts), over the
// same page-wide attribution state (docs/protocol.md §12.2).
import { parseAff } from './aff.js';
import {
  affiliateUrl, attribute, click, clickBody, forgetClicks, getClickId, getClickIds, hasAttribution, navigate, newPendingClick,
  startPage, trackClick,
} from './click.js';
import { type Settings, readSettings, settings, useSettings } from './config.js';
import { rereadCookies } from './cookie-jar.js';
import { MARKER } from './facade.js';
import { type Gate, closedWithoutConsentMode, gate, send, trackingAllowed, useGate } from './gate.js';
import { handover } from './handover.js';
import { forgetLeads, resumeLeads, signup } from './lead.js';
import { Line } from './lines.js';
import { type Printer, error, note, setDebug, setPrinter } from './log.js';
import { eraseTrackerCookies, setChoice } from './privacy.js';
import { watchHistory } from './spa.js';
import { sleep } from '../shared/sleep.js';
import type { Send } from './transport.js';
import type { AffitorApi, AffitorData, AffitorInitOptions, AffitorLegacyLead } from './types.js';

/**
 * What the debug extras (debug.ts) get from the core on each attribution pass in debug mode: the
 * settings, the page's `aff`, a click body for this page (the test pageview's, before its test-mode
 * marker), the send function and the printer hook. Byte trick (the script ships this): a tuple,
 * so no property name is written out.
 */
export type DebugContext = [settings: Settings, aff: string | null, pageview: object, send: Send, setPrinter: (printer: Printer) => void];

/** Consent mode (consent.ts `createConsent`): its gate, and what runs when the visitor consents. */
export interface ConsentMode {
  gate: Gate;
  granted: () => void;
}

/** The main script given `consent: 'required'` fails closed and says which file has consent mode. */
export const FAIL_CLOSED = 'consent "required" needs affitor-tracker.consent.js: nothing tracked';

let consentMode: ConsentMode | undefined;
/** Resolves once this page's attribution is settled; created by the first `init`. */
let settled: Promise<unknown> | undefined;
/** Whether this page's once-only start (pending click, stored signups) has run. */
let started = false;
/** A plain visit's first attribution pass, while it waits for its task (`init`). */
let waitingPass: (() => void) | undefined;

/**
 * Runs a plain visit's waiting pass now, for a call made before its task (an inline script's
 * `signup`, an SPA's first navigation) that needs what the pass sets up: the session (clicks and
 * leads carry it) and `hasAttribution`/`affiliateUrl` (leads, `getData`). The click id is read
 * from the cookies on demand; `ready` and the event wait for the task. The ESM entry runs it
 * before an instance's call, so the page's pass runs with the page's settings.
 */
export function passNow() {
  // Each call of the page's reads the cookies afresh: the page, another tab or a unit test may have
  // written them since the last one.
  rereadCookies();
  const pass = waitingPass;
  waitingPass = undefined;
  if (pass) pass();
}

/**
 * Optional features (the `.plus` script's hand-off and Stripe links, and the ESM library): each runs
 * after every attribution pass, with the `init` options when there are any.
 */
export const features: ((options?: AffitorInitOptions | null) => void)[] = [];

/**
 * Runs the debug extras for a pass: the script loads them from its own origin on first use
 * (boot.ts), the ESM library has them built in (index.ts). Unset, debug mode only notes lines.
 */
export const debugHooks: { run?: (context: DebugContext) => void } = {};

/** Switches consent mode on (the consent and .plus scripts, the ESM library), before the first `init`. */
export function useConsentMode(create: (begin: (url: string) => void) => ConsentMode) {
  if (!consentMode) useGate((consentMode = create(begin)).gate);
}

/**
 * Attribution for `url` (the page's, or the landing held until consent). Without consent this only
 * keeps the landing in memory; with it, the first pass also resends what earlier pages left pending.
 */
export function begin(url: string, options?: AffitorInitOptions | null) {
  const aff = parseAff(url);
  const on = trackingAllowed();
  if (on && !started) startPage();
  if (on && settings.debug && debugHooks.run) {
    debugHooks.run([settings, aff, clickBody(newPendingClick(location.href), document.title), send, setPrinter]);
  }
  attribute(aff, url);
  if (on && !started) {
    started = true;
    resumeLeads();
  }
  features.forEach((feature) => feature(options));
}

/** Resolves when a prerendered page is shown (`prerenderingchange`); made by the first `whenShown` there. */
let shown: Promise<unknown> | undefined;

/**
 * A page prerendered by Speculation Rules is not seen yet: what it asks for (its attribution,
 * clicks, signups, consent, `ready`) runs once it is shown, and never if it never is — a page
 * nobody saw tracks nothing, and a later visit to it runs its code again. One promise for all,
 * so the calls run in the order they were made, as in a page loaded in view (a `ready` asked
 * for before a `trackClick` still waits for that click).
 */
export const whenShown = <T>(run: () => T): T | Promise<T> =>
  (document as { prerendering?: boolean }).prerendering
    ? (shown = shown || new Promise((resolve) => document.addEventListener('prerenderingchange', resolve))).then(run)
    : run();

const signupWhenShown = (customerKey: unknown, email?: string | null) => whenShown(() => (passNow(), signup(customerKey, email)));

const getData = (): AffitorData => (passNow(), { clickId: getClickId(), programId: settings.programId, hasAttribution, affiliateUrl });

function optOut() {
  gate.forget();
  forgetClicks();
  eraseTrackerCookies();
  forgetLeads();
  setChoice(false);
  note(Line.OptedOut);
}

export const tracker: AffitorApi = {
  [MARKER]: 1,
  get programId() {
    return settings.programId;
  },

  /** docs/protocol.md §3.2. A repeated call re-runs attribution; the click guard prevents duplicates. */
  init(options?: AffitorInitOptions | null) {
    try {
      useSettings(readSettings(options, settings));
      setDebug(settings.debug);
      // Prerendered: this init (the click, cookies, resends) again once the page is shown.
      if ((document as { prerendering?: boolean }).prerendering) return whenShown(() => tracker.init(options)), tracker;
      // One note, two lines: "Affitor tracker initialized:" and "Using program ID:" (lines.ts).
      note(Line.Initialized, settings);
      if (gate == closedWithoutConsentMode && settings.consentRequired) error(FAIL_CLOSED);
      // The first pass of a core the every-page script loaded: the URL that script saw (an SPA may
      // have moved on since, e.g. dropping `aff`), and the referrer that goes with it.
      const url = (!settled && handover && handover.url) || location.href;
      if (!settled) watchHistory((url) => (passNow(), navigate(url)), handover ? handover.referrer : undefined);
      const pass = () => begin(url, options);
      // A landing's pass, and a later init's, runs at once: a click must not wait, nor be lost to
      // a navigation that starts before the next task. A plain visit's first pass waits for the
      // next task (in the timer's own callback, where the bench counts its CPU): nothing on it is
      // new (it reads the cookies and resends what earlier pages left pending), and its first
      // document.cookie read, made while the page is being parsed, costs the main thread about
      // 2 ms (bench: a plain visit's ScriptDuration 3.6 → 1.4 ms), a task later 0.2 ms.
      if (parseAff(url) || settled) pass();
      else waitingPass = pass;
      setTimeout(passNow);
      // Fires on every path, after that task: referred or not, success, 4xx, network failure (docs/protocol.md §6).
      settled = settled || sleep(0).then(() => click).then(() => (handover && handover.fired) || dispatchEvent(new CustomEvent('affitor:ready', { detail: getData() })));
    } catch (e) {
      error(e);
    }
    return tracker;
  },

  signup: signupWhenShown,
  trackClick: (affiliateUrl?: string, existingClickId?: string | null) => whenShown(() => (passNow(), trackClick(affiliateUrl || location.href, existingClickId))),
  getClickId: () => (passNow(), getClickId()),
  getClickIds: () => (passNow(), getClickIds()),
  getData,

  /** Once the page's attribution has settled: the landing's click, then any click started since. */
  ready(callback: (data: AffitorData) => void) {
    void whenShown(() =>
      Promise.resolve(settled)
        .then(() => click)
        .then(() => callback(getData()))
        .catch(error),
    );
  },

  /** `consent(true)` starts tracking (a held landing first); `consent(false)` is `optOut()`. */
  consent(granted?: boolean) {
    if (!granted) return optOut();
    if (gate == closedWithoutConsentMode && settings.consentRequired) return error(FAIL_CLOSED);
    void whenShown(() => {
      const was = trackingAllowed();
      setChoice(true);
      if (!was) {
        if (consentMode) consentMode.granted();
        else begin(location.href);
      }
    });
  },
  optOut,

  /** Affitor's earlier script API. */
  trackLead: (data: AffitorLegacyLead) => signupWhenShown((data = data || {}).customer_key != null ? data.customer_key : data.user_id, data.email),
} as AffitorApi;

