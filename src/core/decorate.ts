// Decorating links and embeds with the click id (the `.plus` features: other domains, Stripe).
// A link is rewritten at the moment the visitor is about to follow it (pointerdown, which also
// precedes a middle click or a context menu; click, for the keyboard), so it carries the id current
// then and the page pays nothing up front. Embeds (iframes, Stripe elements) load by themselves, so
// they are rewritten on each attribution pass, when its click settles, and on DOM changes. (A
// click made later by an SPA navigation reaches embeds with the next DOM change.)
import { click, getClickId } from './click.js';
import { error } from './log.js';

/** Adds the id to `url` when it is one of its targets; true when it changed `url`. */
export type LinkRewriter = (url: URL, clickId: string) => boolean;

const linkRewriters: LinkRewriter[] = [];
const embedRewriters: ((clickId: string) => void)[] = [];

export function rewriteLinks(rewriter: LinkRewriter) {
  if (!linkRewriters.length) for (const type of ['pointerdown', 'click']) addEventListener(type, onActivate, true);
  linkRewriters.push(rewriter);
}

function onActivate(event: Event) {
  try {
    const link = event.target instanceof Element && event.target.closest('a[href]');
    const id = getClickId();
    if (!(link instanceof HTMLAnchorElement) || !id) return;
    const url = new URL(link.href);
    let changed = false;
    for (const rewrite of linkRewriters) changed = rewrite(url, id) || changed;
    if (changed) link.href = url.href;
  } catch (e) {
    error(e);
  }
}

/** Runs `rewriter` over the page's embeds on every DOM change and every {@link rescanEmbeds}. */
export function rewriteEmbeds(rewriter: (clickId: string) => void) {
  if (!embedRewriters.length) new MutationObserver(rescan).observe(document.documentElement, { childList: true, subtree: true });
  embedRewriters.push(rewriter);
}

/** A feature pass (each attribution pass): rewrite embeds now, and again once this pass's click settles. */
export function rescanEmbeds() {
  rescan();
  void Promise.resolve(click).then(rescan);
}

function rescan() {
  try {
    if (!embedRewriters.length) return;
    const id = getClickId();
    if (id) embedRewriters.forEach((rewrite) => rewrite(id));
  } catch (e) {
    error(e);
  }
}
