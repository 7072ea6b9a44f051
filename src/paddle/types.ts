// The few Paddle Billing shapes the helpers read (webhook JSON, snake_case), declared
// structurally so the package needs no Paddle dependency.

export type PaddleCustomData = Record<string, unknown> | null | undefined;

/** A webhook notification as Paddle posts it. */
export interface PaddleEventLike {
  /** `evt_…`: the same on every redelivery and replay of the event. */
  event_id: string;
  event_type: string;
  occurred_at?: string;
  notification_id?: string;
  data: object;
}

export interface PaddleTransactionLike {
  /** `txn_…`: the sale's `transaction_id`. */
  id: string;
  /** `draft` · `ready` · `billed` · `paid` · `completed` · `canceled` · `past_due`. */
  status: string;
  /** `web` · `api` (checkout or API: a first payment) · `subscription_recurring` (a renewal) · `subscription_charge` · `subscription_update` · `subscription_payment_method_change`. */
  origin?: string | null;
  subscription_id?: string | null;
  custom_data?: PaddleCustomData;
  currency_code?: string | null;
  details?: {
    /** Amounts are strings in the currency's lowest denomination. */
    totals?: { grand_total?: string | null; total?: string | null; currency_code?: string | null } | null;
  } | null;
  items?: { price?: { billing_cycle?: object | null } | null }[] | null;
}

export interface PaddleAdjustmentLike {
  /** `adj_…` */
  id: string;
  /** `refund` · `credit` · `chargeback` · `chargeback_reverse` · `chargeback_warning` · `credit_reverse`. */
  action: string;
  /** `pending_approval` · `approved` · `rejected` · `reversed`. */
  status: string;
  /** `full` · `partial`. */
  type?: string | null;
  /** The refunded transaction (`txn_…`): the sale's key. */
  transaction_id: string;
  reason?: string | null;
  totals?: { total?: string | null; currency_code?: string | null } | null;
}
