// Stripe delivers events at least once. Redeliveries through handleStripeWebhook against the real
// sandbox over HTTP, signed with the `stripe` package: each event's calls go out under keys derived
// from its id, which the sandbox honours (docs/protocol.md §10.23), so a redelivered partial
// `charge.refunded` reverses its commission once — also when the first delivery's answer was lost.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';
import { handleStripeWebhook, type StripeWebhookOutcome } from '../../src/stripe/index';
import { sandboxClient, type Client } from '../sandbox/helpers';
import { chargeRefunded, checkoutSession, signed, WEBHOOK_SECRET } from './fixtures';

let sb: Client;
let affitor: Affitor;
beforeEach(async () => {
  sb = await sandboxClient();
  affitor = new Affitor({ apiKey: sb.sandbox.apiKey, apiUrl: sb.sandbox.url, honoursIdempotencyKey: true });
});
afterEach(async () => {
  await sb.sandbox.close();
});

function deliver(event: object): Promise<StripeWebhookOutcome> {
  const { payload, header } = signed(event);
  return handleStripeWebhook({ rawBody: payload, signature: header, secret: WEBHOOK_SECRET, affitor, programId: sb.sandbox.programId });
}

/** A paid one-off Checkout for a real sandbox click; its sale is keyed by the PaymentIntent. */
async function sold() {
  const clickId = await sb.click();
  const paymentIntent = `pi_${clickId}`;
  const checkout = checkoutSession({ payment_intent: paymentIntent, metadata: { affitor_click_id: clickId, program_id: String(sb.sandbox.programId) } });
  return { checkout, paymentIntent };
}
const partialRefund = (paymentIntent: string, eventId: string, before: number, now: number) => ({
  ...chargeRefunded({ payment_intent: paymentIntent, amount_refunded: now, refunded: false }, before),
  id: eventId,
});

async function commissionOf(paymentIntent: string) {
  const state = await sb.state();
  const sale = state.sales.find((s: { transaction_id: string }) => s.transaction_id === paymentIntent);
  return {
    sales: state.sales.filter((s: { transaction_id: string }) => s.transaction_id === paymentIntent).length,
    refunds: state.refunds.filter((r: { sale_id: number }) => r.sale_id === sale?.id).map((r: { refund_amount_cents: number | null }) => r.refund_amount_cents),
    reversedCents: sale?.reversed_cents as number,
  };
}

describe('Stripe redeliveries against the sandbox', () => {
  it('checkout.session.completed delivered twice: one sale, the second delivery is a duplicate', async () => {
    const { checkout, paymentIntent } = await sold();
    expect(await deliver(checkout)).toMatchObject({ httpStatus: 200, duplicate: false, result: { ok: true } });
    expect(await deliver(checkout)).toMatchObject({ httpStatus: 200, duplicate: true });
    expect((await commissionOf(paymentIntent)).sales).toBe(1);
  });

  it('the same partial charge.refunded delivered twice reverses its commission once', async () => {
    const { checkout, paymentIntent } = await sold();
    await deliver(checkout);
    const refund = partialRefund(paymentIntent, 'evt_partial_1', 0, 1500);
    expect(await deliver(refund)).toMatchObject({ httpStatus: 200, result: { ok: true, data: { status: 'refunded' } } });
    const once = await commissionOf(paymentIntent);
    expect(await deliver(refund)).toMatchObject({ httpStatus: 200, duplicate: true, result: { replayed: true } });
    const twice = await commissionOf(paymentIntent);
    expect(twice.refunds).toEqual([1500]);
    expect(twice.reversedCents).toBe(once.reversedCents);
    expect(once.reversedCents).toBeGreaterThan(0);
  });

  it('first delivery\'s answer lost after the sandbox applied it, then redelivered: once', async () => {
    const { checkout, paymentIntent } = await sold();
    await deliver(checkout);
    expect((await sb.post('/sandbox/faults', { refund: { mode: 'drop_after', count: 1 } })).status).toBe(200);
    const refund = partialRefund(paymentIntent, 'evt_partial_lost', 0, 1500);
    expect(await deliver(refund)).toMatchObject({ httpStatus: 200, result: { ok: true, replayed: true, attempts: 2 } });
    await deliver(refund);
    expect((await commissionOf(paymentIntent)).refunds).toEqual([1500]);
  });

  it('two different partial refunds of one charge (two events), each delivered twice: both applied, once each', async () => {
    const { checkout, paymentIntent } = await sold();
    await deliver(checkout);
    const first = partialRefund(paymentIntent, 'evt_partial_a', 0, 1500);
    const second = partialRefund(paymentIntent, 'evt_partial_b', 1500, 2500);
    for (const event of [first, first, second, second]) expect((await deliver(event)).httpStatus).toBe(200);
    expect((await commissionOf(paymentIntent)).refunds.sort()).toEqual([1000, 1500]);
  });
});
