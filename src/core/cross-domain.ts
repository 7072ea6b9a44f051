// Other domains (`.plus` script and ESM): the visitor's click id travels to your other
// sites as `?affitor_cid=<id>` on links and iframes, and the tracker there adopts it. The id is
// handed over, never `aff`, so the other site records no second click. Also `cleanUrl`, which
// removes `aff` from the address bar once read.
import { saveClick } from './click.js';
import { parseFlag } from './config.js';
import { rewriteEmbeds, rewriteLinks } from './decorate.js';
import { Line } from './lines.js';
import { note } from './log.js';
import { trackingAllowed } from './gate.js';
import type { AffitorInitOptions } from './types.js';

/** The query parameter that carries a click id to another of the merchant's sites. */
export const HANDOFF_PARAM = 'affitor_cid';
/** An id worth adopting: what Affitor issues (`cust_<n>_<ms>`), and never anything a cookie could misread. */
export const HANDOFF_ID = /^[\w-]{1,200}$/;

let domains: string[] = [];
let decorating = false;
let cleanUrl = false;
/** The id this page arrived with, until adopted (it waits for consent when consent is pending). */
let handedOver: string | null | undefined;

/** `data-affitor-domains` / `domains`: host names, separated by commas or spaces, lowercased. */
export const parseDomains = (list: unknown) => String(list).toLowerCase().split(/[\s,]+/).filter(Boolean);

/** Whether `host` is one of `list` or a subdomain of one, and not this site itself. */
export const isHandoffHost = (host: string, list: string[], ownHost: string) =>
  host != ownHost && list.some((d) => host == d || host.endsWith('.' + d));

export function crossDomain(options?: AffitorInitOptions | null) {
  if (options && options.domains != null) {
    domains = parseDomains(options.domains);
    if (domains.length && !decorating) {
      decorating = true;
      rewriteLinks(decorateLink);
      rewriteEmbeds(decorateIframes);
    }
  }
  if (options && options.cleanUrl != null) cleanUrl = parseFlag(options.cleanUrl);
  if (handedOver === undefined) arrive();
  if (handedOver && trackingAllowed()) adopt(handedOver);
}

/** On the first pass: take the hand-off id out of the URL (and `aff` too with cleanUrl). */
function arrive() {
  const url = new URL(location.href);
  const params = url.searchParams;
  const id = params.get(HANDOFF_PARAM);
  // The landing's own `aff` wins over a hand-off: it is a newer click.
  handedOver = id && HANDOFF_ID.test(id) && !params.get('aff') ? id : null;
  // Only a parameter that is there is removed: deleting re-serialises the query.
  const remove = [HANDOFF_PARAM, cleanUrl ? 'aff' : ''].filter((name) => params.has(name));
  if (remove.length) {
    remove.forEach((name) => params.delete(name));
    history.replaceState(history.state, '', url.href);
  }
}

function adopt(id: string) {
  handedOver = null;
  note(Line.HandedOver, id);
  saveClick(null, id);
}

function decorateLink(url: URL, id: string) {
  const next = isHandoffHost(url.hostname, domains, location.hostname) && url.searchParams.get(HANDOFF_PARAM) != id;
  if (next) url.searchParams.set(HANDOFF_PARAM, id);
  return next;
}

/** Only when the id is not there yet: setting `src` reloads the frame. */
function decorateIframes(id: string) {
  document.querySelectorAll('iframe[src]').forEach((frame) => {
    const url = new URL((frame as HTMLIFrameElement).src);
    if (decorateLink(url, id)) (frame as HTMLIFrameElement).src = url.href;
  });
}
