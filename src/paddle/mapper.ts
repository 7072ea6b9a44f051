// Verified Paddle Billing event → the Affitor call it implies, as a pure function.
//   transaction.completed / transaction.paid (paid, amount > 0) → sale keyed by the transaction id;
//     origin `subscription_recurring` → renewal (`isRecurring`), other subscription origins ignored;
//   adjustment.created / adjustment.updated (action `refund`, status `approved`) → refund of the
//     adjusted transaction, full for a `full` adjustment, else its total.
import { saleAttribution } from '../webhooks/custom-data.js';
import type { WebhookMapping } from '../webhooks/handler.js';
import type { PaddleAdjustmentLike, PaddleEventLike, PaddleTransactionLike } from './types.js';

export interface PaddleMapOptions {
  /**
   * Your program id: transactions whose custom data names another `program_id` are ignored (`other_program`).
   * @default undefined, no event is ignored for its program
   */
  programId?: string | number;
}

/** A Paddle amount (a string of minor units) as an integer, or 0 when absent or not an integer. */
const minorUnits = (amount: string | null | undefined) => (amount && /^\d+$/.test(amount) ? Number(amount) : 0);

const FIRST_PAYMENT_ORIGINS = new Set(['web', 'api']);

function saleFromTransaction(event: PaddleEventLike, txn: PaddleTransactionLike, options: PaddleMapOptions): WebhookMapping {
  if (txn.status !== 'paid' && txn.status !== 'completed') return { action: 'ignore', reason: 'unpaid' };
  // grand_total: after discounts, tax and credits, before payments — what the customer paid.
  const amount = minorUnits(txn.details?.totals?.grand_total ?? txn.details?.totals?.total);
  if (amount <= 0) return { action: 'ignore', reason: 'zero_amount' };
  const renewal = txn.origin === 'subscription_recurring';
  // One-off charges, proration and payment-method checks on a subscription are not renewals (as Stripe's non-cycle invoices).
  if (!renewal && txn.origin && !FIRST_PAYMENT_ORIGINS.has(txn.origin)) return { action: 'ignore', reason: 'not_renewal' };
  const ids = saleAttribution(txn.custom_data, options.programId);
  if ('reason' in ids) return ids;
  const subscription = !!txn.subscription_id || renewal || !!txn.items?.some((item) => item.price?.billing_cycle);
  return {
    action: 'sale',
    input: {
      ...ids,
      amount,
      currency: (txn.details?.totals?.currency_code || txn.currency_code)?.toUpperCase(),
      invoiceId: txn.id,
      saleType: subscription ? 'subscription' : 'payment',
      ...(renewal ? { isRecurring: true } : {}),
      subscriptionId: txn.subscription_id || undefined,
    },
    idempotencyKey: `paddle:${event.event_id}`,
  };
}

function refundFromAdjustment(adjustment: PaddleAdjustmentLike): WebhookMapping {
  if (adjustment.action !== 'refund') return { action: 'ignore', reason: 'unhandled_event' };
  if (adjustment.status !== 'approved') return { action: 'ignore', reason: 'not_approved' };
  const full = adjustment.type === 'full';
  const amount = minorUnits(adjustment.totals?.total);
  if (!full && amount <= 0) return { action: 'ignore', reason: 'zero_amount' };
  return {
    action: 'refund',
    input: { invoiceId: adjustment.transaction_id, refundAmountCents: full ? undefined : amount, refundReason: adjustment.reason || undefined },
    // Keyed by the adjustment, not the event: adjustment.created and a later adjustment.updated
    // can both announce the same approved refund.
    idempotencyKey: `paddle:${adjustment.id}`,
  };
}

/** Maps a verified Paddle Billing event to the Affitor call it implies; anything else is `{action: 'ignore', reason}`. */
export function mapPaddleEvent(event: PaddleEventLike, options: PaddleMapOptions = {}): WebhookMapping {
  switch (event.event_type) {
    case 'transaction.completed':
    case 'transaction.paid':
      return saleFromTransaction(event, event.data as PaddleTransactionLike, options);
    case 'adjustment.created':
    case 'adjustment.updated':
      return refundFromAdjustment(event.data as PaddleAdjustmentLike);
    default:
      return { action: 'ignore', reason: 'unhandled_event' };
  }
}
