import { describe, expect, it } from 'vitest';
import { affitorCustomData, mapPolarEvent } from '../../src/polar/index';
import { METADATA, order, refund } from './fixtures';

const ORDER = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const SUBSCRIPTION = '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9';

describe('mapPolarEvent: sales', () => {
  it('a paid one-off order → a sale keyed by the order id, total (tax included) in cents', () => {
    expect(mapPolarEvent(order('order.paid'), { programId: 1 })).toEqual({
      action: 'sale',
      input: { clickId: 'CLICK_ID', customerExternalId: undefined, amount: 4900, currency: 'USD', invoiceId: ORDER, saleType: 'payment', subscriptionId: undefined },
      idempotencyKey: `polar:order.paid:${ORDER}`,
    });
  });

  it('a subscription\'s first order, and a renewal (subscription_cycle) with isRecurring', () => {
    expect(mapPolarEvent(order('order.paid', { billing_reason: 'subscription_create' }))).toMatchObject({
      action: 'sale',
      input: { saleType: 'subscription', subscriptionId: SUBSCRIPTION, amount: 2900 },
    });
    expect(mapPolarEvent(order('order.paid', { billing_reason: 'subscription_cycle', id: 'o_2' }))).toMatchObject({
      action: 'sale',
      input: { invoiceId: 'o_2', isRecurring: true, saleType: 'subscription', subscriptionId: SUBSCRIPTION },
    });
  });

  it('a renewal whose order carries no metadata is attributed from its subscription\'s', () => {
    expect(mapPolarEvent(order('order.paid', { billing_reason: 'subscription_cycle', metadata: {} }))).toMatchObject({
      action: 'sale',
      input: { clickId: 'CLICK_ID' },
    });
  });

  it('without Affitor metadata, the customer\'s external id is the customer key', () => {
    expect(mapPolarEvent(order('order.paid', { metadata: {}, external_id: 'user_42' }))).toMatchObject({
      action: 'sale',
      input: { clickId: undefined, customerExternalId: 'user_42' },
    });
  });

  it.each([
    ['unpaid', { ...order('order.created'), data: { ...order('order.created').data, status: 'pending', paid: false } }],
    ['zero_amount', order('order.paid', { total_amount: 0 })],
    ['not_renewal', order('order.paid', { billing_reason: 'subscription_update' })],
    ['other_program', order('order.paid', { metadata: { ...METADATA, program_id: '7' } })],
    ['no_attribution_metadata', order('order.paid', { metadata: {} })],
    ['unhandled_event', { type: 'subscription.active', data: { id: SUBSCRIPTION } }],
  ])('ignored: %s', (reason, event) => {
    expect(mapPolarEvent(event, { programId: 1 })).toEqual({ action: 'ignore', reason });
  });
});

describe('mapPolarEvent: refunds', () => {
  it('a succeeded refund → its amount plus tax, keyed by the refund (created and updated are one refund)', () => {
    for (const type of ['refund.created', 'refund.updated'] as const) {
      expect(mapPolarEvent(refund(type, { amount: 1000, tax_amount: 225 }))).toEqual({
        action: 'refund',
        input: { invoiceId: ORDER, refundAmountCents: 1225, refundReason: 'customer_request' },
        idempotencyKey: 'polar:refund:6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b',
      });
    }
  });

  it('a fully refunded order → a full refund; a partially refunded one is left to the refund events', () => {
    expect(mapPolarEvent(order('order.refunded'))).toEqual({ action: 'refund', input: { invoiceId: ORDER }, idempotencyKey: `polar:order.refunded:${ORDER}` });
    expect(mapPolarEvent(order('order.refunded', { status: 'partially_refunded' }))).toEqual({ action: 'ignore', reason: 'unhandled_event' });
  });

  it.each(['pending', 'failed', 'canceled'])('a %s refund is ignored (not_approved)', (status) => {
    expect(mapPolarEvent(refund('refund.created', { status }))).toEqual({ action: 'ignore', reason: 'not_approved' });
  });
});

it('affitorCustomData is the checkout metadata, and round-trips', () => {
  const metadata = affitorCustomData({ clickId: 'cust_1_9', customerKey: 'u_9', programId: 1 });
  expect(metadata).toEqual({ affitor_click_id: 'cust_1_9', affitor_customer_key: 'u_9', program_id: '1' });
  expect(mapPolarEvent(order('order.paid', { metadata }), { programId: 1 })).toMatchObject({ input: { clickId: 'cust_1_9', customerExternalId: 'u_9' } });
});
