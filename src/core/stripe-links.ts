// Stripe without code (`.plus` script and ESM): the click id goes into Stripe Payment
// Links as `client_reference_id` and into `<stripe-pricing-table>` / `<stripe-buy-button>` as
// `client-reference-id`, as `affitor_<clickId>` (src/shared/stripe-reference.ts, which the webhook
// mapper reads back). A reference the merchant set themselves is left alone.
import { clickIdFromClientReference, clientReferenceFromClickId } from '../shared/stripe-reference.js';
import { parseFlag } from './config.js';
import { rewriteEmbeds, rewriteLinks } from './decorate.js';
import type { AffitorInitOptions } from './types.js';

export const PAYMENT_LINK_HOST = 'buy.stripe.com';
const ELEMENT_ATTRIBUTE = 'client-reference-id';

let enabled = false;
let decorating = false;

/** The reference to set in place of `current`, or null to leave it: ours is refreshed, the merchant's kept. */
export function nextReference(current: string | null, clickId: string): string | null {
  const ref = clientReferenceFromClickId(clickId);
  return ref && ref != current && (!current || clickIdFromClientReference(current)) ? ref : null;
}

export function stripeLinks(options?: AffitorInitOptions | null) {
  if (!options || options.stripe == null) return;
  enabled = parseFlag(options.stripe);
  if (enabled && !decorating) {
    decorating = true;
    rewriteLinks(decoratePaymentLink);
    rewriteEmbeds(decorateElements);
  }
}

function decoratePaymentLink(url: URL, clickId: string) {
  const ref = enabled && url.hostname == PAYMENT_LINK_HOST && nextReference(url.searchParams.get('client_reference_id'), clickId);
  if (ref) url.searchParams.set('client_reference_id', ref);
  return !!ref;
}

function decorateElements(clickId: string) {
  if (!enabled) return;
  document.querySelectorAll('stripe-pricing-table,stripe-buy-button').forEach((element) => {
    const ref = nextReference(element.getAttribute(ELEMENT_ATTRIBUTE), clickId);
    if (ref) element.setAttribute(ELEMENT_ATTRIBUTE, ref);
  });
}
