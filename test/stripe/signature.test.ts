// Our WebCrypto verifier against headers made by the `stripe` package itself.
import { describe, expect, it } from 'vitest';
import { mapStripeEvent, StripeSignatureError, verifyStripeWebhook } from '../../src/stripe/index';
import { checkoutSession, signed, stripe, WEBHOOK_SECRET } from './fixtures';
import { rejectsWith } from '../webhooks/signature';

const rejects = rejectsWith(StripeSignatureError);

describe('verifyStripeWebhook', () => {
  it('accepts a body signed by stripe.webhooks.generateTestHeaderString and returns the event', async () => {
    const { payload, header } = signed(checkoutSession());
    const event = await verifyStripeWebhook(payload, header, WEBHOOK_SECRET);
    expect(event).toEqual(JSON.parse(payload));
    // stripe's own verifier agrees on the same input, and its typed Stripe.Event feeds our mapper.
    const typed = stripe.webhooks.constructEvent(payload, header, WEBHOOK_SECRET);
    expect(mapStripeEvent(typed)).toEqual(mapStripeEvent(event));
  });

  it('accepts bytes (Buffer / Uint8Array) as well as text, including non-ASCII bodies', async () => {
    const { payload, header } = signed(checkoutSession({ customer_details: { name: 'Zoë Müller 東京' } }));
    await expect(verifyStripeWebhook(Buffer.from(payload), header, WEBHOOK_SECRET)).resolves.toMatchObject({ type: 'checkout.session.completed' });
    await expect(verifyStripeWebhook(new TextEncoder().encode(payload), header, WEBHOOK_SECRET)).resolves.toBeTruthy();
  });

  it('accepts when any of several v1 signatures matches (secret rotation)', async () => {
    const { payload, header } = signed(checkoutSession());
    const t = header.match(/t=(\d+)/)![1];
    const good = header.match(/v1=([0-9a-f]+)/)![1];
    await expect(verifyStripeWebhook(payload, `t=${t},v1=${'0'.repeat(64)},v1=${good},v0=ignored`, WEBHOOK_SECRET)).resolves.toBeTruthy();
  });

  it('rejects a tampered body', async () => {
    const { payload, header } = signed(checkoutSession());
    await rejects(verifyStripeWebhook(payload.replace('4900', '1'), header, WEBHOOK_SECRET), /No signature matches the body/);
  });

  it('rejects re-serialised JSON (a parsed-then-stringified body)', async () => {
    const { payload, header } = signed(checkoutSession());
    await rejects(verifyStripeWebhook(JSON.stringify(JSON.parse(payload)), header, WEBHOOK_SECRET), /exact raw bytes/);
  });

  it('rejects the wrong secret', async () => {
    const { payload, header } = signed(checkoutSession(), { secret: 'whsec_other' });
    await rejects(verifyStripeWebhook(payload, header, WEBHOOK_SECRET), /signing secret/);
  });

  it('rejects an expired timestamp (replay), and honours a custom tolerance', async () => {
    const old = Math.floor(Date.now() / 1000) - 600;
    const { payload, header } = signed(checkoutSession(), { timestamp: old });
    await rejects(verifyStripeWebhook(payload, header, WEBHOOK_SECRET), /60\d s old, outside the 300 s tolerance/);
    await expect(verifyStripeWebhook(payload, header, WEBHOOK_SECRET, { toleranceSeconds: 900 })).resolves.toBeTruthy();
  });

  it('rejects a timestamp far in the future', async () => {
    const { payload, header } = signed(checkoutSession(), { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    await rejects(verifyStripeWebhook(payload, header, WEBHOOK_SECRET), /in the future/);
  });

  it('rejects a validly signed body that is not a Stripe event', async () => {
    for (const body of ['not json', '{"type":"x"}', '{"type":"x","data":{"object":null}}']) {
      const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
      await rejects(verifyStripeWebhook(body, header, WEBHOOK_SECRET), /not a Stripe event/);
    }
  });

  it('rejects missing or malformed headers, a parsed body, and a missing secret — saying what to do', async () => {
    const { payload } = signed(checkoutSession());
    await rejects(verifyStripeWebhook(payload, undefined, WEBHOOK_SECRET), /No Stripe-Signature header/);
    await rejects(verifyStripeWebhook(payload, 'garbage', WEBHOOK_SECRET), /Malformed Stripe-Signature/);
    await rejects(verifyStripeWebhook(payload, 't=1,v1=zz', WEBHOOK_SECRET), /Malformed/);
    await rejects(verifyStripeWebhook(JSON.parse(payload), 't=1,v1=00', WEBHOOK_SECRET), /raw request body.*express\.raw/);
    await rejects(verifyStripeWebhook(payload, 't=1,v1=00', ''), /whsec_/);
  });
});

it('without WebCrypto it says how to get it', async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
  const { payload, header } = signed(checkoutSession());
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  try {
    await expect(verifyStripeWebhook(payload, header, WEBHOOK_SECRET)).rejects.toThrow(/WebCrypto is unavailable.*Node ≥ 19/);
  } finally {
    Object.defineProperty(globalThis, 'crypto', descriptor);
  }
});
