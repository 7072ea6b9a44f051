// Lemon Squeezy webhooks as Lemon Squeezy posts them (JSON:API, amounts in cents), trimmed to
// realistic field sets. Lemon Squeezy publishes no SDK that signs or verifies webhooks (its
// @lemonsqueezy/lemonsqueezy.js covers the REST API only), so the signer is node:crypto, written
// from the documented scheme: X-Signature = hex HMAC-SHA256(secret, raw body).
import { createHmac } from 'node:crypto';

export const LS_SECRET = 'ls_whsec_7d1f0c2b9a8e4d3c';

export const CUSTOM_DATA = { affitor_click_id: 'CLICK_ID', program_id: '1' };

const meta = (event_name: string, custom_data: Record<string, unknown> | null) => ({
  event_name,
  ...(custom_data ? { custom_data } : {}),
  test_mode: true,
  webhook_id: 'a8b9c0d1-e2f3-4a5b-8c6d-7e8f9a0b1c2d',
});

export interface OrderOverrides {
  id?: string;
  status?: string;
  total?: number;
  refunded_amount?: number;
  custom_data?: Record<string, unknown> | null;
}

export function order(eventName: 'order_created' | 'order_refunded', o: OrderOverrides = {}) {
  const total = o.total ?? 4900;
  const refunded = eventName === 'order_refunded';
  const refundedAmount = o.refunded_amount ?? (refunded ? total : 0);
  return {
    meta: meta(eventName, o.custom_data === undefined ? CUSTOM_DATA : o.custom_data),
    data: {
      type: 'orders',
      id: o.id ?? '2871401',
      attributes: {
        store_id: 61034,
        customer_id: 3321887,
        identifier: '7f1e9a3c-2b4d-4e6f-8a1b-9c0d1e2f3a4b',
        order_number: 61034001,
        user_name: 'Buyer',
        user_email: 'buyer@example.com',
        currency: 'USD',
        currency_rate: '1.00000000',
        subtotal: total,
        setup_fee: 0,
        discount_total: 0,
        tax: 0,
        total,
        refunded_amount: refundedAmount,
        subtotal_usd: total,
        setup_fee_usd: 0,
        discount_total_usd: 0,
        tax_usd: 0,
        total_usd: total,
        refunded_amount_usd: refundedAmount,
        tax_name: null,
        tax_rate: '0.00',
        tax_inclusive: false,
        status: o.status ?? (refunded ? (refundedAmount >= total ? 'refunded' : 'partial_refund') : 'paid'),
        status_formatted: 'Paid',
        refunded,
        refunded_at: refunded ? '2026-01-05T10:00:00.000000Z' : null,
        subtotal_formatted: '$49.00',
        total_formatted: '$49.00',
        first_order_item: {
          id: 2829551,
          order_id: Number(o.id ?? '2871401'),
          product_id: 301221,
          variant_id: 462011,
          price_id: 701331,
          product_name: 'E-book',
          variant_name: 'Default',
          price: total,
          quantity: 1,
          created_at: '2026-01-01T10:00:00.000000Z',
          updated_at: '2026-01-01T10:00:00.000000Z',
          test_mode: true,
        },
        urls: { receipt: 'https://app.lemonsqueezy.com/my-orders/7f1e9a3c-2b4d-4e6f-8a1b-9c0d1e2f3a4b' },
        created_at: '2026-01-01T10:00:00.000000Z',
        updated_at: '2026-01-01T10:00:00.000000Z',
        test_mode: true,
      },
      relationships: {
        store: { links: { related: 'https://api.lemonsqueezy.com/v1/orders/2871401/store', self: 'https://api.lemonsqueezy.com/v1/orders/2871401/relationships/store' } },
        subscriptions: { links: { related: 'https://api.lemonsqueezy.com/v1/orders/2871401/subscriptions', self: 'https://api.lemonsqueezy.com/v1/orders/2871401/relationships/subscriptions' } },
      },
      links: { self: 'https://api.lemonsqueezy.com/v1/orders/2871401' },
    },
  };
}

export interface InvoiceOverrides {
  id?: string;
  billing_reason?: 'initial' | 'renewal' | 'updated';
  status?: string;
  total?: number;
  refunded_amount?: number;
  custom_data?: Record<string, unknown> | null;
}

export function subscriptionInvoice(eventName: 'subscription_payment_success' | 'subscription_payment_refunded', o: InvoiceOverrides = {}) {
  const total = o.total ?? 2900;
  const refunded = eventName === 'subscription_payment_refunded';
  const refundedAmount = o.refunded_amount ?? (refunded ? total : 0);
  return {
    meta: meta(eventName, o.custom_data === undefined ? CUSTOM_DATA : o.custom_data),
    data: {
      type: 'subscription-invoices',
      id: o.id ?? '1904733',
      attributes: {
        store_id: 61034,
        subscription_id: 845102,
        customer_id: 3321887,
        user_name: 'Buyer',
        user_email: 'buyer@example.com',
        billing_reason: o.billing_reason ?? 'renewal',
        card_brand: 'visa',
        card_last_four: '4242',
        currency: 'USD',
        currency_rate: '1.00000000',
        status: o.status ?? (refunded ? (refundedAmount >= total ? 'refunded' : 'partial_refund') : 'paid'),
        status_formatted: 'Paid',
        refunded,
        refunded_at: refunded ? '2026-02-05T10:00:00.000000Z' : null,
        subtotal: total,
        discount_total: 0,
        tax: 0,
        tax_inclusive: false,
        total,
        refunded_amount: refundedAmount,
        subtotal_usd: total,
        discount_total_usd: 0,
        tax_usd: 0,
        total_usd: total,
        refunded_amount_usd: refundedAmount,
        urls: { invoice_url: 'https://app.lemonsqueezy.com/my-orders/invoice/1904733' },
        created_at: '2026-02-01T10:00:00.000000Z',
        updated_at: '2026-02-01T10:00:00.000000Z',
        test_mode: true,
      },
      relationships: {
        subscription: { links: { related: 'https://api.lemonsqueezy.com/v1/subscription-invoices/1904733/subscription', self: 'https://api.lemonsqueezy.com/v1/subscription-invoices/1904733/relationships/subscription' } },
      },
      links: { self: 'https://api.lemonsqueezy.com/v1/subscription-invoices/1904733' },
    },
  };
}

/** The raw body and its `X-Signature`, computed independently of the code under test. */
export function signLemonSqueezy(event: object, secret = LS_SECRET) {
  const rawBody = JSON.stringify(event);
  return { rawBody, signature: createHmac('sha256', secret).update(rawBody).digest('hex') };
}
