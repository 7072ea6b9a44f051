// Lemon Squeezy without code (`.plus` script and ESM): checkout links and lemon.js overlay buttons
// (`<a class="lemonsqueezy-button" href=…>`, which lemon.js opens from the link's href on click)
// carry the click id as `checkout[custom][affitor_click_id]`; Lemon Squeezy returns it as
// `meta.custom_data` on every webhook of the order and its subscription, where the webhook mapper
// reads it. The link is rewritten at pointerdown/click (decorate.ts), before lemon.js reads it.
import { isLemonSqueezyCheckout, lemonSqueezyCustomParam } from '../shared/lemon-squeezy.js';
import { parseFlag } from './config.js';
import { rewriteLinks } from './decorate.js';
import type { AffitorInitOptions } from './types.js';

const CLICK_PARAM = lemonSqueezyCustomParam('affitor_click_id');

let enabled = false;
let decorating = false;

export function lemonSqueezyLinks(options?: AffitorInitOptions | null) {
  if (!options || options.lemonSqueezy == null) return;
  enabled = parseFlag(options.lemonSqueezy);
  if (enabled && !decorating) {
    decorating = true;
    rewriteLinks(decorateCheckoutLink);
  }
}

function decorateCheckoutLink(url: URL, clickId: string) {
  const stale = enabled && isLemonSqueezyCheckout(url) && url.searchParams.get(CLICK_PARAM) != clickId;
  if (stale) url.searchParams.set(CLICK_PARAM, clickId);
  return stale;
}
