// The server client (object form) against a real local HTTP server: wire mapping, validation,
// results, timeout, retries. Every assertion about what was sent reads the bytes the server received.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import AffitorDefault, { Affitor, type AffitorOptions } from '../../src/server/index';
import { API_KEY, startFakeAffitor, type FakeAffitor } from './fake-affitor';

let api: FakeAffitor;
beforeEach(async () => {
  api = await startFakeAffitor();
});
afterEach(async () => {
  await api.close();
});

const client = (o: Partial<AffitorOptions> = {}) => new Affitor({ apiKey: API_KEY, apiUrl: api.url + '/', ...o });

describe('construction', () => {
  it('is the default and a named export', () => {
    expect(AffitorDefault).toBe(Affitor);
  });

  it('requires an apiKey (the message names it both ways: `apiKey`, API key)', () => {
    expect(() => new Affitor({} as AffitorOptions)).toThrow('Affitor: `apiKey` is required');
    expect(() => new Affitor({} as AffitorOptions)).toThrow(/api key/i);
    expect(() => new Affitor({ apiKey: '  ' })).toThrow('Affitor: `apiKey` is required');
  });

  it('requires a fetch when there is no global one', () => {
    const saved = globalThis.fetch;
    try {
      (globalThis as { fetch?: unknown }).fetch = undefined;
      expect(() => new Affitor({ apiKey: 'k' })).toThrow(new Error('Affitor: no global fetch — pass `options.fetch` (Node < 18)'));
    } finally {
      globalThis.fetch = saved;
    }
  });

  it('uses options.fetch when given (and strips trailing slashes from apiUrl)', async () => {
    const seen: string[] = [];
    const recordingFetch: typeof fetch = (url, init) => {
      seen.push(String(url));
      return fetch(url, init);
    };
    const c = client({ fetch: recordingFetch, apiUrl: api.url + '///' });
    await c.trackRefund({ invoiceId: 'x' });
    expect(seen).toEqual([`${api.url}/api/v1/track/refund`]);
  });
});

describe('wire mapping', () => {
  it('trackLead: camelCase → snake_case, Bearer, JSON, null/undefined keys dropped', async () => {
    const r = await client().trackLead({
      customerExternalId: 42,
      clickId: 'cust_1_1715000000000',
      email: 'a@b.co',
      clickIds: ['cust_1_1', 'cust_1_1715000000000'],
      eventName: 'signup',
      additionalData: { plan: 'pro' },
    });
    expect(r).toEqual({ ok: true, status: 200, data: { success: true, message: 'Lead tracked successfully' }, code: 'ok', retryable: false, attempts: 1 });
    const [req] = api.requests;
    expect(req.path).toBe('/api/v1/track/lead');
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.body).toEqual({
      customer_key: '42',
      click_id: 'cust_1_1715000000000',
      email: 'a@b.co',
      click_ids: ['cust_1_1', 'cust_1_1715000000000'],
      event_name: 'signup',
      additional_data: { plan: 'pro' },
    });

    await client().trackLead({ customerExternalId: 'u_1', clickId: null, email: undefined });
    expect(api.requests[1].body).toEqual({ customer_key: 'u_1' });
  });

  it('trackSale: every field, currency uppercased', async () => {
    const r = await client().trackSale({
      customerExternalId: 'user_1',
      clickId: 'cust_1_1',
      amount: 4999,
      invoiceId: 'in_123',
      currency: 'eur',
      saleType: 'subscription',
      isRecurring: true,
      subscriptionId: 'sub_1',
      subscriptionInterval: 'monthly',
      eventName: 'purchase',
      productId: 'prod_1',
      lineItems: [{ name: 'Pro', amount_cents: 4999, quantity: 1 }],
      additionalData: { test_mode: false },
    });
    expect(r.ok).toBe(true);
    expect(r.code).toBe('ok');
    expect(r.data).toMatchObject({ success: true, sale_id: 1 });
    expect(api.requests[0].path).toBe('/api/v1/track/sale');
    expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(api.requests[0].body).toEqual({
      customer_key: 'user_1',
      click_id: 'cust_1_1',
      amount_cents: 4999,
      transaction_id: 'in_123',
      currency: 'EUR',
      sale_type: 'subscription',
      is_recurring: true,
      subscription_id: 'sub_1',
      subscription_interval: 'monthly',
      event_name: 'purchase',
      product_id: 'prod_1',
      line_items: [{ name: 'Pro', amount_cents: 4999, quantity: 1 }],
      additional_data: { test_mode: false },
    });
  });

  it('trackSale: numeric ids are stringified, as the API requires strings', async () => {
    await client().trackSale({ customerExternalId: 7, amount: 100, invoiceId: 9001 });
    expect(api.requests[0].body).toEqual({ customer_key: '7', amount_cents: 100, transaction_id: '9001' });
  });

  it('trackRefund: mapping and Bearer', async () => {
    await client().trackSale({ clickId: 'c', amount: 100, invoiceId: 'pi_1' });
    const r = await client().trackRefund({ invoiceId: 'pi_1', refundAmountCents: 50, refundReason: 'requested_by_customer' });
    expect(r).toMatchObject({ ok: true, status: 200, code: 'ok', data: { status: 'refunded' } });
    expect(api.requests[1].path).toBe('/api/v1/track/refund');
    expect(api.requests[1].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(api.requests[1].body).toEqual({ transaction_id: 'pi_1', refund_amount_cents: 50, refund_reason: 'requested_by_customer' });
  });

  it('trackClick: mapping, and no Authorization header', async () => {
    const r = await client().trackClick({
      affiliateUrl: 'https://shop.test/?aff=P1',
      pageUrl: 'https://shop.test/landing',
      referrerUrl: 'https://blog.test/',
      existingClickId: 'cust_1_1',
      userAgent: 'Mozilla/5.0 Visitor',
      sessionId: 'sess_abc_1',
    });
    expect(r.ok).toBe(true);
    expect(api.requests[0].path).toBe('/api/v1/track/click');
    expect(api.requests[0].headers.authorization).toBeUndefined();
    expect(api.requests[0].body).toEqual({
      affiliate_url: 'https://shop.test/?aff=P1',
      page_url: 'https://shop.test/landing',
      referrer_url: 'https://blog.test/',
      existing_click_id: 'cust_1_1',
      user_agent: 'Mozilla/5.0 Visitor',
      session_id: 'sess_abc_1',
    });
  });
});

describe('input validation throws synchronously, before any request', () => {
  const cases: [string, () => unknown, string][] = [
    ['lead without ids', () => client().trackLead({ email: 'a@b.co' }), 'Affitor.trackLead: `customerExternalId` or `clickId` is required'],
    ['lead with empty ids', () => client().trackLead({ customerExternalId: '', clickId: null }), 'Affitor.trackLead: `customerExternalId` or `clickId` is required'],
    ['sale without ids', () => client().trackSale({ amount: 1, invoiceId: 'x' }), 'Affitor.trackSale: `customerExternalId` or `clickId` is required'],
    ['sale amount 0', () => client().trackSale({ clickId: 'c', amount: 0, invoiceId: 'x' }), 'Affitor.trackSale: `amount` must be a positive integer (cents)'],
    ['sale amount 9.99', () => client().trackSale({ clickId: 'c', amount: 9.99, invoiceId: 'x' }), 'Affitor.trackSale: `amount` must be a positive integer (cents)'],
    ['sale amount as text', () => client().trackSale({ clickId: 'c', amount: '100' as unknown as number, invoiceId: 'x' }), 'Affitor.trackSale: `amount` must be a positive integer (cents)'],
    ['sale without invoiceId', () => client().trackSale({ clickId: 'c', amount: 100 } as never), 'Affitor.trackSale: `invoiceId` is required (idempotency key)'],
    ['sale with empty invoiceId', () => client().trackSale({ clickId: 'c', amount: 100, invoiceId: '' }), 'Affitor.trackSale: `invoiceId` is required (idempotency key)'],
    ['refund without invoiceId', () => client().trackRefund({} as never), 'Affitor.trackRefund: `invoiceId` is required'],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrow(new Error(message));
      expect(api.requests).toHaveLength(0);
    });
  }
});

describe('results', () => {
  it('401: error from the body, code unauthorized, not retried', async () => {
    const r = await new Affitor({ apiKey: 'affitor_wrong', apiUrl: api.url }).trackSale({ clickId: 'c', amount: 100, invoiceId: 't' });
    expect(r).toEqual({ ok: false, status: 401, data: null, error: 'Invalid API token', code: 'unauthorized', retryable: false, attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });

  it('403 (a key the API refuses for this program): code unauthorized like 401, not retried', async () => {
    api.fault({ status: 403, body: JSON.stringify({ error: 'Forbidden' }) });
    const r = await client().trackSale({ clickId: 'c', amount: 100, invoiceId: 't' });
    expect(r).toEqual({ ok: false, status: 403, data: null, error: 'Forbidden', code: 'unauthorized', retryable: false, attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });

  it('400: invalid_request with the server message, not retried', async () => {
    api.fault({ status: 400, body: JSON.stringify({ error: 'Customer not found. Provide customer_key or click_id.' }) });
    const r = await client().trackSale({ clickId: 'nope', amount: 100, invoiceId: 't' });
    expect(r).toMatchObject({ ok: false, status: 400, data: null, code: 'invalid_request', error: 'Customer not found. Provide customer_key or click_id.' });
    expect(api.requests).toHaveLength(1);
  });

  it('404 on a refund of an unknown sale: not_found', async () => {
    const r = await client().trackRefund({ invoiceId: 'ch_wrong_key' });
    expect(r).toMatchObject({ ok: false, status: 404, code: 'not_found', error: 'Sale not found for transaction_id' });
  });

  it('409 on a repeated sale: duplicate, one sale recorded', async () => {
    const sale = { clickId: 'c', amount: 100, invoiceId: 'order_1' };
    expect((await client().trackSale(sale)).ok).toBe(true);
    const r = await client().trackSale(sale);
    expect(r).toEqual({
      ok: false,
      status: 409,
      data: null,
      error: 'Duplicate transaction_id. This sale has already been recorded.',
      code: 'duplicate',
      duplicate: true,
      retryable: false,
      attempts: 1,
    });
    expect(api.sales.size).toBe(1);
  });

  it('a non-JSON error body falls back to the status text', async () => {
    api.fault({ status: 400, body: '<html>Bad</html>' });
    expect(await client().trackLead({ clickId: 'c' })).toMatchObject({ status: 400, error: 'Bad Request', data: null });
  });

  it('a refused connection resolves as network_error with the cause, never rejects', async () => {
    const closed = await startFakeAffitor();
    await closed.close();
    const r = await new Affitor({ apiKey: API_KEY, apiUrl: closed.url, retries: 0 }).trackLead({ clickId: 'c' });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(0);
    expect(r.code).toBe('network_error');
    expect(r.data).toBeNull();
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('timeout', () => {
  it('aborts a slow answer after timeoutMs: status 0, error "timeout"', async () => {
    api.fault({ delayMs: 3000 });
    const t0 = Date.now();
    const r = await client({ timeoutMs: 200, retries: 0 }).trackLead({ clickId: 'c' });
    expect(r).toEqual({ ok: false, status: 0, data: null, error: 'timeout', code: 'timeout', retryable: true, attempts: 1, queued: true });
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('a sale that landed but timed out is retried and reported as duplicate, recorded once', async () => {
    // Generous margins: the first attempt must reach the server before its timeout even on a busy box.
    api.fault({ delayMs: 4000 });
    const r = await client({ timeoutMs: 1000 }).trackSale({ clickId: 'c', amount: 100, invoiceId: 'slow_1' });
    expect(r).toMatchObject({ ok: false, status: 409, code: 'duplicate', duplicate: true, attempts: 2 });
    expect(api.sales.size).toBe(1);
  });

  it('clicks time out too and are never retried', async () => {
    api.fault({ delayMs: 2000 });
    const r = await client({ timeoutMs: 200 }).trackClick({ affiliateUrl: 'https://shop.test/?aff=P' });
    expect(r).toMatchObject({ status: 0, error: 'timeout', attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  const sale = { customerExternalId: 'u1', amount: 2500, invoiceId: 'pi_retry' };

  it('503 then success: retried after ~250 ms, one sale recorded', async () => {
    api.fault({ status: 503 });
    const r = await client().trackSale(sale);
    expect(r).toMatchObject({ ok: true, status: 200, attempts: 2 });
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1].body).toEqual(api.requests[0].body);
    expect(api.requests[1].at - api.requests[0].at).toBeGreaterThanOrEqual(240);
    expect(api.sales.size).toBe(1);
  });

  it('backoff doubles: 503, 502, 504 exhaust retries=2 with 250 then 500 ms pauses', async () => {
    api.fault({ status: 503 }, { status: 502 }, { status: 504 });
    const r = await client().trackSale(sale);
    expect(r).toMatchObject({ ok: false, status: 504, code: 'server_error', attempts: 3 });
    expect(api.requests).toHaveLength(3);
    expect(api.requests[2].at - api.requests[1].at).toBeGreaterThanOrEqual(490);
    expect(api.sales.size).toBe(0);
  });

  it('429 with Retry-After: 1 waits a second, then succeeds', async () => {
    api.fault({ status: 429, headers: { 'Retry-After': '1' }, body: JSON.stringify({ error: 'Too many requests' }) });
    const r = await client().trackSale(sale);
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(api.requests[1].at - api.requests[0].at).toBeGreaterThanOrEqual(990);
    expect(api.sales.size).toBe(1);
  });

  it('429 after the retries: rate_limited', async () => {
    api.fault({ status: 429 }, { status: 429 });
    const r = await client({ retries: 1 }).trackRefund({ invoiceId: 'x' });
    expect(r).toMatchObject({ ok: false, status: 429, code: 'rate_limited', attempts: 2 });
  });

  it('dropped connection before processing: retried, one sale', async () => {
    api.fault({ drop: true });
    const r = await client().trackSale(sale);
    expect(r).toMatchObject({ ok: true, status: 200, attempts: 2 });
    expect(api.sales.size).toBe(1);
  });

  it('dropped connection after the sale landed: the retry gets 409 → duplicate, one sale', async () => {
    api.fault({ drop: true, afterProcessing: true });
    const r = await client().trackSale(sale);
    expect(r).toMatchObject({ ok: false, status: 409, code: 'duplicate', duplicate: true, attempts: 2 });
    expect(api.sales.size).toBe(1);
  });

  it('408 is retried', async () => {
    api.fault({ status: 408 });
    expect(await client().trackLead({ clickId: 'c' })).toMatchObject({ ok: true, attempts: 2 });
  });

  it('500 is never retried (the sale may exist already)', async () => {
    api.fault({ status: 500, body: JSON.stringify({ error: 'Failed to create commission' }) });
    const r = await client().trackSale(sale);
    expect(r).toMatchObject({ ok: false, status: 500, code: 'server_error', error: 'Failed to create commission', attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });

  it('retries: 0 makes one attempt', async () => {
    api.fault({ status: 503 });
    expect(await client({ retries: 0 }).trackSale(sale)).toMatchObject({ status: 503, attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });

  it('clicks are never retried', async () => {
    api.fault({ status: 503 });
    expect(await client().trackClick({ affiliateUrl: 'https://shop.test/?aff=P' })).toMatchObject({ status: 503, attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });
});
