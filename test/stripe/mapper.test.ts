import { describe, expect, it } from 'vitest';
import { checkoutSaleTransactionId, mapStripeEvent } from '../../src/stripe/index';
import {
  chargeRefunded,
  checkoutSession,
  oldChargeRefunded,
  oldRenewalInvoice,
  renewalInvoice,
  subscriptionCheckout,
} from './fixtures';

const ids = { clickId: 'cust_1_1767225000000', customerExternalId: 'user_42' };

describe('checkout.session.completed', () => {
  it('payment mode → sale keyed by the PaymentIntent (what a refund\'s charge names)', () => {
    expect(mapStripeEvent(checkoutSession(), { programId: 1 })).toEqual({
      action: 'sale',
      input: { ...ids, amount: 4900, currency: 'USD', invoiceId: 'pi_3OneOffPayment', saleType: 'payment', subscriptionId: undefined },
    });
  });

  it('subscription mode → sale keyed by the first invoice, with the subscription id', () => {
    expect(mapStripeEvent(subscriptionCheckout())).toEqual({
      action: 'sale',
      input: { ...ids, amount: 2900, currency: 'USD', invoiceId: 'in_1FirstInvoice', saleType: 'subscription', subscriptionId: 'sub_1Monthly' },
    });
  });

  it('expanded objects give their ids', () => {
    const mapped = mapStripeEvent(subscriptionCheckout({ invoice: { id: 'in_X' }, subscription: { id: 'sub_X' } }));
    expect(mapped).toMatchObject({ input: { invoiceId: 'in_X', subscriptionId: 'sub_X' } });
  });

  it('falls back to the session id when the key object is missing', () => {
    expect(checkoutSaleTransactionId({ id: 'cs_1', mode: 'payment', payment_intent: null })).toBe('cs_1');
    expect(checkoutSaleTransactionId({ id: 'cs_2', mode: 'subscription' })).toBe('cs_2');
  });

  it('async_payment_succeeded maps the same; an unpaid completion is ignored', () => {
    expect(mapStripeEvent(checkoutSession({}, undefined, 'checkout.session.async_payment_succeeded'))).toMatchObject({
      action: 'sale',
      input: { invoiceId: 'pi_3OneOffPayment' },
    });
    expect(mapStripeEvent(checkoutSession({ payment_status: 'unpaid' }))).toEqual({ action: 'ignore', reason: 'unpaid' });
  });

  it('a $0 session (trial, 100% coupon) is zero_amount', () => {
    expect(mapStripeEvent(subscriptionCheckout({ amount_total: 0, payment_status: 'no_payment_required' }))).toEqual({ action: 'ignore', reason: 'zero_amount' });
    expect(mapStripeEvent(checkoutSession({ amount_total: null }))).toEqual({ action: 'ignore', reason: 'zero_amount' });
  });

  it('reads the legacy metadata aliases', () => {
    expect(mapStripeEvent(checkoutSession({ metadata: { customer_code: 'cust_9', customer_key: 'u9' } }))).toMatchObject({
      input: { clickId: 'cust_9', customerExternalId: 'u9' },
    });
    expect(mapStripeEvent(checkoutSession({ metadata: { user_id: 'u10' } }))).toMatchObject({ input: { customerExternalId: 'u10' } });
  });

  it('client_reference_id "affitor_<clickId>" (Payment Links) is a click id, never a customer key', () => {
    const mapped = mapStripeEvent(checkoutSession({ metadata: {}, client_reference_id: 'affitor_cust_1_1767225000000' }));
    expect(mapped).toEqual({
      action: 'sale',
      input: { clickId: 'cust_1_1767225000000', customerExternalId: undefined, amount: 4900, currency: 'USD', invoiceId: 'pi_3OneOffPayment', saleType: 'payment', subscriptionId: undefined },
    });
    // metadata wins over the reference
    expect(mapStripeEvent(checkoutSession({ client_reference_id: 'affitor_cust_other' }))).toMatchObject({ input: { clickId: 'cust_1_1767225000000' } });
  });

  it('any other client_reference_id is the merchant\'s user id (official recipe)', () => {
    expect(mapStripeEvent(checkoutSession({ metadata: null, client_reference_id: 'user_77' }))).toMatchObject({
      input: { customerExternalId: 'user_77', clickId: undefined },
    });
  });

  it('no ids anywhere → no_attribution_metadata (a malformed affitor_ reference is not a customer key)', () => {
    expect(mapStripeEvent(checkoutSession({ metadata: {} }))).toEqual({ action: 'ignore', reason: 'no_attribution_metadata' });
    expect(mapStripeEvent(checkoutSession({ metadata: {}, client_reference_id: 'affitor_' }))).toEqual({ action: 'ignore', reason: 'no_attribution_metadata' });
  });

  it('another program\'s metadata → other_program; no program configured → recorded', () => {
    expect(mapStripeEvent(checkoutSession(), { programId: '2' })).toEqual({ action: 'ignore', reason: 'other_program' });
    expect(mapStripeEvent(checkoutSession()).action).toBe('sale');
    expect(mapStripeEvent(checkoutSession({ metadata: { affitor_click_id: 'c' } }), { programId: 2 }).action).toBe('sale');
  });
});

describe('invoice.paid / invoice.payment_succeeded (renewals)', () => {
  const renewal = { ...ids, amount: 2900, currency: 'USD', invoiceId: 'in_1Renewal202602', isRecurring: true, saleType: 'subscription', subscriptionId: 'sub_1Monthly' };

  it('current API: metadata and subscription from parent.subscription_details', () => {
    expect(mapStripeEvent(renewalInvoice(), { programId: 1 })).toEqual({ action: 'sale', input: renewal });
    expect(mapStripeEvent(renewalInvoice({}, 'invoice.payment_succeeded'))).toEqual({ action: 'sale', input: renewal });
  });

  it('older API: top-level subscription_details and subscription', () => {
    expect(mapStripeEvent(oldRenewalInvoice())).toEqual({
      action: 'sale',
      input: { ...ids, amount: 2900, currency: 'EUR', invoiceId: 'in_1OldRenewal', isRecurring: true, saleType: 'subscription', subscriptionId: 'sub_1OldMonthly' },
    });
  });

  it('first invoice and other reasons are not renewals (Checkout records the first payment)', () => {
    for (const billing_reason of ['subscription_create', 'subscription_update', 'manual', null]) {
      expect(mapStripeEvent(renewalInvoice({ billing_reason }))).toEqual({ action: 'ignore', reason: 'not_renewal' });
    }
  });

  it('$0 renewals, missing metadata and other programs are ignored', () => {
    expect(mapStripeEvent(renewalInvoice({ amount_paid: 0 }))).toEqual({ action: 'ignore', reason: 'zero_amount' });
    expect(mapStripeEvent(renewalInvoice({ parent: { type: 'subscription_details', subscription_details: { metadata: {}, subscription: 'sub_1' } } }))).toEqual({
      action: 'ignore',
      reason: 'no_attribution_metadata',
    });
    expect(mapStripeEvent(renewalInvoice({ parent: null }))).toEqual({ action: 'ignore', reason: 'no_attribution_metadata' });
    expect(mapStripeEvent(oldRenewalInvoice(), { programId: 5 })).toEqual({ action: 'ignore', reason: 'other_program' });
  });
});

describe('charge.refunded', () => {
  it('current API, full refund: keyed by the PaymentIntent, amount omitted', () => {
    expect(mapStripeEvent(chargeRefunded())).toEqual({
      action: 'refund',
      input: { invoiceId: 'pi_3OneOffPayment', refundAmountCents: undefined, refundReason: undefined },
      fallbackInvoiceIds: [],
    });
  });

  it('a first partial refund sends the amount', () => {
    expect(mapStripeEvent(chargeRefunded({ amount_refunded: 1000, refunded: false }))).toMatchObject({
      input: { invoiceId: 'pi_3OneOffPayment', refundAmountCents: 1000 },
    });
  });

  it('the refund completing an earlier partial one sends only the new part', () => {
    expect(mapStripeEvent(chargeRefunded({ amount_refunded: 4900, refunded: true }, 1000))).toMatchObject({
      input: { refundAmountCents: 3900 },
    });
  });

  it('older API: the invoice first (subscription sales are keyed by it), then the PaymentIntent; newest refund\'s reason', () => {
    expect(mapStripeEvent(oldChargeRefunded())).toEqual({
      action: 'refund',
      input: { invoiceId: 'in_1OldRenewal', refundAmountCents: undefined, refundReason: 'requested_by_customer' },
      fallbackInvoiceIds: ['pi_3OldRenewal'],
    });
  });

  it('a charge naming neither (legacy Charges API) is unresolved; nothing new refunded is zero_amount', () => {
    expect(mapStripeEvent(chargeRefunded({ payment_intent: null }))).toEqual({ action: 'ignore', reason: 'unresolved_transaction_id' });
    expect(mapStripeEvent(chargeRefunded({ amount_refunded: 1000 }, 1000))).toEqual({ action: 'ignore', reason: 'zero_amount' });
  });
});

it('other events are unhandled', () => {
  expect(mapStripeEvent({ type: 'customer.created', data: { object: { id: 'cus_1' } } })).toEqual({ action: 'ignore', reason: 'unhandled_event' });
});
