// runWebhook, the one runner of every provider's handler: what is the request's fault (a signature
// that does not hold → 400, never delivered again) and what is the server's (WebCrypto missing, a
// mapper that throws → 500, so the provider's redelivery lands once it is fixed). It never throws.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Affitor } from '../../src/server/index';
import { handleStripeWebhook, WebCryptoUnavailableError } from '../../src/stripe/index';
import { handlePaddleWebhook } from '../../src/paddle/index';
import { runWebhook } from '../../src/webhooks/handler';
import { WebhookSignatureError } from '../../src/webhooks/signature-error';
import { API_KEY, startFakeAffitor } from '../server/fake-affitor';
import { WEBHOOK_SECRET, checkoutSession, signed } from '../stripe/fixtures';

afterEach(() => {
  vi.unstubAllGlobals();
});

const noRecord = async () => {};

describe('runWebhook', () => {
  it('a mapper that throws is answered 500 (retryable), not thrown at the caller', async () => {
    const outcome = await runWebhook(
      async () => ({ id: 'evt_1' }),
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'object')");
      },
      noRecord,
    );
    expect(outcome).toMatchObject({ httpStatus: 500, retryable: true, event: { id: 'evt_1' }, mapped: null, sent: null, result: null });
    expect(outcome.error).toMatch(/reading 'object'/);
  });

  it('a bad signature is 400 and final; any other failure of verify is the server\'s: 500, retryable', async () => {
    const bad = await runWebhook(async () => Promise.reject(new WebhookSignatureError('No signature matches')), (e) => e, noRecord);
    expect(bad).toMatchObject({ httpStatus: 400, retryable: false, error: 'No signature matches' });
    const broken = await runWebhook(async () => Promise.reject(new WebCryptoUnavailableError('WebCrypto is unavailable')), (e) => e, noRecord);
    expect(broken).toMatchObject({ httpStatus: 500, retryable: true, error: 'WebCrypto is unavailable' });
  });
});

describe('a runtime without WebCrypto (globalThis.crypto.subtle)', () => {
  it('Stripe and Paddle handlers answer 500 so the provider delivers again, and send nothing', async () => {
    const api = await startFakeAffitor();
    try {
      const affitor = new Affitor({ apiKey: API_KEY, apiUrl: api.url, retries: 0 });
      const { payload, header } = signed(checkoutSession());
      vi.stubGlobal('crypto', {});
      const stripe = await handleStripeWebhook({ rawBody: payload, signature: header, secret: WEBHOOK_SECRET, affitor });
      expect(stripe).toMatchObject({ httpStatus: 500, retryable: true, event: null, error: expect.stringMatching(/WebCrypto is unavailable.*Node ≥ 19/) });
      const paddle = await handlePaddleWebhook({
        rawBody: '{}',
        headers: { 'paddle-signature': `ts=${Math.floor(Date.now() / 1000)};h1=${'00'.repeat(32)}` },
        secret: 'pdl_ntfset_secret',
        affitor,
      });
      expect(paddle).toMatchObject({ httpStatus: 500, retryable: true, error: expect.stringMatching(/WebCrypto is unavailable/) });
      expect(api.requests).toHaveLength(0);
      // Once the runtime is fixed, the redelivery lands.
      vi.unstubAllGlobals();
      expect(await handleStripeWebhook({ rawBody: payload, signature: header, secret: WEBHOOK_SECRET, affitor })).toMatchObject({
        httpStatus: 200,
        result: { ok: true },
      });
    } finally {
      await api.close();
    }
  });
});
