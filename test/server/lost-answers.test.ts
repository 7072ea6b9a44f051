// No call applied twice when an answer is lost, against an API that, like Affitor's documented
// production API, ignores Idempotency-Key (the fake; the key-honouring sandbox has its own suite):
// the key is sent and reused by retries, a call whose repeat would apply again is not repeated once
// it may have landed, and a lead repeat is recognised as the earlier attempt's success.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Affitor, type AffitorOptions } from '../../src/server/index';
import { API_KEY, startFakeAffitor, type FakeAffitor } from './fake-affitor';

let api: FakeAffitor;
beforeEach(async () => {
  api = await startFakeAffitor();
});
afterEach(async () => {
  await api.close();
});

const client = (o: Partial<AffitorOptions> = {}) => new Affitor({ apiKey: API_KEY, apiUrl: api.url, ...o });
const keys = () => api.requests.map((r) => r.headers['idempotency-key']);

describe('Idempotency-Key', () => {
  it('one key per call on lead, sale, refund and click; every retry of the call reuses it', async () => {
    api.fault({ status: 503 }, { status: 502 });
    await client().trackSale({ clickId: 'c', amount: 100, invoiceId: 'pi_1' });
    await client().trackLead({ clickId: 'c' });
    await client().trackRefund({ invoiceId: 'pi_1' });
    await client().trackClick({ affiliateUrl: 'https://shop.test/?aff=P' });
    const [first, retry1, retry2, lead, refund, click] = keys();
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([retry1, retry2]).toEqual([first, first]);
    expect(new Set([first, lead, refund, click]).size).toBe(4);
    expect(api.requests.map((r) => r.path.replace('/api/v1/track/', ''))).toEqual(['sale', 'sale', 'sale', 'lead', 'refund', 'click']);
  });

  it('a caller\'s own key is sent as given, in either spelling of the input', async () => {
    await client().trackSale({ clickId: 'c', amount: 100, invoiceId: 'pi_2' }, { idempotencyKey: 'order-77:sale' });
    await client().trackRefund({ transaction_id: 'pi_2', refund_amount_cents: 10 }, { idempotencyKey: 'stripe:evt_1:refund' });
    expect(keys()).toEqual(['order-77:sale', 'stripe:evt_1:refund']);
  });

  it('a key that is not 1–255 printable ASCII characters is refused before any request', () => {
    for (const bad of ['', ' x', 'x ', 'é', 'a\nb', 'k'.repeat(256), 7 as unknown as string]) {
      expect(() => client().trackLead({ clickId: 'c' }, { idempotencyKey: bad })).toThrow(/`idempotencyKey` must be 1–255 printable ASCII characters/);
    }
    expect(() => client().trackLead({ clickId: 'c' }, { idempotencyKey: 'k'.repeat(255) })).not.toThrow();
  });
});

describe('a partial refund whose answer was lost is not repeated (it would deduct twice)', () => {
  const partial = { invoiceId: 'pi_r', refundAmountCents: 1500 };
  beforeEach(async () => {
    await client().trackSale({ clickId: 'c', amount: 4900, invoiceId: 'pi_r' });
    api.requests.length = 0;
  });

  it('cut after the API applied it: one attempt, one refund, outcomeUnknown, not retryable', async () => {
    api.fault({ drop: true, afterProcessing: true });
    const r = await client().trackRefund(partial);
    expect(r).toMatchObject({ ok: false, status: 0, code: 'network_error', outcomeUnknown: true, retryable: false, attempts: 1 });
    expect(api.refunds).toHaveLength(1);
  });

  it('timed out (the API applied it later): one attempt, one refund', async () => {
    api.fault({ delayMs: 2000 });
    const r = await client({ timeoutMs: 500 }).trackRefund(partial);
    expect(r).toMatchObject({ ok: false, code: 'timeout', outcomeUnknown: true, retryable: false, attempts: 1 });
    expect(api.refunds).toHaveLength(1);
  });

  it('a gateway error (502: the upstream may have processed it) is not repeated either', async () => {
    api.fault({ status: 502 });
    expect(await client().trackRefund(partial)).toMatchObject({ status: 502, outcomeUnknown: true, attempts: 1 });
  });

  it('refused before processing (503, 429): retried, one refund', async () => {
    api.fault({ status: 503 }, { status: 429 });
    expect(await client().trackRefund(partial)).toMatchObject({ ok: true, attempts: 3 });
    expect(api.refunds).toHaveLength(1);
  });

  it('a connection that was never opened (ECONNREFUSED) cannot have landed: retried, still retryable', async () => {
    const down = await startFakeAffitor();
    await down.close();
    const r = await new Affitor({ apiKey: API_KEY, apiUrl: down.url, retries: 1 }).trackRefund(partial);
    expect(r).toMatchObject({ code: 'network_error', retryable: true, attempts: 2 });
    expect(r.outcomeUnknown).toBeUndefined();
  });

  it('with honoursIdempotencyKey the lost answer is retried under the same key', async () => {
    api.fault({ drop: true, afterProcessing: false });
    const r = await client({ honoursIdempotencyKey: true }).trackRefund(partial);
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(keys()[0]).toBe(keys()[1]);
  });

  it('a full refund repeats harmlessly (the API answers "skipped"), so it is retried', async () => {
    api.fault({ drop: true, afterProcessing: true });
    expect(await client().trackRefund({ invoiceId: 'pi_r' })).toMatchObject({ ok: true, attempts: 2 });
  });
});

describe('a lead whose first attempt landed', () => {
  it('is reported as duplicate, not invalid_request', async () => {
    api.fault({ drop: true, afterProcessing: true });
    const r = await client().trackLead({ clickId: 'cust_1_1', customerExternalId: 'user_1' });
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      code: 'duplicate',
      duplicate: true,
      error: 'Customer status cannot be updated to lead. Current status: lead',
      attempts: 2,
    });
  });

  it('a repeat lead without a lost answer stays invalid_request (the caller sent it twice)', async () => {
    await client().trackLead({ clickId: 'cust_1_2' });
    const again = await client().trackLead({ clickId: 'cust_1_2' });
    expect(again).toMatchObject({ status: 400, code: 'invalid_request', attempts: 1 });
    expect(again.duplicate).toBeUndefined();
  });
});

describe('an answer that is not the API\'s is not success', () => {
  it('a 2xx whose body is not JSON (a captive portal): unexpected_response, not retried', async () => {
    api.fault({ status: 200, body: '<html>Sign in to the Wi-Fi</html>' });
    const r = await client().trackSale({ clickId: 'c', amount: 100, invoiceId: 'pi_portal' });
    expect(r).toMatchObject({ ok: false, status: 200, data: null, code: 'unexpected_response', attempts: 1 });
    expect(r.error).toMatch(/answered 200 with a body that is not a JSON object .*proxy or captive portal/);
  });

  it('an empty 2xx is not success either', async () => {
    api.fault({ status: 204, body: '' });
    expect(await client().trackLead({ clickId: 'c' })).toMatchObject({ ok: false, status: 204, code: 'unexpected_response' });
  });

  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} redirect is not followed (it would turn the POST into a GET): unexpected_response, fix apiUrl`, async () => {
      api.fault({ status, headers: { Location: `${api.url}/api/v1/track/sale` }, body: '' });
      const r = await client().trackSale({ clickId: 'c', amount: 100, invoiceId: `pi_${status}` });
      expect(r).toMatchObject({ ok: false, status, code: 'unexpected_response', attempts: 1 });
      expect(r.error).toContain(`answered a redirect (${status} to ${api.url}/api/v1/track/sale)`);
      expect(r.error).toMatch(/Set apiUrl\/apiBase to the final address/);
      expect(api.requests.map((q) => q.method)).toEqual(['POST']);
      expect(api.sales.size).toBe(0);
    });
  }

  it('the string-key form rejects with the client\'s explanation', async () => {
    api.fault({ status: 200, body: 'OK' });
    await expect(new Affitor(API_KEY, { apiBase: api.url }).trackLead({ click_id: 'c' })).rejects.toMatchObject({
      name: 'AffitorApiError',
      status: 200,
      message: expect.stringMatching(/not a JSON object/),
    });
  });
});
