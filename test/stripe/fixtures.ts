// Stripe webhook events as Stripe sends them, trimmed to realistic field sets. Two API shapes:
// current ("Basil" 2025-03-31 and later, e.g. 2026-02-25.clover: `invoice.parent.subscription_details`,
// no `Charge.invoice`, no `Invoice.subscription`) and the older one (2024-06-20: top-level
// `invoice.subscription_details`/`subscription`, `charge.invoice`).
import Stripe from 'stripe';

export const CURRENT_API = '2026-02-25.clover';
export const OLD_API = '2024-06-20';
export const WEBHOOK_SECRET = 'whsec_test_5f0c2a9d8e7b6a5f4e3d2c1b0a9f8e7d';
const stripe = new Stripe('sk_test_unused');

const created = 1767225600; // 2026-01-01

function event(type: string, object: object, apiVersion = CURRENT_API, previous?: object) {
  return {
    id: `evt_${type.replace(/\W/g, '_')}_1`,
    object: 'event',
    api_version: apiVersion,
    created,
    data: previous ? { object, previous_attributes: previous } : { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

const metadata = { affitor_click_id: 'cust_1_1767225000000', affitor_customer_key: 'user_42', program_id: '1' };

export function checkoutSession(overrides: Record<string, unknown> = {}, apiVersion = CURRENT_API, type = 'checkout.session.completed') {
  return event(
    type,
    {
      id: 'cs_test_a1B2c3D4e5F6',
      object: 'checkout.session',
      amount_subtotal: 4900,
      amount_total: 4900,
      client_reference_id: null,
      currency: 'usd',
      customer: 'cus_TestCustomer1',
      customer_details: { email: 'buyer@example.com', name: 'Buyer' },
      invoice: null,
      livemode: false,
      metadata,
      mode: 'payment',
      payment_intent: 'pi_3OneOffPayment',
      payment_status: 'paid',
      status: 'complete',
      subscription: null,
      success_url: 'https://shop.example.com/thanks',
      ...overrides,
    },
    apiVersion,
  );
}

export const subscriptionCheckout = (overrides: Record<string, unknown> = {}) =>
  checkoutSession({
    mode: 'subscription',
    amount_total: 2900,
    payment_intent: null,
    invoice: 'in_1FirstInvoice',
    subscription: 'sub_1Monthly',
    ...overrides,
  });

/** A renewal invoice in the current shape: metadata under `parent.subscription_details`. */
export function renewalInvoice(overrides: Record<string, unknown> = {}, type = 'invoice.paid') {
  return event(type, {
    id: 'in_1Renewal202602',
    object: 'invoice',
    amount_due: 2900,
    amount_paid: 2900,
    amount_remaining: 0,
    billing_reason: 'subscription_cycle',
    currency: 'usd',
    customer: 'cus_TestCustomer1',
    lines: { object: 'list', data: [], has_more: false },
    metadata: {},
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata, subscription: 'sub_1Monthly' },
    },
    status: 'paid',
    ...overrides,
  });
}

/** The same renewal in the pre-Basil shape. */
export function oldRenewalInvoice(overrides: Record<string, unknown> = {}, type = 'invoice.paid') {
  return event(
    type,
    {
      id: 'in_1OldRenewal',
      object: 'invoice',
      amount_due: 2900,
      amount_paid: 2900,
      billing_reason: 'subscription_cycle',
      charge: 'ch_3OldRenewalCharge',
      currency: 'eur',
      customer: 'cus_TestCustomer1',
      metadata: {},
      payment_intent: 'pi_3OldRenewal',
      status: 'paid',
      subscription: 'sub_1OldMonthly',
      subscription_details: { metadata },
      ...overrides,
    },
    OLD_API,
  );
}

/** `charge.refunded`, current shape: the charge names only its PaymentIntent. */
export function chargeRefunded(charge: Record<string, unknown> = {}, previousRefunded = 0, apiVersion = CURRENT_API) {
  return event(
    'charge.refunded',
    {
      id: 'ch_3OneOffCharge',
      object: 'charge',
      amount: 4900,
      amount_captured: 4900,
      amount_refunded: 4900,
      captured: true,
      currency: 'usd',
      customer: 'cus_TestCustomer1',
      metadata: {},
      paid: true,
      payment_intent: 'pi_3OneOffPayment',
      refunded: true,
      status: 'succeeded',
      ...charge,
    },
    apiVersion,
    { amount_refunded: previousRefunded, refunded: false },
  );
}

/** `charge.refunded`, pre-Basil shape with `invoice` and an expanded `refunds` list. */
export const oldChargeRefunded = (charge: Record<string, unknown> = {}, previousRefunded = 0) =>
  chargeRefunded(
    {
      id: 'ch_3OldRenewalCharge',
      amount: 2900,
      amount_refunded: 2900,
      currency: 'eur',
      invoice: 'in_1OldRenewal',
      payment_intent: 'pi_3OldRenewal',
      refunds: {
        object: 'list',
        data: [
          { id: 're_2', object: 'refund', amount: 900, created: created + 200, reason: 'requested_by_customer' },
          { id: 're_1', object: 'refund', amount: 2000, created: created + 100, reason: 'duplicate' },
        ],
        has_more: false,
      },
      ...charge,
    },
    previousRefunded,
    OLD_API,
  );

/** The raw body and a valid Stripe-Signature header for it, made by the `stripe` package. */
export function signed(payloadObject: object, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(payloadObject, null, 2);
  const header = stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp,
  });
  return { payload, header };
}

export { stripe };
