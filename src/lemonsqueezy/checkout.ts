// The ids on a Lemon Squeezy checkout URL (a "Share" link or a lemon.js overlay button):
// `checkout[custom][affitor_click_id]=…`, which Lemon Squeezy hands back as `meta.custom_data`.
import { lemonSqueezyCustomParam } from '../shared/lemon-squeezy.js';
import { affitorCustomData, type AffitorCheckoutIds } from '../webhooks/custom-data.js';

/**
 * Returns `checkoutUrl` with the ids as `checkout[custom][…]` query parameters (empty ones
 * omitted; the URL's own parameters kept, an existing Affitor id replaced).
 *
 * ```ts
 * res.redirect(lemonSqueezyCheckoutUrl('https://shop.lemonsqueezy.com/buy/6a1d…', { clickId, customerKey: user.id }));
 * ```
 */
export function lemonSqueezyCheckoutUrl(checkoutUrl: string | URL, ids: AffitorCheckoutIds): string {
  const url = new URL(checkoutUrl);
  for (const [key, value] of Object.entries(affitorCustomData(ids))) url.searchParams.set(lemonSqueezyCustomParam(key), value);
  return url.href;
}
