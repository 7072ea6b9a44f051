// Verified Stripe event → the Affitor call it implies (docs/protocol.md §9.3), as a pure function.
//
// Sale keys (ours, improving on docs/protocol.md §9.4): a sale is keyed by an id that the refund's Charge names too,
// so refunds need no lookup:
//   payment-mode Checkout     → the PaymentIntent id (`pi_…`), which every Charge carries;
//   subscription-mode Checkout → the first invoice id (`in_…`), which renewals use as well;
//   renewal invoice           → the invoice id (`in_…`).
// The official recipe keys Checkout sales by `session.id`, which no Charge names, so every refund
// would need a Stripe API call. Trade-off (docs/stripe.md): sales recorded earlier under
// `session.id` need `resolveTransactionId` to be refunded.
import type { TrackRefundInput, TrackSaleInput } from '../server/inputs.js';
import { CLIENT_REFERENCE_PREFIX, clickIdFromClientReference } from '../shared/stripe-reference.js';
import { saleAttribution, type Attribution, type NotOurSale } from '../webhooks/custom-data.js';
import type { ChargeLike, CheckoutSessionLike, Expandable, InvoiceLike, StripeEventLike, StripeMetadata } from './types.js';

export type IgnoreReason =
  | 'unhandled_event'
  | 'unpaid'
  | 'zero_amount'
  | 'not_renewal'
  | 'no_attribution_metadata'
  | 'other_program'
  | 'unresolved_transaction_id';

export type StripeMapping =
  | { action: 'sale'; input: TrackSaleInput }
  /**
   * `input.invoiceId` is the best candidate for the sale's key; `fallbackInvoiceIds` are the next
   * ones, to try in order when Affitor answers 404 (the handler does).
   */
  | { action: 'refund'; input: TrackRefundInput; fallbackInvoiceIds: string[] }
  | { action: 'ignore'; reason: IgnoreReason };

export interface MapOptions {
  /**
   * Your program id: events whose metadata names another `program_id` are ignored (`other_program`).
   * @default undefined, no event is ignored for its program
   */
  programId?: string | number;
}

export const idOf = (v: Expandable): string | undefined => (typeof v === 'string' ? v || undefined : v?.id || undefined);

/**
 * The `transaction_id` this library gives a Checkout Session's sale: the PaymentIntent id in
 * `payment` mode, the first invoice id in `subscription` mode, else (never seen in practice) the
 * session id. Use it if you record or refund such sales from your own code.
 */
export function checkoutSaleTransactionId(session: CheckoutSessionLike): string {
  if (session.mode === 'payment') return idOf(session.payment_intent) || session.id;
  if (session.mode === 'subscription') return idOf(session.invoice) || session.id;
  return session.id;
}

/**
 * Ids from metadata (as every provider's custom data), else from `client_reference_id`:
 * `affitor_<clickId>` (set by the script's Payment Link decoration) is a click id, never a
 * customer key; any other reference is the merchant's user id, as in the official recipe.
 */
function attribution(md: StripeMetadata, options: MapOptions, clientReferenceId?: string | null): Attribution | NotOurSale {
  const ref = clientReferenceId || undefined;
  const ours = !!ref && ref.startsWith(CLIENT_REFERENCE_PREFIX);
  return saleAttribution(md, options.programId, { clickId: clickIdFromClientReference(ref) ?? undefined, customerExternalId: ours ? undefined : ref });
}

function saleFromSession(session: CheckoutSessionLike, options: MapOptions): StripeMapping {
  if (!session.amount_total || session.amount_total <= 0) return { action: 'ignore', reason: 'zero_amount' };
  if (session.payment_status !== 'paid') return { action: 'ignore', reason: 'unpaid' };
  const ids = attribution(session.metadata, options, session.client_reference_id);
  if ('reason' in ids) return ids;
  const subscription = session.mode === 'subscription';
  return {
    action: 'sale',
    input: {
      ...ids,
      amount: session.amount_total,
      currency: session.currency?.toUpperCase(),
      invoiceId: checkoutSaleTransactionId(session),
      saleType: subscription ? 'subscription' : 'payment',
      subscriptionId: idOf(session.subscription),
    },
  };
}

function saleFromRenewal(invoice: InvoiceLike, options: MapOptions): StripeMapping {
  if (invoice.billing_reason !== 'subscription_cycle') return { action: 'ignore', reason: 'not_renewal' };
  if (!invoice.amount_paid || invoice.amount_paid <= 0) return { action: 'ignore', reason: 'zero_amount' };
  // Basil (2025-03-31) moved the subscription's details under `parent`; older versions have them at the top.
  const details = invoice.parent?.subscription_details || invoice.subscription_details;
  const md = details?.metadata;
  const ids = attribution(md, options);
  if ('reason' in ids) return ids;
  return {
    action: 'sale',
    input: {
      ...ids,
      amount: invoice.amount_paid,
      currency: invoice.currency?.toUpperCase(),
      invoiceId: invoice.id,
      isRecurring: true,
      saleType: 'subscription',
      subscriptionId: idOf(invoice.parent?.subscription_details?.subscription) || idOf(invoice.subscription),
    },
  };
}

/** What a `charge.refunded` event refunds: all (amount omitted) or the newly refunded amount; null if nothing new. */
export function refundDetails(
  charge: ChargeLike,
  previous: { amount_refunded?: unknown } | null | undefined,
): Omit<TrackRefundInput, 'invoiceId'> | null {
  const before = typeof previous?.amount_refunded === 'number' ? previous.amount_refunded : 0;
  const delta = charge.amount_refunded - before;
  if (!(delta > 0)) return null;
  const full = before === 0 && (charge.refunded === true || charge.amount_refunded >= charge.amount);
  const newest = [...(charge.refunds?.data || [])].sort((a, b) => (b.created || 0) - (a.created || 0))[0];
  return { refundAmountCents: full ? undefined : delta, refundReason: newest?.reason || undefined };
}

function refundFromCharge(charge: ChargeLike, previous: { amount_refunded?: unknown } | null | undefined): StripeMapping {
  const details = refundDetails(charge, previous);
  if (!details) return { action: 'ignore', reason: 'zero_amount' };
  // Pre-Basil charges name their invoice (subscription sales are keyed by it); every charge made
  // through a PaymentIntent names it (one-off Checkout sales are keyed by it). Deduplicated, in that order.
  const candidates = [...new Set([idOf(charge.invoice), idOf(charge.payment_intent)].filter((x): x is string => !!x))];
  if (candidates.length === 0) return { action: 'ignore', reason: 'unresolved_transaction_id' };
  return { action: 'refund', input: { ...details, invoiceId: candidates[0] }, fallbackInvoiceIds: candidates.slice(1) };
}

/**
 * Maps a verified Stripe event to the Affitor call it implies:
 * - `checkout.session.completed` / `checkout.session.async_payment_succeeded` (paid, amount > 0) → sale;
 * - `invoice.paid` / `invoice.payment_succeeded` with `billing_reason: 'subscription_cycle'` → recurring sale
 *   (metadata from `parent.subscription_details` on API 2025-03-31+, else `subscription_details`);
 * - `charge.refunded` → refund of the same sale (full, or the newly refunded amount);
 * - anything else → `{action: 'ignore', reason}`.
 */
export function mapStripeEvent(event: StripeEventLike, options: MapOptions = {}): StripeMapping {
  const object = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return saleFromSession(object as CheckoutSessionLike, options);
    case 'invoice.paid':
    case 'invoice.payment_succeeded':
      return saleFromRenewal(object as InvoiceLike, options);
    case 'charge.refunded':
      return refundFromCharge(object as ChargeLike, event.data.previous_attributes as { amount_refunded?: unknown } | null);
    default:
      return { action: 'ignore', reason: 'unhandled_event' };
  }
}
