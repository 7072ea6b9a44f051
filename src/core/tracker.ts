// The tracker's public surface. `tracker` is what `window.affitor` is; the ESM entry's
// `AffitorTracker` is a view of the same page-wide tracker (one per page, contract §8.1).
import { parseAff } from './aff.js';
import { affiliateUrl, attribute, click, getClickId, getClickIds, hasAttribution, startPage, trackClick } from './click.js';
import { configure, programId } from './config.js';
import { consent, optOut, tracking } from './consent.js';
import { debugChecks } from './debug.js';
import { MARKER } from './facade.js';
import { resumeLeads, signup } from './lead.js';
import { debugOn, error } from './log.js';
import { watchHistory } from './spa.js';
import type { AffitorApi, AffitorData, AffitorInitOptions, AffitorLegacyLead } from './types.js';

/** Resolves once this page's attribution is settled; created by the first `init`. */
let settled: Promise<unknown> | undefined;

/** Whether this page's once-only start (pending click, stored signups) has run. */
let started = false;

/**
 * Optional features (the `.plus` script's hand-off and Stripe links, and the ESM library): each runs
 * after every attribution pass, with the `init` options when there are any.
 */
export const features: ((options?: AffitorInitOptions | null) => void)[] = [];

/**
 * Attribution for `url` (the page's, or the landing held until consent). Without consent this only
 * keeps the landing in memory; with it, the first pass also resends what earlier pages left pending.
 */
export function begin(url: string, options?: AffitorInitOptions | null) {
  const aff = parseAff(url);
  const on = tracking();
  if (on && !started) startPage();
  if (on && debugOn) debugChecks(aff);
  attribute(aff, url);
  if (on && !started) {
    started = true;
    resumeLeads();
  }
  features.forEach((feature) => feature(options));
}

const getData = (): AffitorData => ({ clickId: getClickId(), programId, hasAttribution, affiliateUrl });

export const tracker: AffitorApi = {
  [MARKER]: 1,
  get programId() {
    return programId;
  },

  /** Contract §3.2. A repeated call re-runs attribution; the click guard prevents duplicates. */
  init(options?: AffitorInitOptions | null) {
    try {
      configure(options);
      // A page prerendered by Speculation Rules is not seen yet: its attribution (click, cookies,
      // resends) waits until it is shown, and never happens if it never is.
      if ((document as { prerendering?: boolean }).prerendering) {
        document.addEventListener('prerenderingchange', () => tracker.init(options), { once: true });
        return tracker;
      }
      if (!settled) watchHistory();
      begin(location.href, options);
      // Fires on every path: referred or not, success, 4xx, network failure (contract §6).
      settled = settled || Promise.resolve(click).then(() => dispatchEvent(new CustomEvent('affitor:ready', { detail: getData() })));
    } catch (e) {
      error(e);
    }
    return tracker;
  },

  signup,
  trackClick: (affiliateUrl?: string, existingClickId?: string | null) => trackClick(affiliateUrl || location.href, existingClickId),
  getClickId,
  getClickIds,
  getData,

  ready(callback: (data: AffitorData) => void) {
    Promise.resolve(settled)
      .then(() => callback(getData()))
      .catch(error);
  },

  consent,
  optOut,

  /** Affitor's earlier script API. */
  trackLead: (data: AffitorLegacyLead) => signup((data = data || {}).customer_key ?? data.user_id, data.email),
} as AffitorApi;
