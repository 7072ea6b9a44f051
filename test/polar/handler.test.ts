// handlePolarWebhook end to end on the real sandbox: order → renewal → refund, redeliveries and failures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlePolarWebhook } from '../../src/polar/index';
import { expectSaleRecordedOnceThroughFailures, providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { METADATA, order, POLAR_SECRET, refund, signPolar } from './fixtures';

let sb: ProviderSandbox;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(() => sb.close());

const ours = () => ({ ...METADATA, affitor_click_id: sb.clickId });

function deliver(event: object, id?: string) {
  const { rawBody, headers } = signPolar(event, { id });
  return handlePolarWebhook({ rawBody, headers, secret: POLAR_SECRET, affitor: sb.affitor, programId: 1 });
}

describe('order → renewal → refund on the sandbox', () => {
  it('a subscription: first order, a renewal (attributed from the subscription), a redelivery, then refunds', async () => {
    expect(await deliver(order('order.paid', { id: 'o_first', billing_reason: 'subscription_create', metadata: ours() }))).toMatchObject({ httpStatus: 200, result: { ok: true } });
    const renewal = order('order.paid', { id: 'o_renewal', billing_reason: 'subscription_cycle', metadata: {}, subscription_metadata: ours() });
    expect(await deliver(renewal, 'msg_renewal')).toMatchObject({ httpStatus: 200, result: { ok: true } });
    expect(await deliver(renewal, 'msg_renewal')).toMatchObject({ httpStatus: 200, retryable: false, duplicate: true });
    expect((await sb.sales()).map((s) => [s.transaction_id, s.amount_cents, s.currency, s.is_recurring, s.sale_type])).toEqual([
      ['o_first', 2900, 'USD', 0, 'subscription'],
      ['o_renewal', 2900, 'USD', 1, 'subscription'],
    ]);
    // A partial refund of the renewal, then the rest: the order ends fully reversed, and the
    // order.refunded that follows changes nothing.
    await deliver(refund('refund.created', { id: 'r_1', order_id: 'o_renewal', amount: 900 }));
    await deliver(refund('refund.created', { id: 'r_2', order_id: 'o_renewal', amount: 2000 }));
    const last = await deliver(order('order.refunded', { id: 'o_renewal', billing_reason: 'subscription_cycle', subscription_metadata: ours() }));
    expect(last).toMatchObject({ httpStatus: 200, result: { ok: true, data: { status: 'skipped' } } });
    const [, renewed] = await sb.sales();
    expect(renewed).toMatchObject({ commission_cents: 1160, reversed_cents: 1160, commission_status: 'reversed' });
  });

  it('order.created then order.paid of one order record one sale', async () => {
    await deliver(order('order.created', { metadata: ours() }));
    expect(await deliver(order('order.paid', { metadata: ours() }))).toMatchObject({ httpStatus: 200, duplicate: true });
    expect(await sb.sales()).toHaveLength(1);
  });
});

describe('failures', () => {
  it('a bad signature is answered 400 and sends nothing', async () => {
    const { rawBody, headers } = signPolar(order('order.paid', { metadata: ours() }), { secret: 'polar_whs_wrong' });
    const out = await handlePolarWebhook({ rawBody, headers, secret: POLAR_SECRET, affitor: sb.affitor });
    expect(out).toMatchObject({ httpStatus: 400, event: null, result: null, error: expect.stringMatching(/No signature matches/) });
    expect(await sb.calls('sale')).toHaveLength(0);
  });

  it('sandbox 503 and a lost answer → 500; the redelivery records the sale once', async () => {
    await expectSaleRecordedOnceThroughFailures(sb, deliver, order('order.paid', { metadata: ours() }));
  });

  it('one refund reported by refund.created and refund.updated, and a redelivery, reverses once', async () => {
    await deliver(order('order.paid', { metadata: ours() }));
    await deliver(refund('refund.created', { amount: 1225 }));
    await deliver(refund('refund.updated', { amount: 1225 }));
    await sb.fault('refund', 'drop_after');
    await deliver(refund('refund.updated', { amount: 1225 }));
    expect((await sb.refunds()).map((r) => r.refund_amount_cents)).toEqual([1225]);
  });
});
