// handleLemonSqueezyWebhook end to end on the real sandbox: order → renewal → refunds, redeliveries
// and failures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleLemonSqueezyWebhook } from '../../src/lemonsqueezy/index';
import { expectPartialRefundAppliedOnce, expectSaleRecordedOnceThroughFailures, providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { CUSTOM_DATA, LS_SECRET, order, signLemonSqueezy, subscriptionInvoice } from './fixtures';

let sb: ProviderSandbox;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(() => sb.close());

const ours = () => ({ ...CUSTOM_DATA, affitor_click_id: sb.clickId });

function deliver(event: { meta: { event_name: string } }) {
  const { rawBody, signature } = signLemonSqueezy(event);
  return handleLemonSqueezyWebhook({
    rawBody,
    headers: { 'x-event-name': event.meta.event_name, 'x-signature': signature },
    secret: LS_SECRET,
    affitor: sb.affitor,
    programId: 1,
  });
}

describe('order → renewal → refund on the sandbox', () => {
  it('records the first order and a renewal, ignores the initial invoice, and a redelivered renewal is a duplicate', async () => {
    expect(await deliver(order('order_created', { total: 2900, custom_data: ours() }))).toMatchObject({ httpStatus: 200, result: { ok: true } });
    expect(await deliver(subscriptionInvoice('subscription_payment_success', { id: '2871401', billing_reason: 'initial', custom_data: ours() }))).toMatchObject({
      mapped: { action: 'ignore', reason: 'not_renewal' },
    });
    // The same number as the order: still a sale of its own.
    const renewal = subscriptionInvoice('subscription_payment_success', { id: '2871401', custom_data: ours() });
    expect(await deliver(renewal)).toMatchObject({ httpStatus: 200, result: { ok: true } });
    expect(await deliver(renewal)).toMatchObject({ httpStatus: 200, retryable: false, duplicate: true });
    expect((await sb.sales()).map((s) => [s.transaction_id, s.amount_cents, s.is_recurring, s.subscription_id])).toEqual([
      ['2871401', 2900, 0, null],
      ['subscription_invoice_2871401', 2900, 1, '845102'],
    ]);

    const refund = await deliver(subscriptionInvoice('subscription_payment_refunded', { id: '2871401', custom_data: ours() }));
    expect(refund).toMatchObject({ httpStatus: 200, result: { ok: true, data: { status: 'reversed' } } });
    expect((await sb.sales()).map((s) => s.commission_status)).toEqual(['pending', 'reversed']);
  });

  it('a partial refund of an order reduces the commission by its share', async () => {
    await deliver(order('order_created', { custom_data: ours() }));
    await deliver(order('order_refunded', { refunded_amount: 1225, custom_data: ours() }));
    expect((await sb.sales())[0]).toMatchObject({ commission_cents: 1960, reversed_cents: 490, commission_status: 'refunded' });
  });
});

describe('failures', () => {
  it('a bad signature is answered 400 and sends nothing', async () => {
    const { rawBody } = signLemonSqueezy(order('order_created', { custom_data: ours() }));
    const out = await handleLemonSqueezyWebhook({ rawBody, headers: { 'X-Signature': '00'.repeat(32) }, secret: LS_SECRET, affitor: sb.affitor });
    expect(out).toMatchObject({ httpStatus: 400, event: null, result: null, error: expect.stringMatching(/No signature matches/) });
    expect(await sb.calls('sale')).toHaveLength(0);
  });

  it('sandbox 503 → 500 so Lemon Squeezy redelivers; a lost answer → 500, and the redelivery records the sale once', async () => {
    await expectSaleRecordedOnceThroughFailures(sb, deliver, order('order_created', { custom_data: ours() }));
  });

  it('a partial refund recorded but its answer lost: the redelivery does not reverse it twice', async () => {
    await deliver(order('order_created', { custom_data: ours() }));
    await expectPartialRefundAppliedOnce(sb, deliver, order('order_refunded', { refunded_amount: 1225, custom_data: ours() }), 1225);
  });
});
