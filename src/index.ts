// Browser ESM entry `affitor-tracker`: the official `@affitor/sdk` browser surface plus the
// `@affitor/tracker` loader (protocol §8.1–protocol §8.2), built on the same core as the <script> tag.
// Importing it has no side effects, and on a server (no `window`) every call is a silent no-op.
import { isTracker, publish } from './core/facade.js';
import { DEFAULT_API_BASE } from './shared/constants.js';
import { click } from './core/click.js';
import { type Settings, defaultSettings, pageSettings, readSettings, usePageSettings } from './core/config.js';
import { error, setDebug } from './core/log.js';
import { createConsent } from './core/consent.js';
import { runDebugExtras } from './core/debug.js';
import { enablePlus } from './core/plus.js';
import {
  begin, dataWith, debugHooks, passNow, signupWith, trackClickWith, trackLeadWith, tracker, useConsentMode, whenShown,
} from './core/tracker.js';
import type { AffitorApi, AffitorData, AffitorInitOptions, AffitorLegacyLead } from './core/types.js';

export type { AffitorApi, AffitorData, AffitorInitOptions, AffitorLegacyLead, AffitorQueueCommand } from './core/types.js';

const inBrowser = () => typeof window != 'undefined' && typeof document != 'undefined';
const noData: AffitorData = { clickId: null, programId: null, hasAttribution: false, affiliateUrl: null };

/**
 * The library has every optional feature (consent mode, other domains, clean URL, Stripe links),
 * each opt-in, and the debug extras built in (a bundle needs no second file); switched on by the
 * first `init` of either kind.
 */
function prepareLibrary() {
  useConsentMode(createConsent);
  enablePlus();
  debugHooks.run = runDebugExtras;
}

/** Passed by `init()` to construct the page's tracker, which has no settings of its own. */
const PAGE_TRACKER: AffitorInitOptions = {};

/**
 * Affitor's `AffitorTracker` (protocol §12.2). An instance honours its own options: its calls
 * (`init`, `trackClick`, `signup`, `trackLead`) go to its `apiBase` with its `programId` and
 * `debug`, and its `cookieDomain` is the page's cookie domain unless the page's tracker names one.
 * What it tracks is the visitor's, so it is the page's: the cookies, the pending click, stored
 * signups, the in-flight click guard, the session — every instance and the page's tracker
 * (`init()`, `window.affitor`) read and extend the same attribution. The object `init()` returns
 * is the page's tracker itself, with the page's settings.
 */
export class AffitorTracker implements AffitorApi {
  /** This instance's settings; null for the page's tracker (and on a server). */
  private own: Settings | null;

  constructor(options?: AffitorInitOptions | null) {
    // Omitted options take the defaults, as in Affitor's SDK: the production API, the probed
    // cookie domain, debug off; the program id falls back to the script tag, then the global.
    this.own = inBrowser() && options !== PAGE_TRACKER ? readSettings(options, defaultSettings()) : null;
  }

  get programId(): number | null {
    return this.own ? this.own.programId : inBrowser() ? tracker.programId : null;
  }

  /**
   * Runs a call of the core with the settings it is made with, passed down explicitly: the page's
   * for the page's tracker; for an instance, the page's with the instance's API, program id and
   * debug flag. Consent, bots and the cookies' domain are the page's, which an instance's
   * `cookieDomain` becomes when the page has none.
   */
  private call<T>(run: (settings: Settings) => T, onServer: T): T {
    if (!inBrowser()) return onServer;
    const own = this.own;
    if (!own) return run(pageSettings);
    // The page's waiting first pass (a plain visit's) is the page's: it resends what earlier pages
    // left pending to where they were going, with the page's settings, before this call.
    passNow();
    if (own.cookieDomain && !pageSettings.cookieDomain) usePageSettings({ ...pageSettings, cookieDomain: own.cookieDomain });
    return run({
      ...pageSettings,
      programId: own.programId,
      debug: own.debug,
      apiBase: own.apiBase,
      api: own.apiBase != pageSettings.apiBase ? own.apiBase : undefined,
    });
  }

  /**
   * A call that tracks (a click, a lead): in a prerendered page it starts once the page is shown
   * (the core's `whenShown`), with the settings of then.
   */
  private callWhenShown(run: (settings: Settings) => Promise<void>): Promise<void> {
    if (!inBrowser()) return Promise.resolve();
    return Promise.resolve(whenShown(() => this.call(run, Promise.resolve())));
  }

  /**
   * The page's tracker: protocol §3.2 with these options. An instance: its options change (omitted
   * ones keep their value) and the page's attribution pass runs with them — the landing's click
   * goes to its API; once a prerendered page is shown. It installs no SPA hooks (Affitor's SDK has
   * none either): the page's tracker does.
   */
  init(options?: AffitorInitOptions | null): this {
    if (!inBrowser()) return this;
    prepareLibrary();
    if (!this.own) {
      tracker.init(options);
      return this;
    }
    try {
      const own = (this.own = readSettings(options, this.own));
      if (own.debug) setDebug(true);
      void whenShown(() => this.call((settings) => begin(settings, location.href, options), undefined));
    } catch (e) {
      error(e);
    }
    return this;
  }
  signup(customerKey: string | number, email?: string | null): Promise<void> {
    return this.callWhenShown((settings) => signupWith(settings, customerKey, email));
  }
  /** Resolves once the click has answered and its cookies are written (or it is out of attempts). */
  trackClick(affiliateUrl?: string, existingClickId?: string | null): Promise<void> {
    return this.callWhenShown((settings) => trackClickWith(settings, affiliateUrl, existingClickId)).then(announce);
  }
  getClickId(): string | null {
    return inBrowser() ? tracker.getClickId() : null;
  }
  getClickIds(): string[] {
    return inBrowser() ? tracker.getClickIds() : [];
  }
  getData(): AffitorData {
    return this.call(dataWith, { ...noData });
  }
  /**
   * The page's tracker: once the page's attribution is settled; an instance: once the page's latest
   * click is. Once shown, in a prerendered page.
   */
  ready(callback: (data: AffitorData) => void): void {
    if (!inBrowser()) return;
    if (!this.own) return tracker.ready(callback);
    // `click` read once this call has returned, as the page's tracker reads it: a click asked for right after counts.
    void whenShown(() =>
      Promise.resolve()
        .then(() => click)
        .then(() => callback(this.getData()))
        .catch(error),
    );
  }
  trackLead(data: AffitorLegacyLead): Promise<void> {
    return this.callWhenShown((settings) => trackLeadWith(settings, data));
  }
  consent(granted: boolean): void {
    if (inBrowser()) tracker.consent(granted);
  }
  optOut(): void {
    if (inBrowser()) tracker.optOut();
  }
}

/** The page's tracker once `init` ran: our own, or an adopted `window.affitor` (e.g. the script tag's). */
let current: AffitorApi | null = null;

type AttributionListener = (data: AffitorData) => void;
const listeners = new Set<AttributionListener>();

/** Tells the listeners the page's attribution once it has settled (the tracker's `ready`). */
function announce() {
  if (current && listeners.size) current.ready((data) => listeners.forEach((listener) => listener(data)));
}

/**
 * Calls `listener(getData())` each time the page's attribution may have changed, once it has
 * settled: after `init`, `trackClick`, `consent` and `optOut` made through this entry, and after an
 * SPA navigation (a new partner's `?aff=` is a new click). Navigations are seen through the
 * Navigation API where the browser has it (`window.navigation`); elsewhere only the calls are.
 * Returns the function that stops it. Used by `affitor-tracker/react` so that `data` follows.
 */
export function onAttributionChange(listener: AttributionListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Installed once, by the first `init`. */
function watchNavigations() {
  const navigation = (window as { navigation?: EventTarget }).navigation;
  // A task later, not a microtask: a back/forward navigation dispatches `popstate`, on which the
  // tracker acts, after `currententrychange` and after that event's microtasks.
  if (navigation) navigation.addEventListener('currententrychange', () => setTimeout(announce));
}

/**
 * Starts tracking (the first call) or re-applies options (later calls). When a tracker is already
 * on the page (the script tag, or Affitor's own), it is adopted instead of starting a second one.
 */
export function init(options?: AffitorInitOptions): AffitorTracker | null {
  if (!inBrowser()) return null;
  prepareLibrary();
  if (!current) watchNavigations();
  if (current) current.init(options);
  else if (isTracker(window.affitor)) {
    current = window.affitor;
    if (options) current.init(options);
  } else {
    current = new AffitorTracker(PAGE_TRACKER).init(options);
    publish(tracker);
  }
  announce();
  return current as AffitorTracker;
}

export function signup(customerKey: string | number, email?: string | null): Promise<void> {
  if (current) return current.signup(customerKey, email);
  if (inBrowser()) error('signup() called before init()');
  return Promise.resolve();
}

export function trackClick(affiliateUrl?: string, existingClickId?: string | null): Promise<void> {
  if (current) return current.trackClick(affiliateUrl, existingClickId).then(announce);
  if (inBrowser()) error('trackClick() called before init()');
  return Promise.resolve();
}

/** The visitor's answer to your consent banner (see `AffitorApi.consent`); before `init` it is an error. */
export function consent(granted: boolean): void {
  if (current) {
    current.consent(granted);
    announce();
  } else if (inBrowser()) error('consent() called before init()');
}

/** Removes every affitor cookie and stops tracking (see `AffitorApi.optOut`). */
export function optOut(): void {
  if (current) {
    current.optOut();
    announce();
  } else if (inBrowser()) error('optOut() called before init()');
}

export const getClickId = (): string | null => (current ? current.getClickId() : null);
export const getClickIds = (): string[] => (current ? current.getClickIds() : []);
export const getData = (): AffitorData | null => (current ? current.getData() : null);
export const getTracker = (): AffitorTracker | null => current as AffitorTracker | null;

export interface LoadAffitorOptions {
  /** Picks the API base when `apiBase` is not given. Default `production`. */
  env?: 'production' | 'uat' | 'local';
  debug?: boolean;
  /** Load this tracker script with a `<script async>` tag instead of using the bundled tracker. */
  scriptUrl?: string;
  apiBase?: string;
  cookieDomain?: string;
}

const ENV_API_BASES = {
  production: DEFAULT_API_BASE,
  uat: 'https://uat-affitor-cms.vanilla-ott.com',
  local: 'http://localhost:1337',
};
/** How long an injected script may take before `loadAffitor` gives up and resolves null. */
const SCRIPT_TIMEOUT_MS = 10000;

let loading: Promise<AffitorApi | null> | undefined;

/**
 * The official `@affitor/tracker` loader: resolves to `window.affitor`, or null on the server or
 * when the script failed; never rejects. Concurrent calls share one load; a failed one can be retried.
 */
export function loadAffitor(programId: number | string, options: LoadAffitorOptions = {}): Promise<AffitorApi | null> {
  if (!inBrowser()) return Promise.resolve(null);
  if (!loading) {
    const apiBase = options.apiBase || (options.env ? ENV_API_BASES[options.env] : undefined);
    loading = options.scriptUrl
      ? injectScript(options.scriptUrl, programId, { ...options, apiBase })
      : Promise.resolve(init({ programId, debug: options.debug, apiBase, cookieDomain: options.cookieDomain }) && (window.affitor || null));
    void loading.then((result) => {
      if (!result) loading = undefined;
    });
  }
  return loading;
}

function injectScript(url: string, programId: number | string, options: LoadAffitorOptions): Promise<AffitorApi | null> {
  return new Promise((resolve) => {
    if (isTracker(window.affitor)) return resolve(window.affitor);
    let timer: ReturnType<typeof setTimeout>;
    let settled = false;
    const done = (result: AffitorApi | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!result) error('Failed to load the Affitor tracker script: ' + url);
      resolve(result);
    };
    try {
      const script = document.createElement('script');
      script.async = true;
      script.src = url;
      const attributes: Record<string, string | number | boolean | null | undefined> = {
        'program-id': programId,
        debug: options.debug,
        'api-base': options.apiBase,
        'cookie-domain': options.cookieDomain,
      };
      for (const name of Object.keys(attributes)) {
        if (attributes[name] != null) script.setAttribute('data-affitor-' + name, String(attributes[name]));
      }
      script.onload = () => done(isTracker(window.affitor) ? window.affitor : null);
      script.onerror = () => done(null);
      timer = setTimeout(() => done(null), SCRIPT_TIMEOUT_MS);
      (document.head || document.documentElement).appendChild(script);
    } catch (e) {
      error(e);
      done(null);
    }
  });
}
