// Verified Lemon Squeezy event → the Affitor call it implies, as a pure function.
//   order_created (paid, total > 0)                      → sale keyed by the order id;
//   subscription_payment_success (billing_reason renewal) → renewal keyed by `subscription_invoice_<id>`;
//   order_refunded / subscription_payment_refunded        → refund of that sale.
// Attribution comes from `meta.custom_data`, which Lemon Squeezy repeats on every event of the
// order and its subscription.
import { saleAttribution } from '../webhooks/custom-data.js';
import type { WebhookMapping } from '../webhooks/handler.js';
import type { LemonSqueezyEventLike, LemonSqueezyOrderLike, LemonSqueezySubscriptionInvoiceLike } from './types.js';

export interface LemonSqueezyMapOptions {
  /**
   * Your program id: events whose custom data names another `program_id` are ignored (`other_program`).
   * @default undefined, no event is ignored for its program
   */
  programId?: string | number;
}

/**
 * The `transaction_id` of a renewal. Lemon Squeezy numbers orders and subscription invoices
 * separately, so a bare invoice id could equal an order id and the renewal would be taken for a
 * duplicate of that order (409).
 */
export const renewalTransactionId = (invoiceId: string | number) => `subscription_invoice_${invoiceId}`;

type Paid = LemonSqueezyOrderLike | LemonSqueezySubscriptionInvoiceLike;

function sale(event: LemonSqueezyEventLike, paid: Paid, options: LemonSqueezyMapOptions, input: { invoiceId: string; renewal?: { subscriptionId: string } }): WebhookMapping {
  if (paid.status !== 'paid') return { action: 'ignore', reason: 'unpaid' };
  if (!(paid.total > 0)) return { action: 'ignore', reason: 'zero_amount' };
  const ids = saleAttribution(event.meta.custom_data, options.programId);
  if ('reason' in ids) return ids;
  return {
    action: 'sale',
    input: {
      ...ids,
      amount: paid.total,
      currency: paid.currency?.toUpperCase(),
      invoiceId: input.invoiceId,
      ...(input.renewal ? { isRecurring: true, saleType: 'subscription' as const, subscriptionId: input.renewal.subscriptionId } : {}),
    },
    // Lemon Squeezy sends no event id: the event name and the resource name the logical call.
    idempotencyKey: `lemonsqueezy:${event.meta.event_name}:${event.data.id}`,
  };
}

/**
 * A refund event names only the running total refunded: a full refund when everything is, else
 * that total (exact for the first partial refund of a sale; see docs/lemonsqueezy.md on later ones).
 */
function refund(event: LemonSqueezyEventLike, refunded: Paid, invoiceId: string): WebhookMapping {
  const amount = refunded.refunded_amount ?? 0;
  if (!(amount > 0) && refunded.status !== 'refunded') return { action: 'ignore', reason: 'zero_amount' };
  const full = refunded.status === 'refunded' || amount >= refunded.total;
  return {
    action: 'refund',
    input: { invoiceId, refundAmountCents: full ? undefined : amount },
    idempotencyKey: `lemonsqueezy:${event.meta.event_name}:${event.data.id}:${full ? 'full' : amount}`,
  };
}

/** Maps a verified Lemon Squeezy event to the Affitor call it implies; anything else is `{action: 'ignore', reason}`. */
export function mapLemonSqueezyEvent(event: LemonSqueezyEventLike, options: LemonSqueezyMapOptions = {}): WebhookMapping {
  const { id, attributes } = event.data;
  switch (event.meta.event_name) {
    case 'order_created':
      return sale(event, attributes as LemonSqueezyOrderLike, options, { invoiceId: id });
    case 'subscription_payment_success': {
      const invoice = attributes as LemonSqueezySubscriptionInvoiceLike;
      // The first payment is also an order (order_created records it); plan changes are not renewals.
      if (invoice.billing_reason !== 'renewal') return { action: 'ignore', reason: 'not_renewal' };
      return sale(event, invoice, options, { invoiceId: renewalTransactionId(id), renewal: { subscriptionId: String(invoice.subscription_id) } });
    }
    case 'order_refunded':
      return refund(event, attributes as LemonSqueezyOrderLike, id);
    case 'subscription_payment_refunded': {
      const invoice = attributes as LemonSqueezySubscriptionInvoiceLike;
      // Refunding the first payment refunds its order, which order_refunded reports.
      if (invoice.billing_reason !== 'renewal') return { action: 'ignore', reason: 'not_renewal' };
      return refund(event, invoice, renewalTransactionId(id));
    }
    default:
      return { action: 'ignore', reason: 'unhandled_event' };
  }
}
