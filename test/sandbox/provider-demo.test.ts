// The storefront's simulated provider checkouts: each step is a webhook signed with the provider's
// scheme and run through its real handler, so the sale, renewal and refund land in the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxClient, type Client } from './helpers';

let c: Client;
beforeAll(async () => {
  c = await sandboxClient();
  await c.post('/sandbox/program', { commission_type: 'percentage', commission_rate: 40 });
  await c.post('/sandbox/partners', { code: 'PARTNER_A', status: 'active' });
});
afterAll(() => c.sandbox.close());

describe.each(['paddle', 'lemonsqueezy', 'polar'])('POST /demo/provider (%s)', (provider) => {
  it('sale → renewal → refund: verified by the handler and recorded; the renewal is recurring; the refund reverses it', async () => {
    const cookie = { Cookie: `affitor_click_id=${await c.click('PARTNER_A')}` };
    const sale = await c.post('/demo/provider', { provider, step: 'sale' }, cookie);
    expect(sale.status).toBe(200);
    expect(sale.body.outcome).toMatchObject({ http_status: 200, mapped: { action: 'sale' }, result: { ok: true } });
    const renewal = await c.post('/demo/provider', { provider, step: 'renewal', subscription_id: sale.body.subscription_id }, cookie);
    expect(renewal.body.outcome).toMatchObject({ http_status: 200, mapped: { action: 'sale', input: { isRecurring: true } }, result: { ok: true } });
    const refund = await c.post('/demo/provider', { provider, step: 'refund', subscription_id: sale.body.subscription_id, transaction_id: renewal.body.transaction_id }, cookie);
    expect(refund.body.outcome).toMatchObject({ http_status: 200, mapped: { action: 'refund' }, result: { ok: true, data: { status: 'reversed' } } });
    const sales = (await c.state()).sales.filter((s: { transaction_id: string }) => [sale.body.transaction_id, renewal.body.transaction_id].includes(s.transaction_id));
    expect(sales.map((s: { is_recurring: number; commission_status: string }) => [s.is_recurring, s.commission_status]).sort()).toEqual([
      [0, 'pending'],
      [1, 'reversed'],
    ]);
  });
});

it('says what is missing', async () => {
  expect((await c.post('/demo/provider', { provider: 'gumroad', step: 'sale' })).body).toEqual({ error: 'Expected "provider": "paddle", "lemonsqueezy" or "polar"' });
  expect((await c.post('/demo/provider', { provider: 'polar', step: 'renewal' })).status).toBe(400);
});
