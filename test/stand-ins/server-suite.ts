// What users' own unit tests do with the server client: `fetch` replaced by a stand-in that has
// only some of a Response's members, and 429s that ask for a long pause. Run in Node and in jsdom
// (a project whose whole test config is jsdom tests its API routes there too). Found by running
// the official SDK's own tests against this entry (`npm run test:official`).
import { type Mock, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Affitor, AffitorApiError } from '../../src/server/index';

const API = 'https://api.test';
/** The client's backoff and the old 10 s Retry-After cap take seconds; a right answer takes none. */
const QUICK = { timeout: 3000 };

/** What users' stand-ins are: any object in place of a Response. */
type FetchStandIn = (url: string, init?: RequestInit) => Promise<unknown>;

export function serverStandInSuite() {
  let fetchMock: Mock<FetchStandIn>;
  beforeEach(() => {
    fetchMock = vi.fn<FetchStandIn>();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  describe('stand-ins without text, status or headers', () => {
    it('{ ok: false, status: 409, json } (no text): 409 and the body’s error', QUICK, async () => {
      const client = new Affitor({ apiKey: 'k', apiUrl: API, fetch: fetchMock as unknown as typeof fetch });
      fetchMock.mockResolvedValue({ ok: false, status: 409, json: async () => ({ error: 'duplicate' }) });
      const result = await client.trackSale({ customerExternalId: 'u', amount: 100, invoiceId: 'i' });
      expect(result).toMatchObject({ ok: false, status: 409, error: 'duplicate', data: null, code: 'duplicate' });
    });

    it('{ ok: true, json } (no status, no text): a success with the body', QUICK, async () => {
      fetchMock.mockResolvedValue({ ok: true, json: async () => ({ success: true, sale_id: 7 }) });
      const result = await new Affitor({ apiKey: 'k', apiUrl: API }).trackSale({ customerExternalId: 'u', amount: 100, invoiceId: 'i' });
      expect(result).toMatchObject({ ok: true, status: 200, data: { success: true, sale_id: 7 } });
    });

    it('the canonical form rejects a json-only 401 with the body’s message', QUICK, async () => {
      fetchMock.mockResolvedValue({ ok: false, status: 401, json: async () => ({ error: 'Invalid API token' }) });
      await expect(new Affitor('k', { apiBase: API }).trackSale({ transaction_id: 't', amount_cents: 1 })).rejects.toMatchObject({
        name: 'AffitorApiError',
        status: 401,
        message: 'Invalid API token',
      });
    });
  });

  describe('429 asking for longer than the client waits within a call', () => {
    it('Retry-After: 120 → answered at once with retryAfterSeconds, one request', QUICK, async () => {
      fetchMock.mockResolvedValue(new Response(JSON.stringify({ error: 'Too many requests' }), { status: 429, headers: { 'Retry-After': '120' } }));
      const result = await new Affitor({ apiKey: 'k', apiUrl: API }).trackLead({ customerExternalId: 'u1' });
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(result).toMatchObject({ ok: false, status: 429, code: 'rate_limited', retryable: true, retryAfterSeconds: 120 });
    });

    it('canonical readiness(): the body’s retry_after_seconds → AffitorApiError 429 rate_limited at once', QUICK, async () => {
      fetchMock.mockResolvedValue({
        ok: false,
        status: 429,
        text: async () => JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down', retry_after_seconds: 30 } }),
      });
      const err = await new Affitor('k', { apiBase: API }).readiness().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AffitorApiError);
      expect(err).toMatchObject({ status: 429, code: 'rate_limited', message: 'Slow down', retryAfterSeconds: 30 });
      expect(fetchMock).toHaveBeenCalledTimes(1);
    });

    it('a pause it does wait for (Retry-After: 3) is never cut short', async () => {
      vi.useFakeTimers();
      fetchMock
        .mockResolvedValueOnce(new Response('{"error":"Too many requests"}', { status: 429, headers: { 'Retry-After': '3' } }))
        .mockResolvedValueOnce(new Response('{"success":true}', { status: 200 }));
      const call = new Affitor({ apiKey: 'k', apiUrl: API }).trackLead({ customerExternalId: 'u2' });
      await vi.advanceTimersByTimeAsync(2999);
      expect(fetchMock).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetchMock).toHaveBeenCalledTimes(2);
      await expect(call).resolves.toMatchObject({ ok: true, attempts: 2 });
    });
  });
}
