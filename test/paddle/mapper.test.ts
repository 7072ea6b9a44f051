import { describe, expect, it } from 'vitest';
import { affitorCustomData, mapPaddleEvent } from '../../src/paddle/index';
import { adjustment, CUSTOM_DATA, transaction } from './fixtures';

describe('mapPaddleEvent: sales', () => {
  it('a completed checkout transaction → a one-off sale keyed by the transaction id, grand total in minor units', () => {
    const event = transaction('transaction.completed');
    expect(mapPaddleEvent(event, { programId: 1 })).toEqual({
      action: 'sale',
      input: {
        clickId: 'CLICK_ID',
        customerExternalId: 'user_42',
        amount: 4900,
        currency: 'USD',
        invoiceId: 'txn_01hv8oneoff0000000000000000',
        saleType: 'payment',
        subscriptionId: undefined,
      },
      idempotencyKey: `paddle:${event.event_id}`,
    });
  });

  it('transaction.paid maps to the same sale (the twin of transaction.completed, deduplicated by transaction id)', () => {
    const paid = mapPaddleEvent(transaction('transaction.paid'));
    const completed = mapPaddleEvent(transaction('transaction.completed'));
    expect(paid.action === 'sale' && completed.action === 'sale' && paid.input).toEqual(completed.action === 'sale' && completed.input);
  });

  it('a subscription\'s first payment is a subscription sale; a renewal is recurring, with the subscription id', () => {
    const first = mapPaddleEvent(transaction('transaction.completed', { id: 'txn_first', subscription_id: 'sub_01hv8monthly' }));
    expect(first).toMatchObject({ action: 'sale', input: { saleType: 'subscription', subscriptionId: 'sub_01hv8monthly', amount: 2900 } });
    expect(first.action === 'sale' && 'isRecurring' in first.input).toBe(false);
    const renewal = mapPaddleEvent(transaction('transaction.completed', { id: 'txn_renewal', origin: 'subscription_recurring', subscription_id: 'sub_01hv8monthly' }));
    expect(renewal).toMatchObject({ action: 'sale', input: { invoiceId: 'txn_renewal', isRecurring: true, saleType: 'subscription', subscriptionId: 'sub_01hv8monthly' } });
  });

  it('a first payment whose subscription id is not set yet (transaction.paid) is still a subscription sale, from its recurring price', () => {
    const event = transaction('transaction.paid', { recurring: true });
    expect(mapPaddleEvent(event)).toMatchObject({ action: 'sale', input: { saleType: 'subscription', subscriptionId: undefined } });
  });

  it.each([
    ['unpaid', transaction('transaction.completed', { status: 'billed' })],
    ['unpaid', transaction('transaction.completed', { status: 'past_due' })],
    ['zero_amount', transaction('transaction.completed', { grand_total: '0' })],
    ['not_renewal', transaction('transaction.completed', { origin: 'subscription_update', subscription_id: 'sub_1' })],
    ['not_renewal', transaction('transaction.completed', { origin: 'subscription_charge', subscription_id: 'sub_1' })],
    ['other_program', transaction('transaction.completed', { custom_data: { ...CUSTOM_DATA, program_id: '2' } })],
    ['no_attribution_metadata', transaction('transaction.completed', { custom_data: null })],
    ['no_attribution_metadata', transaction('transaction.completed', { custom_data: { plan: 'pro' } })],
    ['unhandled_event', { event_id: 'evt_x', event_type: 'subscription.created', data: { id: 'sub_1' } }],
  ])('ignored: %s', (reason, event) => {
    expect(mapPaddleEvent(event, { programId: 1 })).toEqual({ action: 'ignore', reason });
  });

  it('legacy aliases are read; another program is only ignored when a programId is configured', () => {
    const event = transaction('transaction.completed', { custom_data: { customer_code: 'cust_1_9', user_id: 7, program_id: '2' } });
    expect(mapPaddleEvent(event)).toMatchObject({ action: 'sale', input: { clickId: 'cust_1_9', customerExternalId: '7' } });
  });
});

describe('mapPaddleEvent: refunds', () => {
  it('an approved full refund adjustment → full refund of the transaction, keyed by the adjustment', () => {
    for (const type of ['adjustment.created', 'adjustment.updated'] as const) {
      expect(mapPaddleEvent(adjustment(type))).toEqual({
        action: 'refund',
        input: { invoiceId: 'txn_01hv8oneoff0000000000000000', refundAmountCents: undefined, refundReason: 'Customer asked for a refund' },
        idempotencyKey: 'paddle:adj_01hv8refund00000000000000',
      });
    }
  });

  it('a partial refund sends its total', () => {
    expect(mapPaddleEvent(adjustment('adjustment.updated', { type: 'partial', total: '1500' }))).toMatchObject({ action: 'refund', input: { refundAmountCents: 1500 } });
  });

  it.each([
    ['not_approved', adjustment('adjustment.created', { status: 'pending_approval' })],
    ['not_approved', adjustment('adjustment.updated', { status: 'rejected' })],
    ['unhandled_event', adjustment('adjustment.created', { action: 'credit' })],
    ['unhandled_event', adjustment('adjustment.created', { action: 'chargeback_warning' })],
    ['zero_amount', adjustment('adjustment.created', { type: 'partial', total: '0' })],
  ])('ignored: %s', (reason, event) => {
    expect(mapPaddleEvent(event)).toEqual({ action: 'ignore', reason });
  });
});

describe('affitorCustomData', () => {
  it('gives the ids as strings, drops empty ones, keeps your own keys, for custom_data / customData', () => {
    expect(affitorCustomData({ clickId: 'cust_1_1', customerKey: 42, programId: 1 }, { plan: 'pro' })).toEqual({
      plan: 'pro',
      affitor_click_id: 'cust_1_1',
      affitor_customer_key: '42',
      program_id: '1',
    });
    expect(affitorCustomData({ clickId: '', customerKey: null })).toEqual({});
  });

  it('round-trips through the mapper', () => {
    const custom_data = affitorCustomData({ clickId: 'cust_1_5', customerKey: 'u_5', programId: 3 });
    expect(mapPaddleEvent(transaction('transaction.completed', { custom_data }), { programId: 3 })).toMatchObject({
      action: 'sale',
      input: { clickId: 'cust_1_5', customerExternalId: 'u_5' },
    });
  });
});
