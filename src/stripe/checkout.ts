// The Affitor part of `stripe.checkout.sessions.create` params (docs/protocol.md §9.1–protocol §9.2).

export interface AffitorCheckoutIds {
  /** The visitor's click id (`affitor_click_id` cookie); may be empty on repeat purchases. */
  clickId?: string | null;
  /** Your stable user id: the same value you passed to `signup()` / `trackLead`. */
  customerKey?: string | number | null;
  /** Your Affitor program id (required by Affitor's hosted Stripe path). */
  programId?: string | number | null;
}

type Metadata = Record<string, string | number | null | undefined>;
interface CheckoutParamsLike {
  // Literal union (not `string`) so an inline `mode: 'subscription'` keeps its literal type and
  // the result still satisfies `Stripe.Checkout.SessionCreateParams`.
  mode?: 'payment' | 'setup' | 'subscription';
  metadata?: Metadata | null;
  // No index signature: params typed `Stripe.Checkout.SessionCreateParams` (an interface) must fit.
  subscription_data?: { metadata?: Metadata | null } | null;
}

function affitorMetadata(ids: AffitorCheckoutIds): Record<string, string> {
  const md: Record<string, string> = {};
  const put = (key: string, value: string | number | null | undefined) => {
    if (value !== undefined && value !== null && String(value) !== '') md[key] = String(value);
  };
  put('affitor_click_id', ids.clickId);
  put('affitor_customer_key', ids.customerKey);
  put('program_id', ids.programId);
  return md;
}

/**
 * Returns a copy of Checkout Session create-params with Affitor's metadata added:
 * `metadata` always, and `subscription_data.metadata` too when `params.mode === 'subscription'`,
 * because renewal invoices only carry the Subscription's metadata — without it the first payment
 * is attributed and every renewal is lost. Other keys are kept, values are stringified, empty
 * values are omitted, and `params` is not mutated.
 *
 * ```ts
 * const session = await stripe.checkout.sessions.create(
 *   withAffitorCheckout({ mode: 'subscription', line_items, success_url }, { clickId, customerKey: user.id, programId: 123 }),
 * );
 * ```
 * With Affitor's hosted Stripe connection (Connect) this is all you need; do not also send sales
 * from your own webhook, or every sale is counted twice.
 */
export function withAffitorCheckout<P extends CheckoutParamsLike>(params: P, ids: AffitorCheckoutIds): P {
  const md = affitorMetadata(ids);
  const out: P = { ...params, metadata: { ...params.metadata, ...md } };
  if (params.mode === 'subscription') {
    const sub = params.subscription_data || {};
    out.subscription_data = { ...sub, metadata: { ...sub.metadata, ...md } };
  }
  return out;
}
