// The click id carried in a Stripe `client_reference_id`, shared by the browser script (which
// decorates Payment Links, <stripe-pricing-table> and <stripe-buy-button>) and the webhook mapper
// (which reads it back). One module, so the two sides can never disagree on the prefix.

/** Prefix that marks a `client_reference_id` as ours, so it cannot clash with the merchant's own use. */
export const CLIENT_REFERENCE_PREFIX = 'affitor_';

/**
 * Stripe's rule for `client_reference_id`: the pricing table silently drops anything else
 * (the webhook then shows `null`), and the Checkout API rejects more than 200 characters.
 */
const STRIPE_REFERENCE = /^[A-Za-z0-9_-]{1,200}$/;

/** `affitor_<clickId>`, or null when the result would break Stripe's `[A-Za-z0-9_-]{1,200}` rule. */
export function clientReferenceFromClickId(clickId: string | null | undefined): string | null {
  const ref = CLIENT_REFERENCE_PREFIX + (clickId || '');
  return clickId && STRIPE_REFERENCE.test(ref) ? ref : null;
}

/** The click id in an `affitor_<clickId>` reference; null for anything else (e.g. the merchant's own ids). */
export function clickIdFromClientReference(ref: string | null | undefined): string | null {
  return ref && STRIPE_REFERENCE.test(ref) && ref.startsWith(CLIENT_REFERENCE_PREFIX) && ref.length > CLIENT_REFERENCE_PREFIX.length
    ? ref.slice(CLIENT_REFERENCE_PREFIX.length)
    : null;
}
