// Polar webhooks as Polar posts them (snake_case JSON, amounts in cents), complete enough that
// @polar-sh/sdk's own `validateEvent` parses them, signed with the `standardwebhooks` library the
// SDK verifies with, keyed the way the SDK keys it (the secret's UTF-8 bytes, base64-encoded).
import { Webhook } from 'standardwebhooks';

export const POLAR_SECRET = 'polar_whs_6bK3nQ9xT2vR8mW4zL7pY1cF5hJ0dS';

export const METADATA = { affitor_click_id: 'CLICK_ID', program_id: '1' };

const at = '2026-01-01T10:00:00.000000Z';
const org = '0e6f4c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
const customerId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const productId = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';

export interface OrderOverrides {
  id?: string;
  status?: string;
  billing_reason?: 'purchase' | 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  total_amount?: number;
  metadata?: Record<string, string>;
  subscription_metadata?: Record<string, string>;
  external_id?: string | null;
}

export function order(type: 'order.paid' | 'order.created' | 'order.refunded', o: OrderOverrides = {}) {
  const reason = o.billing_reason ?? 'purchase';
  const recurring = reason !== 'purchase';
  const total = o.total_amount ?? (recurring ? 2900 : 4900);
  const refunded = type === 'order.refunded';
  const subscriptionId = recurring ? '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9' : null;
  return {
    type,
    timestamp: at,
    data: {
      id: o.id ?? '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
      created_at: at,
      modified_at: at,
      status: o.status ?? (refunded ? 'refunded' : 'paid'),
      paid: true,
      subtotal_amount: total,
      discount_amount: 0,
      net_amount: total,
      tax_amount: 0,
      total_amount: total,
      applied_balance_amount: 0,
      due_amount: total,
      refunded_amount: refunded ? total : 0,
      refunded_tax_amount: 0,
      currency: 'usd',
      billing_reason: reason,
      billing_name: 'Buyer',
      billing_address: { country: 'US' },
      invoice_number: 'POLAR-0001',
      is_invoice_generated: false,
      receipt_number: null,
      customer_id: customerId,
      product_id: productId,
      discount_id: null,
      subscription_id: subscriptionId,
      checkout_id: '7b6a5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f2e',
      metadata: o.metadata ?? METADATA,
      custom_field_data: {},
      platform_fee_amount: 0,
      platform_fee_currency: null,
      customer: {
        id: customerId,
        created_at: at,
        modified_at: at,
        metadata: {},
        external_id: o.external_id === undefined ? null : o.external_id,
        email: 'buyer@example.com',
        email_verified: true,
        type: 'individual',
        name: 'Buyer',
        billing_name: 'Buyer',
        billing_address: { country: 'US' },
        tax_id: null,
        organization_id: org,
        deleted_at: null,
        avatar_url: null,
      },
      product: {
        metadata: {},
        id: productId,
        created_at: at,
        modified_at: at,
        trial_interval: null,
        trial_interval_count: null,
        name: recurring ? 'Pro monthly' : 'E-book',
        description: null,
        visibility: 'public',
        recurring_interval: recurring ? 'month' : null,
        recurring_interval_count: recurring ? 1 : null,
        meter_interval: null,
        meter_interval_count: null,
        is_recurring: recurring,
        is_archived: false,
        organization_id: org,
      },
      discount: null,
      subscription: recurring
        ? {
            metadata: o.subscription_metadata ?? METADATA,
            created_at: at,
            modified_at: at,
            id: subscriptionId,
            amount: total,
            currency: 'usd',
            recurring_interval: 'month',
            recurring_interval_count: 1,
            status: 'active',
            current_period_start: at,
            current_period_end: '2026-02-01T10:00:00.000000Z',
            current_meter_period_start: null,
            current_meter_period_end: null,
            trial_start: null,
            trial_end: null,
            cancel_at_period_end: false,
            canceled_at: null,
            started_at: at,
            ends_at: null,
            ended_at: null,
            pause_at_period_end: false,
            paused_at: null,
            resumes_at: null,
            customer_id: customerId,
            product_id: productId,
            discount_id: null,
            checkout_id: null,
            customer_cancellation_reason: null,
            customer_cancellation_comment: null,
          }
        : null,
      items: [{ created_at: at, modified_at: at, id: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d', label: 'E-book', amount: total, tax_amount: 0, proration: false, product_price_id: null }],
      description: recurring ? 'Pro monthly' : 'E-book',
      refundable_amount: refunded ? 0 : total,
      refundable_tax_amount: 0,
    },
  };
}

export interface RefundOverrides {
  id?: string;
  status?: string;
  amount?: number;
  tax_amount?: number;
  order_id?: string;
}

export function refund(type: 'refund.created' | 'refund.updated', o: RefundOverrides = {}) {
  return {
    type,
    timestamp: '2026-01-05T10:00:00.000000Z',
    data: {
      created_at: '2026-01-05T10:00:00.000000Z',
      modified_at: '2026-01-05T10:00:00.000000Z',
      id: o.id ?? '6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b',
      metadata: {},
      status: o.status ?? 'succeeded',
      reason: 'customer_request',
      amount: o.amount ?? 4900,
      tax_amount: o.tax_amount ?? 0,
      currency: 'usd',
      organization_id: org,
      order_id: o.order_id ?? '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
      subscription_id: null,
      customer_id: customerId,
      revoke_benefits: false,
      dispute: null,
    },
  };
}

let sequence = 0;

/** The raw body and its Standard Webhooks headers, signed by the `standardwebhooks` library. */
export function signPolar(event: object, options: { secret?: string; timestamp?: Date; id?: string; extraSecrets?: string[] } = {}) {
  const rawBody = JSON.stringify(event);
  const id = options.id ?? `msg_2${String(++sequence).padStart(25, '0')}`;
  const timestamp = options.timestamp ?? new Date();
  const sign = (secret: string) => new Webhook(Buffer.from(secret, 'utf8').toString('base64')).sign(id, timestamp, rawBody);
  const signatures = [options.secret ?? POLAR_SECRET, ...(options.extraSecrets ?? [])].map(sign);
  return {
    rawBody,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
    },
  };
}
