// The two official construction forms over one implementation, inputs in either spelling (the
// camelCase names of @affitor/sdk 2.x, the API's own names of the integration guide), and
// readiness — against a real local HTTP server; what was sent is read from the bytes it received.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Affitor, AffitorApiError, type Readiness, type TrackSaleResponse } from '../../src/server/index';
import { API_KEY, READINESS, startFakeAffitor, type FakeAffitor } from './fake-affitor';

let api: FakeAffitor;
beforeEach(async () => {
  api = await startFakeAffitor();
});
afterEach(async () => {
  await api.close();
});

const objectClient = () => new Affitor({ apiKey: API_KEY, apiUrl: api.url, retries: 0 });
const keyClient = (apiKey = API_KEY) => new Affitor(apiKey, { apiBase: api.url, retries: 0 });

/** The integration guide's Sale API body, copied as is. */
const GUIDE_SALE_BODY = {
  transaction_id: 'txn_abc123',
  customer_key: 'user_123',
  click_id: 'cust_42_123456',
  amount_cents: 9999,
  currency: 'USD',
  sale_type: 'payment',
  is_recurring: false,
  subscription_id: 'sub_xyz',
  subscription_interval: 'monthly',
  product_id: 'prod_456',
  line_items: [{ name: 'Pro Plan', amount_cents: 9999, quantity: 1 }],
} as const;

describe('the API\'s own field names', () => {
  it('the guide\'s Sale API body in trackSale is sent as that very body, in both forms', async () => {
    const viaObject = await objectClient().trackSale({ ...GUIDE_SALE_BODY, line_items: [...GUIDE_SALE_BODY.line_items] });
    expect(viaObject).toMatchObject({ ok: true, code: 'ok' });
    await keyClient().trackSale({ ...GUIDE_SALE_BODY, transaction_id: 'txn_abc124', line_items: [...GUIDE_SALE_BODY.line_items] });
    expect(api.requests[0].body).toEqual(GUIDE_SALE_BODY);
    expect(JSON.stringify(api.requests[0].body)).toBe(JSON.stringify(GUIDE_SALE_BODY));
    expect(api.requests[1].body).toEqual({ ...GUIDE_SALE_BODY, transaction_id: 'txn_abc124' });
  });

  it('the same sale in camelCase gives the same request', async () => {
    await objectClient().trackSale({
      invoiceId: 'txn_abc123',
      customerExternalId: 'user_123',
      clickId: 'cust_42_123456',
      amount: 9999,
      currency: 'USD',
      saleType: 'payment',
      isRecurring: false,
      subscriptionId: 'sub_xyz',
      subscriptionInterval: 'monthly',
      productId: 'prod_456',
      lineItems: [{ name: 'Pro Plan', amount_cents: 9999, quantity: 1 }],
    });
    expect(api.requests[0].body).toEqual(GUIDE_SALE_BODY);
  });

  it('the guide\'s lead body, and a refund in wire names', async () => {
    await objectClient().trackLead({ click_id: 'cust_42_1234567890', customer_key: 'user_123', email: 'user@example.com' });
    expect(api.requests[0].body).toEqual({ click_id: 'cust_42_1234567890', customer_key: 'user_123', email: 'user@example.com' });
    await objectClient().trackLead({ customer_key: 'user_9', click_ids: ['a', 'b'], session_id: 's1', page_url: 'https://shop.test/signup' });
    expect(api.requests[1].body).toEqual({ customer_key: 'user_9', click_ids: ['a', 'b'], session_id: 's1', page_url: 'https://shop.test/signup' });
    await objectClient().trackRefund({ transaction_id: 'txn_abc123', refund_amount_cents: 500, refund_reason: 'requested_by_customer' });
    expect(api.requests[2].body).toEqual({ transaction_id: 'txn_abc123', refund_amount_cents: 500, refund_reason: 'requested_by_customer' });
  });

  it('validation names the fields in the caller\'s own spelling', () => {
    expect(() => objectClient().trackSale({ transaction_id: 't', amount_cents: 0, click_id: 'c' })).toThrow(
      new Error('Affitor.trackSale: `amount_cents` must be a positive integer (cents)'),
    );
    expect(() => objectClient().trackSale({ transaction_id: 't', amount_cents: 100 })).toThrow(
      new Error('Affitor.trackSale: `customer_key` or `click_id` is required'),
    );
    expect(() => objectClient().trackRefund({ transaction_id: '' })).toThrow(new Error('Affitor.trackRefund: `transaction_id` is required'));
    expect(() => objectClient().trackRefund({ invoiceId: 'x', refundAmountCents: -5 })).toThrow(
      new Error('Affitor.trackRefund: `refundAmountCents` must be a positive integer (cents), or omitted for a full refund'),
    );
    expect(api.requests).toHaveLength(0);
  });

  it('one call, one spelling: mixing is a type error and a clear runtime error', () => {
    // @ts-expect-error camelCase and wire names in one call
    expect(() => objectClient().trackSale({ invoiceId: 'x', amount_cents: 100, clickId: 'c' })).toThrow(
      /Affitor\.trackSale: mixes camelCase names \(invoiceId, clickId\) with the API's names \(amount_cents\); use one spelling per call/,
    );
    // @ts-expect-error camelCase and wire names in one call
    expect(() => objectClient().trackLead({ customerExternalId: 'u', click_id: 'c' })).toThrow(/trackLead: mixes camelCase names/);
    expect(api.requests).toHaveLength(0);
  });

  it('test-mode calls need no ids (the API fills them in)', async () => {
    await objectClient().trackLead({ additional_data: { test_mode: true, program_id: 1 } });
    expect(api.requests[0].body).toEqual({ additional_data: { test_mode: true, program_id: 1 } });
  });
});

describe('new Affitor(apiKey, { apiBase }): bodies, and AffitorApiError', () => {
  it('resolves to the response body', async () => {
    const body: TrackSaleResponse = await keyClient().trackSale({ transaction_id: 'txn_1', click_id: 'clk_1', amount_cents: 4900, currency: 'USD' });
    expect(body).toEqual({ success: true, sale_id: 1, commission_id: 1, message: 'Sale tracked successfully' });
    expect(api.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('rejects with AffitorApiError on a non-2xx: status, message from body.error', async () => {
    const err = await keyClient('affitor_wrong').trackSale({ transaction_id: 't', amount_cents: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AffitorApiError);
    expect(err).toMatchObject({ name: 'AffitorApiError', status: 401, message: 'Invalid API token', body: { error: 'Invalid API token' } });
    expect((err as AffitorApiError).result).toMatchObject({ code: 'unauthorized', attempts: 1 });
  });

  it('a repeated sale rejects with status 409, as the canonical client', async () => {
    const sale = { transaction_id: 'txn_dup', click_id: 'c', amount_cents: 100 };
    await keyClient().trackSale(sale);
    await expect(keyClient().trackSale(sale)).rejects.toMatchObject({ name: 'AffitorApiError', status: 409, result: { duplicate: true } });
  });

  it('bad input rejects (the methods are async, as the canonical client\'s), nothing is sent', async () => {
    const pending = keyClient().trackSale({ transaction_id: 't', amount_cents: 1.5 });
    await expect(pending).rejects.toThrow('Affitor.trackSale: `amount_cents` must be a positive integer (cents)');
    expect(api.requests).toHaveLength(0);
  });

  it('no answer: AffitorApiError with status 0 and the cause', async () => {
    const down = await startFakeAffitor();
    await down.close();
    const err = await new Affitor(API_KEY, { apiBase: down.url, retries: 0 }).trackLead({ click_id: 'c' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AffitorApiError', status: 0, result: { code: 'network_error' } });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('without a key it throws, matching /api key/i like the object form', () => {
    expect(() => new Affitor('')).toThrow(/api key/i);
    expect(() => new Affitor(undefined as unknown as string)).toThrow(/api key/i);
  });
});

describe('readiness', () => {
  it('GET /api/v1/programs/me/readiness with Bearer and no body; force_recheck=true on request', async () => {
    const body: Readiness = await keyClient().readiness();
    expect(body).toEqual(READINESS);
    await keyClient().readiness({ forceRecheck: true });
    const [plain, forced] = api.requests;
    expect(plain).toMatchObject({ method: 'GET', path: '/api/v1/programs/me/readiness', body: {} });
    expect(plain.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(plain.headers['content-type']).toBeUndefined();
    expect(plain.headers['content-length'] ?? '0').toBe('0');
    expect(forced.path).toBe('/api/v1/programs/me/readiness?force_recheck=true');
  });

  it('object form: a result object with the data typed', async () => {
    const r = await objectClient().readiness();
    expect(r).toMatchObject({ ok: true, status: 200, code: 'ok' });
    expect(r.data?.gates.live.test_chain.click).toBe('attributed');
  });

  it('the typed error envelope: code, message and retry_after_seconds, in both forms', async () => {
    const limited = JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down', retry_after_seconds: 30 } });
    api.fault({ status: 429, body: limited });
    const err = await keyClient().readiness().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AffitorApiError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 30 });
    api.fault({ status: 429, body: limited });
    expect(await objectClient().readiness()).toMatchObject({ ok: false, status: 429, code: 'rate_limited', error: 'Slow down', errorCode: 'rate_limited', retryAfterSeconds: 30 });
    expect(await new Affitor({ apiKey: 'affitor_wrong', apiUrl: api.url }).readiness()).toMatchObject({
      status: 401,
      code: 'unauthorized',
      errorCode: 'unauthorized',
      error: 'Invalid API token',
    });
  });

  it('an envelope without a message: "Request failed with status N"', async () => {
    api.fault({ status: 503, body: JSON.stringify({ error: { code: 'unavailable' } }) });
    await expect(keyClient().readiness()).rejects.toMatchObject({ status: 503, code: 'unavailable', message: 'Request failed with status 503' });
  });
});

describe('one implementation under both forms', () => {
  it('retries and the Idempotency-Key behave the same in the string-key form', async () => {
    api.fault({ status: 503 });
    const body = await new Affitor(API_KEY, { apiBase: api.url }).trackSale({ transaction_id: 'txn_r', click_id: 'c', amount_cents: 100 });
    expect(body).toMatchObject({ success: true });
    expect(api.requests).toHaveLength(2);
    expect(api.requests[0].headers['idempotency-key']).toBe(api.requests[1].headers['idempotency-key']);
  });

  it('a fetch stubbed after construction is the one used (no fetch captured at construction)', async () => {
    const client = keyClient();
    const saved = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = ((url: string, init: RequestInit) => {
      seen.push(url);
      return saved(url, init);
    }) as typeof fetch;
    try {
      await client.readiness();
    } finally {
      globalThis.fetch = saved;
    }
    expect(seen).toEqual([`${api.url}/api/v1/programs/me/readiness`]);
  });
});
