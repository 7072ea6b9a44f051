// The few Stripe shapes the helpers read, declared structurally so the package needs no `stripe`
// dependency. Objects from the `stripe` package (any API version) are assignable to these.

export type StripeMetadata = Record<string, string> | null | undefined;
/** An id, or the expanded object carrying it. */
export type Expandable = string | { id: string } | null | undefined;

/** A webhook event, e.g. `Stripe.Event` or the JSON Stripe posts. */
export interface StripeEventLike {
  id?: string;
  type: string;
  api_version?: string | null;
  data: { object: object; previous_attributes?: object | null };
}

export interface CheckoutSessionLike {
  id: string;
  mode?: string | null;
  amount_total?: number | null;
  currency?: string | null;
  payment_status?: string | null;
  metadata?: StripeMetadata;
  client_reference_id?: string | null;
  subscription?: Expandable;
  /** Set in `payment` mode: the one-off payment's PaymentIntent, which its Charge also names. */
  payment_intent?: Expandable;
  /** Set in `subscription` mode (the first invoice), and in `payment` mode with `invoice_creation`. */
  invoice?: Expandable;
}

export interface SubscriptionDetailsLike {
  metadata?: StripeMetadata;
  subscription?: Expandable;
}

export interface InvoiceLike {
  id: string;
  billing_reason?: string | null;
  amount_paid?: number | null;
  currency?: string | null;
  /** API 2025-03-31 ("Basil") and later. */
  parent?: { subscription_details?: SubscriptionDetailsLike | null } | null;
  /** Before Basil. */
  subscription_details?: SubscriptionDetailsLike | null;
  /** Before Basil. */
  subscription?: Expandable;
}

export interface ChargeLike {
  id: string;
  amount: number;
  amount_refunded: number;
  refunded?: boolean;
  payment_intent?: Expandable;
  /** Before Basil only: Basil removed `Charge.invoice` (see `stripe.invoicePayments`). */
  invoice?: Expandable;
  /** Not included by default since API 2022-11-15. */
  refunds?: { data?: { reason?: string | null; created?: number }[] } | null;
}
