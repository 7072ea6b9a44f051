// handlePaddleWebhook end to end: notifications signed the way Paddle signs them, verified, mapped
// and recorded on the real sandbox (sales deduplicated by transaction id, commissions reversed by
// refunds), including redeliveries and lost answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlePaddleWebhook, type PaddleWebhookOptions } from '../../src/paddle/index';
import { expectPartialRefundAppliedOnce, expectSaleRecordedOnceThroughFailures, providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { adjustment, CUSTOM_DATA, PADDLE_SECRET, signPaddle, transaction } from './fixtures';

let sb: ProviderSandbox;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(() => sb.close());

const ours = () => ({ ...CUSTOM_DATA, affitor_click_id: sb.clickId, affitor_customer_key: undefined });

function deliver(event: object, extra: Partial<PaddleWebhookOptions> = {}) {
  const { rawBody, signature } = signPaddle(event);
  return handlePaddleWebhook({ rawBody, headers: { 'Paddle-Signature': signature }, secret: PADDLE_SECRET, affitor: sb.affitor, programId: 1, ...extra });
}

describe('sale → renewal → refund on the sandbox', () => {
  it('a subscription: first payment, a renewal, a redelivered renewal, then a full refund of the renewal', async () => {
    const first = await deliver(transaction('transaction.completed', { id: 'txn_first', subscription_id: 'sub_01hv8monthly', custom_data: ours() }));
    expect(first).toMatchObject({ httpStatus: 200, duplicate: false, retryable: false, result: { ok: true } });
    const renewalEvent = transaction('transaction.completed', { id: 'txn_renewal', origin: 'subscription_recurring', subscription_id: 'sub_01hv8monthly', custom_data: ours() });
    expect(await deliver(renewalEvent)).toMatchObject({ httpStatus: 200, result: { ok: true } });
    const again = await deliver(renewalEvent);
    expect(again).toMatchObject({ httpStatus: 200, retryable: false });
    expect(again.error).toBeUndefined();
    const sales = await sb.sales();
    expect(sales.map((s) => [s.transaction_id, s.amount_cents, s.currency, s.sale_type, s.is_recurring, s.subscription_id])).toEqual([
      ['txn_first', 2900, 'USD', 'subscription', 0, 'sub_01hv8monthly'],
      ['txn_renewal', 2900, 'USD', 'subscription', 1, 'sub_01hv8monthly'],
    ]);
    expect(sales.map((s) => s.commission_cents)).toEqual([1160, 1160]);

    const refund = await deliver(adjustment('adjustment.updated', { id: 'adj_renewal', transaction_id: 'txn_renewal', total: '2900' }));
    expect(refund).toMatchObject({ httpStatus: 200, result: { ok: true, data: { status: 'reversed' } } });
    const after = await sb.sales();
    expect(after.map((s) => s.commission_status)).toEqual(['pending', 'reversed']);
  });

  it('a one-off sale, partially refunded: the commission is reduced by the refund\'s share', async () => {
    await deliver(transaction('transaction.completed', { custom_data: ours() }));
    await deliver(adjustment('adjustment.created', { type: 'partial', total: '1225' }));
    const [sale] = await sb.sales();
    expect(sale).toMatchObject({ transaction_id: 'txn_01hv8oneoff0000000000000000', amount_cents: 4900, commission_cents: 1960, reversed_cents: 490, commission_status: 'refunded' });
    expect((await sb.refunds()).map((r) => r.refund_amount_cents)).toEqual([1225]);
  });

  it('transaction.paid then transaction.completed of one checkout record one sale', async () => {
    await deliver(transaction('transaction.paid', { custom_data: ours() }));
    const twin = await deliver(transaction('transaction.completed', { custom_data: ours() }));
    expect(twin).toMatchObject({ httpStatus: 200, duplicate: true, retryable: false });
    expect(await sb.sales()).toHaveLength(1);
  });

  it('ignored events send nothing and are answered 200', async () => {
    const out = await deliver(adjustment('adjustment.created', { status: 'pending_approval' }));
    expect(out).toMatchObject({ httpStatus: 200, mapped: { action: 'ignore', reason: 'not_approved' }, sent: null, result: null });
    expect(await sb.calls('refund')).toHaveLength(0);
  });
});

describe('redeliveries and failures', () => {
  it('a bad signature is answered 400 and sends nothing', async () => {
    const { rawBody } = signPaddle(transaction('transaction.completed', { custom_data: ours() }));
    const out = await handlePaddleWebhook({ rawBody, headers: { 'paddle-signature': `ts=${Math.floor(Date.now() / 1000)};h1=00` }, secret: PADDLE_SECRET, affitor: sb.affitor });
    expect(out).toMatchObject({ httpStatus: 400, event: null, mapped: null, result: null, retryable: false, error: expect.stringMatching(/No signature matches/) });
    const missing = await handlePaddleWebhook({ rawBody, headers: new Headers(), secret: PADDLE_SECRET, affitor: sb.affitor });
    expect(missing).toMatchObject({ httpStatus: 400, error: expect.stringMatching(/No Paddle-Signature header/) });
    expect(await sb.calls('sale')).toHaveLength(0);
  });

  it('reads the signature from Fetch Headers as well as Node\'s req.headers', async () => {
    const { rawBody, signature } = signPaddle(transaction('transaction.completed', { custom_data: ours() }));
    const out = await handlePaddleWebhook({ rawBody, headers: new Headers({ 'Paddle-Signature': signature }), secret: PADDLE_SECRET, affitor: sb.affitor });
    expect(out).toMatchObject({ httpStatus: 200, result: { ok: true } });
  });

  it('sandbox 503 and a lost answer → 500 so Paddle redelivers; the redelivery records the sale once', async () => {
    await expectSaleRecordedOnceThroughFailures(sb, deliver, transaction('transaction.completed', { custom_data: ours() }));
  });

  it('sandbox 503 → 500; the redelivery records the sale', async () => {
    const event = transaction('transaction.completed', { custom_data: ours() });
    await sb.fault('sale', '503');
    expect(await deliver(event)).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 503 } });
    expect(await deliver(event)).toMatchObject({ httpStatus: 200, result: { ok: true } });
    expect(await sb.sales()).toHaveLength(1);
  });

  it('a partial refund recorded but its answer lost: the redelivery does not reverse it twice', async () => {
    await deliver(transaction('transaction.completed', { custom_data: ours() }));
    await expectPartialRefundAppliedOnce(sb, deliver, adjustment('adjustment.updated', { type: 'partial', total: '1225' }), 1225);
    expect((await sb.sales())[0].reversed_cents).toBe(490);
  });

  it('one refund announced twice (adjustment.created approved, then adjustment.updated) reverses once', async () => {
    await deliver(transaction('transaction.completed', { custom_data: ours() }));
    await deliver(adjustment('adjustment.created', { type: 'partial', total: '1225' }));
    await deliver(adjustment('adjustment.updated', { type: 'partial', total: '1225' }));
    expect(await sb.refunds()).toHaveLength(1);
  });

  it('every call carries an idempotency key derived from the event', async () => {
    const event = transaction('transaction.completed', { custom_data: ours() });
    const keys: (string | undefined)[] = [];
    const affitor = {
      trackSale: (input: never, options?: { idempotencyKey?: string }) => (keys.push(options?.idempotencyKey), sb.affitor.trackSale(input)),
      trackRefund: (input: never, options?: { idempotencyKey?: string }) => (keys.push(options?.idempotencyKey), sb.affitor.trackRefund(input)),
    };
    await deliver(event, { affitor });
    await deliver(adjustment('adjustment.created'), { affitor });
    expect(keys).toEqual([`paddle:${event.event_id}`, 'paddle:adj_01hv8refund00000000000000']);
  });
});
