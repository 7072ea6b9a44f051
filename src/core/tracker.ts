// The composition root: the page's one tracker (docs/protocol.md §8.1). It applies the settings,
// switches consent mode and the debug extras on where the build has them, and runs each
// attribution pass; the modules it calls import only leaves (settings, gate, cookie jar,
// transport, log), never each other in a circle. `tracker` is what `window.affitor` is, and makes
// its calls with the page's settings; the ESM entry's `AffitorTracker` instances make the same
// calls (`signupWith`, …) with their own, over the same page-wide attribution state
// (docs/protocol.md §12.2).
import { parseAff } from './aff.js';
import {
  affiliateUrl, attribute, click, clickBody, forgetClicks, getClickId, getClickIds, hasAttribution, navigate, newPendingClick,
  startPage, trackClick,
} from './click.js';
import { type Settings, pageSettings, readSettings, usePageSettings } from './config.js';
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

/** What the debug extras (debug.ts) get from the core on each attribution pass in debug mode. */
export interface DebugContext {
  /** The pass's settings. */
  settings: Settings;
  /** The page's `aff`, or null. */
  aff: string | null;
  /** A click body for this page: the test pageview's, before its test-mode marker. */
  pageview: object;
  send: Send;
  /** Installs the printer of the decision lines (log.ts). */
  setPrinter: (printer: Printer) => void;
}

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
 * from the cookies on demand; `ready` and the event wait for the task. The pass is the page's,
 * with the page's settings, whichever call (an instance's too) runs it.
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

/**
 * Switches consent mode on (the consent and .plus scripts, the ESM library), before the first
 * `init`. On consent, the held landing is attributed with the page's settings.
 */
export function useConsentMode(create: (begin: (url: string) => void) => ConsentMode) {
  if (consentMode) return;
  consentMode = create((url) => begin(pageSettings, url));
  useGate(consentMode.gate);
}

/**
 * Attribution for `url` (the page's, or the landing held until consent) with `settings` (the
 * page's, or an instance's). Without consent this only keeps the landing in memory; with it, the
 * first pass also resends what earlier pages left pending.
 */
export function begin(settings: Settings, url: string, options?: AffitorInitOptions | null) {
  const aff = parseAff(url);
  const on = trackingAllowed();
  if (on && !started) startPage();
  if (on && settings.debug && debugHooks.run) {
    const pageview = clickBody(newPendingClick(location.href, null, settings.api), document.title);
    debugHooks.run({ settings, aff, pageview, send, setPrinter });
  }
  attribute(settings, aff, url);
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

// The calls whose settings depend on who makes them: `tracker` makes them with the page's settings,
// an AffitorTracker instance (src/index.ts) with its own. Each runs the page's waiting pass first.

/** A signup (protocol §3.6) with `settings`. */
export function signupWith(settings: Settings, customerKey: unknown, email?: string | null): Promise<void> {
  passNow();
  return signup(settings, customerKey, email);
}

/** Affitor's earlier script API: `signup` with the key `customer_key`, else `user_id`. */
export function trackLeadWith(settings: Settings, data: AffitorLegacyLead | null | undefined): Promise<void> {
  const lead = data || {};
  return signupWith(settings, lead.customer_key != null ? lead.customer_key : lead.user_id, lead.email);
}

/** A click on `affiliateUrl` (default: this page) with `settings`: to their API. */
export function trackClickWith(settings: Settings, affiliateUrl?: string, existingClickId?: string | null): Promise<void> {
  passNow();
  return trackClick(settings, affiliateUrl || location.href, existingClickId);
}

/** The page's attribution, with the program id of `settings`. */
export function dataWith(settings: Settings): AffitorData {
  passNow();
  return { clickId: getClickId(), programId: settings.programId, hasAttribution, affiliateUrl };
}

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
    return pageSettings.programId;
  },

  /** docs/protocol.md §3.2. A repeated call re-runs attribution; the click guard prevents duplicates. */
  init(options?: AffitorInitOptions | null) {
    try {
      usePageSettings(readSettings(options, pageSettings));
      setDebug(pageSettings.debug);
      if ((document as { prerendering?: boolean }).prerendering) {
        // Prerendered: this init (the click, cookies, resends) again once the page is shown.
        void whenShown(() => tracker.init(options));
        return tracker;
      }
      // One note, two lines: "Affitor tracker initialized:" and "Using program ID:" (lines.ts).
      note(Line.Initialized, pageSettings);
      if (gate == closedWithoutConsentMode && pageSettings.consentRequired) error(FAIL_CLOSED);
      // The first pass of a core the every-page script loaded: the URL that script saw (an SPA may
      // have moved on since, e.g. dropping `aff`), and the referrer that goes with it.
      const url = (!settled && handover && handover.url) || location.href;
      if (!settled) {
        watchHistory(
          (url) => {
            passNow();
            navigate(pageSettings, url);
          },
          handover ? handover.referrer : undefined,
        );
      }
      const pass = () => begin(pageSettings, url, options);
      // A landing's pass, and a later init's, runs at once: a click must not wait, nor be lost to
      // a navigation that starts before the next task. A plain visit's first pass waits for the
      // next task (in the timer's own callback, where the bench counts its CPU): nothing on it is
      // new (it reads the cookies and resends what earlier pages left pending), and its first
      // document.cookie read costs the main thread far more while the page is being parsed than
      // a task later (docs/figures.md).
      if (parseAff(url) || settled) pass();
      else waitingPass = pass;
      setTimeout(passNow);
      // Fires on every path, after that task: referred or not, success, 4xx, network failure (docs/protocol.md §6).
      if (!settled) {
        // Once per page: not again when the every-page script already sent it (a plain visit whose core came later).
        settled = sleep(0)
          .then(() => click)
          .then(() => (handover && handover.fired) || dispatchEvent(new CustomEvent('affitor:ready', { detail: dataWith(pageSettings) })));
      }
    } catch (e) {
      error(e);
    }
    return tracker;
  },

  signup: (customerKey: string | number, email?: string | null) => whenShown(() => signupWith(pageSettings, customerKey, email)),
  trackClick: (affiliateUrl?: string, existingClickId?: string | null) => whenShown(() => trackClickWith(pageSettings, affiliateUrl, existingClickId)),
  getClickId() {
    passNow();
    return getClickId();
  },
  getClickIds() {
    passNow();
    return getClickIds();
  },
  getData: () => dataWith(pageSettings),

  /** Once the page's attribution has settled: the landing's click, then any click started since. */
  ready(callback: (data: AffitorData) => void) {
    void whenShown(() =>
      Promise.resolve(settled)
        .then(() => click)
        .then(() => callback(dataWith(pageSettings)))
        .catch(error),
    );
  },

  /** `consent(true)` starts tracking (a held landing first); `consent(false)` is `optOut()`. */
  consent(granted?: boolean) {
    if (!granted) {
      optOut();
      return;
    }
    if (gate == closedWithoutConsentMode && pageSettings.consentRequired) {
      error(FAIL_CLOSED);
      return;
    }
    void whenShown(() => {
      const wasAllowed = trackingAllowed();
      setChoice(true);
      if (wasAllowed) return;
      if (consentMode) consentMode.granted();
      else begin(pageSettings, location.href);
    });
  },
  optOut,

  /** Affitor's earlier script API. */
  trackLead: (data: AffitorLegacyLead) => whenShown(() => trackLeadWith(pageSettings, data)),
} as AffitorApi;

