// docs/protocol.md §5 and §10 over real HTTP: every status and error string of the four tracking endpoints.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxForEachTest } from './helpers';

const c = sandboxForEachTest(async (sandbox) => {
  await sandbox.post('/sandbox/program', { cookie_window_days: 60, attribution_window_days: 60, commission_type: 'percentage', commission_rate: 40, lead_auth: 'any' });
  await sandbox.post('/sandbox/partners', { code: 'PARTNER_A', status: 'active' });
  await sandbox.post('/sandbox/partners', { code: 'PARTNER_B', status: 'active' });
});
/** The fixture program's key: generated per sandbox like the main one, read from the state. */
let OTHER_KEY: { Authorization: string };
beforeAll(async () => {
  const other = (await c.state()).programs.find((p: { id: number }) => p.id === c.sandbox.programId + 1000);
  OTHER_KEY = { Authorization: `Bearer ${other.api_key}` };
});

async function customerOf(clickId: string) {
  const state = await c.state();
  return state.customers.find((x: { click_id: string }) => x.click_id === clickId);
}

describe('POST /api/v1/track/click', () => {
  it('mints cust_<programId>_<ms> and answers with the partner and the cookie window', async () => {
    const before = Date.now();
    const r = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_A', session_id: 'sess_a_1' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['click_id', 'cookie_window_days', 'partner_code', 'success']);
    expect(r.body).toMatchObject({ success: true, partner_code: 'PARTNER_A', cookie_window_days: 60 });
    const ms = Number(/^cust_1_(\d+)$/.exec(r.body.click_id)?.[1]);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(await customerOf(r.body.click_id)).toMatchObject({ partner_code: 'PARTNER_A', status: 'click', program_id: 1 });
  });

  it('answers the program cookie window set in the settings', async () => {
    await c.post('/sandbox/program', { cookie_window_days: 30 });
    const r = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_A' });
    expect(r.body.cookie_window_days).toBe(30);
  });

  it.each([
    [{}, 'affiliate_url is required'],
    [{ affiliate_url: '' }, 'affiliate_url is required'],
    [{ affiliate_url: null }, 'affiliate_url is required'],
    [{ affiliate_url: '/landing?aff=PARTNER_A' }, 'Invalid affiliate_url'],
    [{ affiliate_url: 42 }, 'Invalid affiliate_url'],
    [{ affiliate_url: 'javascript:alert(1)//?aff=PARTNER_A' }, 'Invalid affiliate_url'],
    [{ affiliate_url: 'https://shop.example/?ref=PARTNER_A' }, 'No aff parameter found in affiliate_url'],
    [{ affiliate_url: 'https://shop.example/?aff=' }, 'No aff parameter found in affiliate_url'],
    [{ affiliate_url: 'https://shop.example/?aff=NOBODY' }, 'Referral link not found'],
    [{ affiliate_url: 'https://shop.example/?aff=partner_a' }, 'Referral link not found'],
    [{ affiliate_url: 'https://shop.example/?aff=PARTNER_MISCONFIGURED' }, 'Invalid referral link configuration'],
  ])('400 for %j: %s', async (body, error) => {
    const r = await c.post('/api/v1/track/click', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error });
    expect((await c.state()).counts.customers).toBe(0);
  });

  it('an inactive link answers 200 success:false and creates no customer', async () => {
    const r = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_INACTIVE' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: false, message: 'Referral link is inactive' });
    expect((await c.state()).counts.customers).toBe(0);
  });

  it('test mode: no affiliate_url needed, no customer, answers the event id and program id', async () => {
    const r = await c.post('/api/v1/track/click', { additional_data: { test_mode: true, program_id: '1' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      message: 'Test click event tracked successfully',
      data: { eventId: expect.any(Number), programId: 1, test_mode: true },
    });
    const state = await c.state();
    expect(state.counts.customers).toBe(0);
    expect(state.events[0]).toMatchObject({ id: r.body.data.eventId, is_test: 1, type: 'click' });
    const unknown = await c.post('/api/v1/track/click', { additional_data: { test_mode: true, program_id: 999 } });
    expect(unknown.body.data.programId).toBeNull();
  });

  it('protocol §10.1: existing_click_id from the same program keeps the click id and switches the partner (last click wins)', async () => {
    const id = await c.click('PARTNER_A');
    const r = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_B', existing_click_id: id });
    expect(r.body).toMatchObject({ success: true, click_id: id, partner_code: 'PARTNER_B' });
    expect(await customerOf(id)).toMatchObject({ partner_code: 'PARTNER_B' });
    expect((await c.state()).counts.customers).toBe(1);
  });

  it('protocol §10.1: an unknown or foreign existing_click_id creates a new customer', async () => {
    const unknown = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_B', existing_click_id: 'cust_1_1' });
    expect(unknown.body.click_id).not.toBe('cust_1_1');
    const foreign = await c.click('OTHER_PROGRAM_PARTNER');
    expect(foreign).toMatch(/^cust_1001_\d+$/);
    const r = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_A', existing_click_id: foreign });
    expect(r.body.click_id).not.toBe(foreign);
    expect(r.body.click_id).toMatch(/^cust_1_/);
    expect(await customerOf(foreign)).toMatchObject({ partner_code: 'OTHER_PROGRAM_PARTNER' });
  });

  it('protocol §10.2: after conversion the partner is locked; a later click is only recorded', async () => {
    const id = await c.click('PARTNER_A');
    expect((await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 1000, transaction_id: 'lock_1' }, c.auth())).status).toBe(200);
    const r = await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_B', existing_click_id: id });
    expect(r.body).toMatchObject({ click_id: id, partner_code: 'PARTNER_A' });
    expect(await customerOf(id)).toMatchObject({ partner_code: 'PARTNER_A', status: 'conversion' });
    const state = await c.state();
    expect(state.events[0]).toMatchObject({ type: 'click', http_status: 200, click_id: id });
    expect(state.events[0].explanation).toContain('partner locked after conversion');
  });

  it('protocol §10.19: a retried click (same session_id + affiliate_url) returns the original answer and stores nothing', async () => {
    const body = { affiliate_url: 'https://shop.example/?aff=PARTNER_A', session_id: 'sess_retry_1700000000000' };
    const first = await c.post('/api/v1/track/click', body);
    const before = (await c.state()).counts;
    const again = await c.post('/api/v1/track/click', { ...body, page_title: 'fresh device fields differ' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await c.state()).counts).toEqual(before);
    // The same session on another partner URL (an SPA partner switch) is a new click.
    const other = await c.post('/api/v1/track/click', { ...body, affiliate_url: 'https://shop.example/?aff=PARTNER_B' });
    expect(other.body.click_id).not.toBe(first.body.click_id);
    // A test pageview shares session and URL with the real click but is never mistaken for it.
    const test = await c.post('/api/v1/track/click', { ...body, additional_data: { test_mode: true, program_id: 1 } });
    expect(test.body.message).toBe('Test click event tracked successfully');
  });

  it('200 parallel clicks → 200 distinct click ids and 200 customers', async () => {
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => c.click(i % 2 ? 'PARTNER_A' : 'PARTNER_B', { session_id: `sess_par_${i}` })));
    expect(new Set(ids).size).toBe(200);
    const state = await c.state();
    expect(state.counts.customers).toBe(200);
    expect(state.counts.click_events).toBe(200);
  });
});

describe('POST /api/v1/track/lead', () => {
  it('moves click → lead, stores the key, hashes and masks the email, never the raw email', async () => {
    const id = await c.click();
    const r = await c.post('/api/v1/track/lead', { click_id: id, customer_key: 'user_1', email: ' Jane.Doe@Example.com ', click_ids: [id] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, message: 'Lead tracked successfully' });
    const customer = await customerOf(id);
    expect(customer).toMatchObject({
      status: 'lead',
      customer_key: 'user_1',
      email_masked: 'j***@example.com',
      email_hash: createHash('sha256').update('jane.doe@example.com').digest('hex'),
      click_ids: [id],
    });
    expect(JSON.stringify(await c.state()).toLowerCase()).not.toContain('jane.doe');
  });

  it('finds the customer by customer_key when there is no click_id', async () => {
    const id = await c.click();
    await c.post('/api/v1/track/lead', { click_id: id, customer_key: 'user_k' });
    const r = await c.post('/api/v1/track/lead', { customer_key: 'user_k' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'Customer status cannot be updated to lead. Current status: lead' });
  });

  it('accepts a valid Bearer key and answers 401 for a bad one', async () => {
    const id = await c.click();
    expect((await c.post('/api/v1/track/lead', { click_id: id }, c.auth())).status).toBe(200);
    for (const header of ['Bearer wrong_key', 'Bearer ', 'Bearer    ', `Basic ${c.sandbox.apiKey}`, c.sandbox.apiKey, `bearer ${c.sandbox.apiKey}`]) {
      const r = await c.post('/api/v1/track/lead', { click_id: id }, { Authorization: header });
      expect(r.status, header).toBe(401);
      expect(r.body).toEqual({ error: 'Invalid API token' });
    }
  });

  it.each([
    [{}, 'click_id or customer_key is required'],
    [{ click_id: '', customer_key: '  ' }, 'click_id or customer_key is required'],
    [{ click_id: 'cust_1_123' }, 'Customer not found. Provide a valid click_id or customer_key.'],
    [{ customer_key: 'nobody' }, 'Customer not found. Provide a valid click_id or customer_key.'],
  ])('400 for %j', async (body, error) => {
    const r = await c.post('/api/v1/track/lead', body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error });
  });

  it('protocol §10.6: a Bearer lead for another program’s customer → Customer does not belong to this program', async () => {
    const id = await c.click();
    const r = await c.post('/api/v1/track/lead', { click_id: id }, OTHER_KEY);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'Customer does not belong to this program' });
  });

  it('protocol §10.3: status never regresses (lead after conversion → 400 with the current status)', async () => {
    const id = await c.click();
    await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 500, transaction_id: 'regress_1' }, c.auth());
    const r = await c.post('/api/v1/track/lead', { click_id: id, customer_key: 'late' });
    expect(r.body).toEqual({ error: 'Customer status cannot be updated to lead. Current status: conversion' });
  });

  it('protocol §10.5: a lead takes a customer_key from an unconverted holder, but not from a converted one', async () => {
    const first = await c.click();
    await c.post('/api/v1/track/lead', { click_id: first, customer_key: 'shared' });
    const second = await c.click('PARTNER_B');
    expect((await c.post('/api/v1/track/lead', { click_id: second, customer_key: 'shared' })).status).toBe(200);
    expect((await customerOf(first)).customer_key).toBeNull();
    expect((await customerOf(second)).customer_key).toBe('shared');

    await c.post('/api/v1/track/sale', { customer_key: 'shared', amount_cents: 100, transaction_id: 'shared_1' }, c.auth());
    const third = await c.click();
    const r = await c.post('/api/v1/track/lead', { click_id: third, customer_key: 'shared' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'Customer status cannot be updated to lead. Current status: conversion' });
  });

  it('protocol §10.16–§10.17: lead_auth server_required → provisional without Bearer; a Bearer lead settles it', async () => {
    await c.post('/sandbox/program', { lead_auth: 'server_required' });
    const id = await c.click();
    const r = await c.post('/api/v1/track/lead', { click_id: id, customer_key: 'prov_1' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      provisional: true,
      message: 'Lead recorded as provisional. This program requires server-side (Bearer) lead tracking to settle attribution.',
    });
    expect(await customerOf(id)).toMatchObject({ status: 'click', provisional_key: 'prov_1', customer_key: null });
    expect((await c.post('/api/v1/track/lead', { customer_key: 'prov_1' }, c.auth())).body.message).toBe('Lead tracked successfully');
    expect(await customerOf(id)).toMatchObject({ status: 'lead', customer_key: 'prov_1', provisional_key: null });
  });

  it('protocol §10.17: an attributed sale by the provisional key settles it', async () => {
    await c.post('/sandbox/program', { lead_auth: 'server_required' });
    const id = await c.click();
    await c.post('/api/v1/track/lead', { click_id: id, customer_key: 'prov_2' });
    const sale = await c.post('/api/v1/track/sale', { customer_key: 'prov_2', amount_cents: 1000, transaction_id: 'prov_sale' }, c.auth());
    expect(sale.body.message).toBe('Sale tracked successfully');
    expect(await customerOf(id)).toMatchObject({ status: 'conversion', customer_key: 'prov_2', provisional_key: null });
  });

  it('test mode: no customer needed; with a Bearer key the program is the key’s', async () => {
    const r = await c.post('/api/v1/track/lead', { additional_data: { test_mode: true, program_id: 1 } });
    expect(r.body).toEqual({ success: true, message: 'Test lead event tracked successfully', data: { eventId: expect.any(Number), programId: 1, test_mode: true } });
    const keyed = await c.post('/api/v1/track/lead', { additional_data: { test_mode: true } }, OTHER_KEY);
    expect(keyed.body.data.programId).toBe(1001);
    expect((await c.state()).counts.customers).toBe(0);
  });
});

describe('POST /api/v1/track/sale', () => {
  it('records an attributed sale with the program’s commission (40% by default) and converts the customer', async () => {
    const id = await c.click();
    await c.post('/api/v1/track/lead', { click_id: id, customer_key: 'buyer_1' });
    const r = await c.post('/api/v1/track/sale', { customer_key: 'buyer_1', amount_cents: 4900, transaction_id: 'txn_1', currency: 'usd' }, c.auth());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, sale_id: expect.any(Number), commission_id: expect.any(Number), message: 'Sale tracked successfully' });
    const state = await c.state();
    expect(state.sales[0]).toMatchObject({ transaction_id: 'txn_1', partner_code: 'PARTNER_A', currency: 'USD', commission_cents: 1960, flags: [] });
    expect(await customerOf(id)).toMatchObject({ status: 'conversion' });
  });

  it('protocol §10.11: commission from the settings (rate rounded to cents, or fixed)', async () => {
    await c.post('/sandbox/program', { commission_rate: 25 });
    const a = await c.click();
    await c.post('/api/v1/track/sale', { click_id: a, amount_cents: 999, transaction_id: 'rate_1' }, c.auth());
    await c.post('/sandbox/program', { commission_type: 'fixed', commission_fixed_cents: 700 });
    const b = await c.click();
    await c.post('/api/v1/track/sale', { click_id: b, amount_cents: 12345, transaction_id: 'fixed_1' }, c.auth());
    const sales = (await c.state()).sales;
    expect(sales.find((s: any) => s.transaction_id === 'rate_1').commission_cents).toBe(250);
    expect(sales.find((s: any) => s.transaction_id === 'fixed_1').commission_cents).toBe(700);
  });

  it('last partner wins: A then B (existing_click_id) → the sale goes to B', async () => {
    const id = await c.click('PARTNER_A');
    await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_B', existing_click_id: id });
    await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 1000, transaction_id: 'switch_1' }, c.auth());
    const partners = (await c.state()).partners;
    expect(partners.find((p: any) => p.code === 'PARTNER_B')).toMatchObject({ sales: 1, commission_cents: 400 });
    expect(partners.find((p: any) => p.code === 'PARTNER_A')).toMatchObject({ sales: 0, commission_cents: 0 });
  });

  it('protocol §10.4: customer_key is looked up before click_id', async () => {
    const keyed = await c.click('PARTNER_A');
    await c.post('/api/v1/track/lead', { click_id: keyed, customer_key: 'by_key' });
    const other = await c.click('PARTNER_B');
    await c.post('/api/v1/track/sale', { customer_key: 'by_key', click_id: other, amount_cents: 1000, transaction_id: 'order_1' }, c.auth());
    expect((await c.state()).sales[0].partner_code).toBe('PARTNER_A');
  });

  it('flags a sale whose customer_key never had a lead (matched by click_id instead)', async () => {
    const id = await c.click();
    await c.post('/api/v1/track/sale', { customer_key: 'never_signed_up', click_id: id, amount_cents: 1000, transaction_id: 'flag_1', currency: 'GBP' }, c.auth());
    const flags: string[] = (await c.state()).sales[0].flags;
    expect(flags.some((f) => f.includes('never had a lead'))).toBe(true);
    expect(flags.some((f) => f.includes('GBP'))).toBe(true);
  });

  it.each([
    [undefined, 401],
    ['Bearer nope', 401],
    ['Bearer ', 401],
  ])('auth header %s → 401 Invalid API token', async (header, status) => {
    const r = await c.post('/api/v1/track/sale', { click_id: 'x', amount_cents: 1, transaction_id: 't' }, header ? { Authorization: header } : {});
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error: 'Invalid API token' });
  });

  it.each([
    [{ amount_cents: 100 }, 'transaction_id is required and must be a string'],
    [{ transaction_id: 42, amount_cents: 100 }, 'transaction_id is required and must be a string'],
    [{ transaction_id: '  ', amount_cents: 100 }, 'transaction_id is required and must be a string'],
    [{ transaction_id: 'v1' }, 'amount_cents is required and must be a positive integer'],
    [{ transaction_id: 'v2', amount_cents: 0 }, 'amount_cents is required and must be a positive integer'],
    [{ transaction_id: 'v3', amount_cents: -5 }, 'amount_cents is required and must be a positive integer'],
    [{ transaction_id: 'v4', amount_cents: 10.5 }, 'amount_cents is required and must be a positive integer'],
    [{ transaction_id: 'v5', amount_cents: '100' }, 'amount_cents is required and must be a positive integer'],
    [{ transaction_id: 'v6', amount_cents: 100 }, 'Customer not found. Provide customer_key or click_id.'],
    [{ transaction_id: 'v7', amount_cents: 100, customer_key: 'ghost', click_id: 'cust_1_5' }, 'Customer not found. Provide customer_key or click_id.'],
  ])('400 for %j', async (body, error) => {
    const r = await c.post('/api/v1/track/sale', body, c.auth());
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error });
  });

  it('protocol §10.6: another program’s key → No affiliate attribution found for this customer in this program', async () => {
    const id = await c.click();
    const r = await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 100, transaction_id: 'cross_1' }, OTHER_KEY);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'No affiliate attribution found for this customer in this program' });
  });

  it('a removed partner → No partner-program relationship found; a misconfigured one → partnerId required', async () => {
    await c.post('/sandbox/partners', { code: 'PARTNER_GONE' });
    const gone = await c.click('PARTNER_GONE');
    const del = await fetch(`${c.sandbox.url}/sandbox/partners/PARTNER_GONE`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const r1 = await c.post('/api/v1/track/sale', { click_id: gone, amount_cents: 100, transaction_id: 'gone_1' }, c.auth());
    expect(r1.body).toEqual({ error: 'No partner-program relationship found for this customer' });

    const broken = await c.click('PARTNER_B');
    await c.post('/sandbox/partners', { code: 'PARTNER_B', status: 'misconfigured' });
    const r2 = await c.post('/api/v1/track/sale', { click_id: broken, amount_cents: 100, transaction_id: 'broken_1' }, c.auth());
    expect(r2.status).toBe(400);
    expect(r2.body).toEqual({ error: 'partnerId required to create commission' });
  });

  it('protocol §10.9: a reused transaction_id → 409 with body A, across programs and for test sales', async () => {
    const id = await c.click();
    await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 100, transaction_id: 'dup_1' }, c.auth());
    const again = await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 100, transaction_id: 'dup_1' }, c.auth());
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'Duplicate transaction_id. This sale has already been recorded.' });
    const otherProgram = await c.post('/api/v1/track/sale', { click_id: 'x', amount_cents: 100, transaction_id: 'dup_1' }, OTHER_KEY);
    expect(otherProgram.status).toBe(409);

    await c.post('/api/v1/track/sale', { transaction_id: 'test_dup', additional_data: { test_mode: true } }, c.auth());
    expect((await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 100, transaction_id: 'test_dup' }, c.auth())).status).toBe(409);
  });

  it('protocol §10.10: the duplicate check comes before the customer lookup, and validation before the duplicate check', async () => {
    const id = await c.click();
    await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 100, transaction_id: 'order_a' }, c.auth());
    expect((await c.post('/api/v1/track/sale', { amount_cents: 100, transaction_id: 'order_a' }, c.auth())).status).toBe(409);
    expect((await c.post('/api/v1/track/sale', { amount_cents: 0, transaction_id: 'order_a' }, c.auth())).status).toBe(400);
  });

  it('protocol §10.7–§10.8: past the attribution window → 200 attributed:false, nothing created, id stays free', async () => {
    const id = await c.click();
    expect((await c.post('/sandbox/shift', { click_id: id, days: 75.5 })).status).toBe(200);
    const r = await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 1000, transaction_id: 'late_1' }, c.auth());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      attributed: false,
      reason: 'attribution_window_expired',
      click_age_days: 75,
      window_days: 60,
      sale_id: null,
      commission_id: null,
    });
    const state = await c.state();
    expect(state.counts.sales).toBe(0);
    expect(state.events[0].explanation).toContain('window expired: 75 > 60 days');
    // At the edge (age == window) the click is inside, and the unattributed id was not consumed.
    await c.post('/sandbox/program', { attribution_window_days: 75 });
    expect((await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 1000, transaction_id: 'late_1' }, c.auth())).body.message).toBe('Sale tracked successfully');
  });

  it('protocol §10.8: a re-click from the new partner restarts the window; after conversion renewals ignore it', async () => {
    const id = await c.click('PARTNER_A');
    await c.post('/sandbox/shift', { click_id: id, days: 70 });
    await c.post('/api/v1/track/click', { affiliate_url: 'https://shop.example/?aff=PARTNER_B', existing_click_id: id });
    expect((await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 1000, transaction_id: 'anchor_1' }, c.auth())).body.sale_id).toEqual(expect.any(Number));
    await c.post('/sandbox/shift', { click_id: id, days: 400 });
    const renewal = await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 1000, transaction_id: 'anchor_2', is_recurring: true, sale_type: 'subscription' }, c.auth());
    expect(renewal.body.message).toBe('Sale tracked successfully');
    expect((await c.state()).sales.map((s: any) => s.partner_code)).toEqual(['PARTNER_B', 'PARTNER_B']);
  });

  it('test mode: Bearer still required; defaults amount and transaction id; no customer or commission', async () => {
    expect((await c.post('/api/v1/track/sale', { additional_data: { test_mode: true } })).status).toBe(401);
    const r = await c.post('/api/v1/track/sale', { additional_data: { test_mode: true } }, c.auth());
    expect(r.body).toEqual({ success: true, message: 'Test sale event tracked successfully', data: { eventId: expect.any(Number), programId: 1, test_mode: true } });
    const state = await c.state();
    expect(state.sales[0]).toMatchObject({ is_test: 1, amount_cents: 9999, commission_id: null });
    expect(state.sales[0].transaction_id).toMatch(/^test_txn_\d+$/);
    expect(state.counts.commissions).toBe(0);
  });
});

describe('POST /api/v1/track/refund', () => {
  async function sale(txn: string, amount = 10000) {
    const id = await c.click();
    const r = await c.post('/api/v1/track/sale', { click_id: id, amount_cents: amount, transaction_id: txn }, c.auth());
    return r.body.commission_id as number;
  }

  it('full refund → reversed with the whole commission; again → skipped', async () => {
    const commissionId = await sale('r_full');
    const r = await c.post('/api/v1/track/refund', { transaction_id: 'r_full', refund_reason: 'requested_by_customer' }, c.auth());
    expect(r.body).toEqual({ success: true, status: 'reversed', deductionAmount: 40, commission_id: commissionId });
    const again = await c.post('/api/v1/track/refund', { transaction_id: 'r_full', refund_amount_cents: 0 }, c.auth());
    expect(again.body).toEqual({ success: true, status: 'skipped', reason: 'already reversed', commission_id: commissionId });
  });

  it('protocol §10.13: partial refunds deduct proportionally, capped at the remainder; reaching the total → reversed', async () => {
    const commissionId = await sale('r_part', 10000); // commission 4000
    const first = await c.post('/api/v1/track/refund', { transaction_id: 'r_part', refund_amount_cents: 2500 }, c.auth());
    expect(first.body).toEqual({ success: true, status: 'refunded', deductionAmount: 10, commission_id: commissionId });
    const second = await c.post('/api/v1/track/refund', { transaction_id: 'r_part', refund_amount_cents: 9000 }, c.auth());
    expect(second.body).toEqual({ success: true, status: 'reversed', deductionAmount: 30, commission_id: commissionId });
    const partner = (await c.state()).partners.find((p: any) => p.code === 'PARTNER_A');
    expect(partner).toMatchObject({ commission_cents: 4000, reversed_cents: 4000 });
  });

  it('a test sale → no_commission', async () => {
    await c.post('/api/v1/track/sale', { transaction_id: 'r_test', additional_data: { test_mode: true } }, c.auth());
    const r = await c.post('/api/v1/track/refund', { transaction_id: 'r_test' }, c.auth());
    expect(r.body).toEqual({ success: true, status: 'no_commission', message: 'Sale has no commission to reverse' });
  });

  it('a zero commission → no_commission', async () => {
    await c.post('/sandbox/program', { commission_rate: 0 });
    await sale('r_zero');
    const r = await c.post('/api/v1/track/refund', { transaction_id: 'r_zero' }, c.auth());
    expect(r.body.status).toBe('no_commission');
  });

  it.each([
    [{}, 400, 'transaction_id is required'],
    [{ transaction_id: '' }, 400, 'transaction_id is required'],
    [{ transaction_id: 'r_x', refund_amount_cents: -1 }, 400, 'refund_amount_cents must be a non-negative integer'],
    [{ transaction_id: 'r_x', refund_amount_cents: 1.5 }, 400, 'refund_amount_cents must be a non-negative integer'],
    [{ transaction_id: 'r_x', refund_amount_cents: '100' }, 400, 'refund_amount_cents must be a non-negative integer'],
    [{ transaction_id: 'never_sold' }, 404, 'Sale not found for transaction_id'],
  ])('%j → %i %s', async (body, status, error) => {
    const r = await c.post('/api/v1/track/refund', body, c.auth());
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error });
  });

  it('another program’s sale → 404; no or bad key → 401', async () => {
    await sale('r_other');
    const r = await c.post('/api/v1/track/refund', { transaction_id: 'r_other' }, OTHER_KEY);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'Sale not found for transaction_id' });
    expect((await c.post('/api/v1/track/refund', { transaction_id: 'r_other' })).body).toEqual({ error: 'Invalid API token' });
    expect((await c.post('/api/v1/track/refund', { transaction_id: 'r_other' }, { Authorization: 'Bearer x' })).status).toBe(401);
  });
});
