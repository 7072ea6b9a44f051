// Verified Polar event → the Affitor call it implies, as a pure function.
//   order.paid / order.created (paid, total > 0) → sale keyed by the order id; billing_reason
//     `subscription_cycle` → renewal (`isRecurring`), `subscription_update` ignored;
//   refund.created / refund.updated (succeeded)  → refund of the order: the refund's amount plus its tax;
//   order.refunded, fully refunded               → full refund (a no-op once the refund events reversed it).
import { saleAttribution } from '../webhooks/custom-data.js';
import type { WebhookMapping } from '../webhooks/handler.js';
import type { PolarEventLike, PolarOrderLike, PolarRefundLike } from './types.js';

export interface PolarMapOptions {
  /**
   * Your program id: orders whose metadata names another `program_id` are ignored (`other_program`).
   * @default undefined, no event is ignored for its program
   */
  programId?: string | number;
}

const FIRST_PAYMENTS = new Set(['purchase', 'subscription_create']);

function saleFromOrder(event: PolarEventLike, order: PolarOrderLike, options: PolarMapOptions): WebhookMapping {
  if (order.status !== 'paid' && order.paid !== true) return { action: 'ignore', reason: 'unpaid' };
  if (!(order.total_amount > 0)) return { action: 'ignore', reason: 'zero_amount' };
  const renewal = order.billing_reason === 'subscription_cycle';
  if (!renewal && !FIRST_PAYMENTS.has(order.billing_reason)) return { action: 'ignore', reason: 'not_renewal' };
  // The checkout's metadata is on the order, and on its subscription (what a renewal may only carry).
  const metadata = { ...order.subscription?.metadata, ...order.metadata };
  // Polar's own link to your user: the customer's external id (`external_customer_id` at checkout).
  const ids = saleAttribution(metadata, options.programId, { customerExternalId: order.customer?.external_id || undefined });
  if ('reason' in ids) return ids;
  const subscription = !!order.subscription_id || order.billing_reason !== 'purchase';
  return {
    action: 'sale',
    input: {
      ...ids,
      amount: order.total_amount,
      currency: order.currency?.toUpperCase(),
      invoiceId: order.id,
      saleType: subscription ? 'subscription' : 'payment',
      ...(renewal ? { isRecurring: true } : {}),
      subscriptionId: order.subscription_id || undefined,
    },
    // The body carries no event id (only the webhook-id header does): the event type and the order name the call.
    idempotencyKey: `polar:${event.type}:${order.id}`,
  };
}

function refundFromRefund(refund: PolarRefundLike): WebhookMapping {
  if (refund.status !== 'succeeded') return { action: 'ignore', reason: 'not_approved' };
  const amount = refund.amount + (refund.tax_amount ?? 0);
  if (!(amount > 0)) return { action: 'ignore', reason: 'zero_amount' };
  return {
    action: 'refund',
    input: { invoiceId: refund.order_id, refundAmountCents: amount, refundReason: refund.reason || undefined },
    // Keyed by the refund: refund.created and refund.updated can both report it succeeded.
    idempotencyKey: `polar:refund:${refund.id}`,
  };
}

/** Maps a verified Polar event to the Affitor call it implies; anything else is `{action: 'ignore', reason}`. */
export function mapPolarEvent(event: PolarEventLike, options: PolarMapOptions = {}): WebhookMapping {
  switch (event.type) {
    case 'order.paid':
    case 'order.created':
      return saleFromOrder(event, event.data as PolarOrderLike, options);
    case 'refund.created':
    case 'refund.updated':
      return refundFromRefund(event.data as PolarRefundLike);
    case 'order.refunded': {
      // Names only the running total refunded; the refund events carry each refund's own amount.
      const order = event.data as PolarOrderLike;
      if (order.status !== 'refunded') return { action: 'ignore', reason: 'unhandled_event' };
      return { action: 'refund', input: { invoiceId: order.id }, idempotencyKey: `polar:order.refunded:${order.id}` };
    }
    default:
      return { action: 'ignore', reason: 'unhandled_event' };
  }
}
