// The few Polar shapes the helpers read (webhook JSON, snake_case), declared structurally so the
// package needs no Polar dependency. The typed events of `@polar-sh/sdk` are camelCase; pass the
// raw body's JSON (what `verifyPolarWebhook` returns) to the mapper.

export type PolarMetadata = Record<string, string | number | boolean> | null | undefined;

/** A webhook as Polar posts it. Its id is the `webhook-id` header, not part of the body. */
export interface PolarEventLike {
  type: string;
  timestamp?: string;
  data: object;
}

export interface PolarOrderLike {
  /** A UUID: the sale's `transaction_id`. */
  id: string;
  /** `pending` · `paid` · `refunded` · `partially_refunded`. */
  status: string;
  paid?: boolean;
  /** `purchase` · `subscription_create` · `subscription_cycle` (a renewal) · `subscription_update`. */
  billing_reason: string;
  /** Cents, after discounts and taxes. */
  total_amount: number;
  currency?: string | null;
  subscription_id?: string | null;
  /** The checkout's `metadata`. */
  metadata?: PolarMetadata;
  customer?: { external_id?: string | null } | null;
  subscription?: { metadata?: PolarMetadata } | null;
}

export interface PolarRefundLike {
  id: string;
  /** `pending` · `succeeded` · `failed` · `canceled`. */
  status: string;
  reason?: string | null;
  /** Cents, before tax (the tax part is `tax_amount`). */
  amount: number;
  tax_amount?: number | null;
  /** The refunded order: the sale's `transaction_id`. */
  order_id: string;
}
