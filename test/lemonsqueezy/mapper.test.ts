import { describe, expect, it } from 'vitest';
import { affitorCustomData, lemonSqueezyCheckoutUrl, mapLemonSqueezyEvent } from '../../src/lemonsqueezy/index';
import { CUSTOM_DATA, order, subscriptionInvoice } from './fixtures';

describe('mapLemonSqueezyEvent', () => {
  it('a paid order → a sale keyed by the order id, total in cents', () => {
    expect(mapLemonSqueezyEvent(order('order_created'), { programId: 1 })).toEqual({
      action: 'sale',
      input: { clickId: 'CLICK_ID', customerExternalId: undefined, amount: 4900, currency: 'USD', invoiceId: '2871401' },
      idempotencyKey: 'lemonsqueezy:order_created:2871401',
    });
  });

  it('a renewal → a recurring sale keyed apart from order ids, with the subscription id', () => {
    expect(mapLemonSqueezyEvent(subscriptionInvoice('subscription_payment_success'))).toEqual({
      action: 'sale',
      input: {
        clickId: 'CLICK_ID',
        customerExternalId: undefined,
        amount: 2900,
        currency: 'USD',
        invoiceId: 'subscription_invoice_1904733',
        isRecurring: true,
        saleType: 'subscription',
        subscriptionId: '845102',
      },
      idempotencyKey: 'lemonsqueezy:subscription_payment_success:1904733',
    });
  });

  it('refunds: full, or the refunded amount; keyed by the amount so a redelivery is one call and a later refund another', () => {
    expect(mapLemonSqueezyEvent(order('order_refunded'))).toEqual({
      action: 'refund',
      input: { invoiceId: '2871401', refundAmountCents: undefined },
      idempotencyKey: 'lemonsqueezy:order_refunded:2871401:full',
    });
    expect(mapLemonSqueezyEvent(order('order_refunded', { refunded_amount: 1225 }))).toEqual({
      action: 'refund',
      input: { invoiceId: '2871401', refundAmountCents: 1225 },
      idempotencyKey: 'lemonsqueezy:order_refunded:2871401:1225',
    });
    expect(mapLemonSqueezyEvent(subscriptionInvoice('subscription_payment_refunded'))).toMatchObject({
      action: 'refund',
      input: { invoiceId: 'subscription_invoice_1904733', refundAmountCents: undefined },
    });
  });

  it.each([
    ['unpaid', order('order_created', { status: 'pending' })],
    ['unpaid', order('order_created', { status: 'failed' })],
    ['zero_amount', order('order_created', { total: 0 })],
    ['other_program', order('order_created', { custom_data: { ...CUSTOM_DATA, program_id: '9' } })],
    ['no_attribution_metadata', order('order_created', { custom_data: null })],
    ['not_renewal', subscriptionInvoice('subscription_payment_success', { billing_reason: 'initial' })],
    ['not_renewal', subscriptionInvoice('subscription_payment_success', { billing_reason: 'updated' })],
    ['not_renewal', subscriptionInvoice('subscription_payment_refunded', { billing_reason: 'initial' })],
    ['unpaid', subscriptionInvoice('subscription_payment_success', { status: 'pending' })],
    ['zero_amount', order('order_refunded', { refunded_amount: 0, status: 'paid' })],
    ['unhandled_event', { meta: { event_name: 'subscription_created' }, data: { type: 'subscriptions', id: '1', attributes: {} } }],
  ])('ignored: %s', (reason, event) => {
    expect(mapLemonSqueezyEvent(event, { programId: 1 })).toEqual({ action: 'ignore', reason });
  });
});

describe('checkout helpers', () => {
  it('lemonSqueezyCheckoutUrl adds checkout[custom][…], keeps the link\'s own parameters and replaces an old id', () => {
    const url = lemonSqueezyCheckoutUrl('https://shop.lemonsqueezy.com/buy/6a1d2c3b?embed=1&checkout[custom][affitor_click_id]=old', {
      clickId: 'cust_1_7',
      customerKey: 'user 42',
    });
    const params = new URL(url).searchParams;
    expect(params.get('embed')).toBe('1');
    expect(params.getAll('checkout[custom][affitor_click_id]')).toEqual(['cust_1_7']);
    expect(params.get('checkout[custom][affitor_customer_key]')).toBe('user 42');
  });

  it('custom data for the API round-trips through the mapper', () => {
    const custom = affitorCustomData({ clickId: 'cust_1_8', customerKey: 8, programId: 1 });
    expect(mapLemonSqueezyEvent(order('order_created', { custom_data: custom }), { programId: 1 })).toMatchObject({
      action: 'sale',
      input: { clickId: 'cust_1_8', customerExternalId: '8' },
    });
  });
});
