// Lost answers against the real sandbox over HTTP, with its fault injection set through the admin
// API: the sandbox honours Idempotency-Key (docs/protocol.md §10.23), so a retry — or a later call
// with the same key — gets the first answer and nothing is applied twice. Verdicts are read from the
// sandbox's own rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Affitor, type AffitorOptions } from '../../src/server/index';
import { sandboxClient, type Client } from '../sandbox/helpers';

let sb: Client;
beforeEach(async () => {
  sb = await sandboxClient();
});
afterEach(async () => {
  await sb.sandbox.close();
});

const client = (o: Partial<AffitorOptions> = {}) => new Affitor({ apiKey: sb.sandbox.apiKey, apiUrl: sb.sandbox.url, ...o });
const loseNextAnswer = async (endpoint: 'lead' | 'sale' | 'refund', mode: 'drop_after' | 'drop' = 'drop_after') => {
  const r = await sb.post('/sandbox/faults', { [endpoint]: { mode, count: 1 } });
  expect(r.status).toBe(200);
};

async function saleOf(cents: number) {
  const clickId = await sb.click();
  const invoiceId = `pi_${clickId}`;
  expect(await client().trackSale({ clickId, amount: cents, invoiceId })).toMatchObject({ ok: true });
  return invoiceId;
}
const refundRows = async () => (await sb.state()).refunds as { refund_amount_cents: number | null; deduction_cents: number }[];

describe('against the sandbox, a lost answer never applies a call twice', () => {
  it('partial refund, answer lost after it was applied, retried (honoursIdempotencyKey): one refund row, the replayed answer', async () => {
    const invoiceId = await saleOf(4900);
    await loseNextAnswer('refund');
    const r = await client({ honoursIdempotencyKey: true }).trackRefund({ invoiceId, refundAmountCents: 1500 });
    expect(r).toMatchObject({ ok: true, status: 200, replayed: true, attempts: 2, data: { status: 'refunded' } });
    expect((await refundRows()).map((x) => x.refund_amount_cents)).toEqual([1500]);
  });

  it('partial refund with the default client: not retried, outcomeUnknown; repeating it with the same key later is safe', async () => {
    const invoiceId = await saleOf(4900);
    await loseNextAnswer('refund');
    const key = 'refund:order-1:1';
    const first = await client().trackRefund({ invoiceId, refundAmountCents: 1500 }, { idempotencyKey: key });
    expect(first).toMatchObject({ ok: false, status: 0, outcomeUnknown: true, retryable: false, attempts: 1 });
    const again = await client().trackRefund({ invoiceId, refundAmountCents: 1500 }, { idempotencyKey: key });
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect((await refundRows()).length).toBe(1);
  });

  it('sale, answer lost after it was applied: one sale, reported ok (the stored first answer)', async () => {
    const clickId = await sb.click();
    await loseNextAnswer('sale');
    const r = await client().trackSale({ clickId, amount: 2500, invoiceId: 'pi_lost_sale' });
    expect(r).toMatchObject({ ok: true, replayed: true, attempts: 2, data: { success: true } });
    expect((await sb.state()).sales.filter((s: { transaction_id: string }) => s.transaction_id === 'pi_lost_sale')).toHaveLength(1);
  });

  it('lead, answer lost after it was applied: reported ok, not invalid_request; one lead', async () => {
    const clickId = await sb.click();
    await loseNextAnswer('lead');
    const r = await client().trackLead({ clickId, customerExternalId: 'user_lost_lead' });
    expect(r).toMatchObject({ ok: true, code: 'ok', replayed: true, attempts: 2 });
    const state = await sb.state();
    expect(state.events.filter((e: { type: string; http_status: number; click_id: string }) => e.type === 'lead' && e.http_status === 200 && e.click_id === clickId)).toHaveLength(1);
    expect(state.customers.find((c: { click_id: string }) => c.click_id === clickId)).toMatchObject({ status: 'lead', customer_key: 'user_lost_lead' });
  });

  it('connection cut before processing: the retry applies it, once', async () => {
    const invoiceId = await saleOf(4900);
    await loseNextAnswer('refund', 'drop');
    const r = await client({ honoursIdempotencyKey: true }).trackRefund({ invoiceId, refundAmountCents: 1000 });
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(r.replayed).toBeUndefined();
    expect((await refundRows()).map((x) => x.refund_amount_cents)).toEqual([1000]);
  });

  it('two different partial refunds of one sale are two calls (two keys): both applied', async () => {
    const invoiceId = await saleOf(4900);
    await client().trackRefund({ invoiceId, refundAmountCents: 1000 });
    await client().trackRefund({ invoiceId, refundAmountCents: 1000 });
    expect((await refundRows()).length).toBe(2);
  });
});
