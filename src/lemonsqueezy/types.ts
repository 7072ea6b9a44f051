// The few Lemon Squeezy shapes the helpers read (webhook JSON:API bodies), declared structurally so
// the package needs no Lemon Squeezy dependency.

/** A webhook as Lemon Squeezy posts it. The event name is also in the `X-Event-Name` header. */
export interface LemonSqueezyEventLike {
  meta: {
    event_name: string;
    /** What the checkout carried in `checkout_data.custom` / `checkout[custom][…]`. */
    custom_data?: Record<string, unknown> | null;
    test_mode?: boolean;
    webhook_id?: string;
  };
  data: { type: string; id: string; attributes: object };
}

/** `data.attributes` of an `orders` resource. Amounts are integers in cents. */
export interface LemonSqueezyOrderLike {
  /** `pending` · `failed` · `paid` · `refunded` · `partial_refund` · `fraudulent`. */
  status: string;
  currency?: string | null;
  /** What the customer paid, tax included. */
  total: number;
  refunded?: boolean | null;
  /** The running total refunded so far. */
  refunded_amount?: number | null;
}

/** `data.attributes` of a `subscription-invoices` resource. */
export interface LemonSqueezySubscriptionInvoiceLike {
  subscription_id: number | string;
  /** `initial` (the first payment, also an order) · `renewal` · `updated` (a plan change). */
  billing_reason: string;
  /** `pending` · `paid` · `void` · `refunded` · `partial_refund`. */
  status: string;
  currency?: string | null;
  total: number;
  refunded?: boolean | null;
  refunded_amount?: number | null;
}
