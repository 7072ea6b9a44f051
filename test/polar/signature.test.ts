// Our WebCrypto verifier against Standard Webhooks headers signed by `standardwebhooks`, cross-checked
// with Polar's own SDK (`validateEvent` from @polar-sh/sdk/webhooks), which also proves the
// fixtures are shaped as Polar sends them (it parses each one with its schemas).
import { validateEvent, WebhookVerificationError } from '@polar-sh/sdk/webhooks';
import { describe, expect, it } from 'vitest';
import { mapPolarEvent, verifyPolarWebhook, WebhookSignatureError } from '../../src/polar/index';
import { order, POLAR_SECRET, refund, signPolar } from './fixtures';
import { rejectsWith } from '../webhooks/signature';

const rejects = rejectsWith(WebhookSignatureError);

describe('verifyPolarWebhook', () => {
  it('accepts what Polar\'s SDK accepts, for every fixture shape, and returns the raw event', async () => {
    for (const event of [order('order.paid'), order('order.paid', { billing_reason: 'subscription_cycle' }), order('order.refunded'), refund('refund.created')]) {
      const { rawBody, headers } = signPolar(event);
      const typed = validateEvent(rawBody, headers, POLAR_SECRET);
      expect(typed.type).toBe(event.type);
      expect(await verifyPolarWebhook(rawBody, headers, POLAR_SECRET)).toEqual(JSON.parse(rawBody));
    }
  });

  it('rejects what the SDK rejects: a tampered body, a wrong secret', async () => {
    const { rawBody, headers } = signPolar(order('order.paid'));
    const tampered = rawBody.replace('4900', '1');
    expect(() => validateEvent(tampered, headers, POLAR_SECRET)).toThrow(WebhookVerificationError);
    await rejects(verifyPolarWebhook(tampered, headers, POLAR_SECRET), /No signature matches the body/);
    const other = signPolar(order('order.paid'), { secret: 'polar_whs_other' });
    expect(() => validateEvent(other.rawBody, other.headers, POLAR_SECRET)).toThrow(WebhookVerificationError);
    await rejects(verifyPolarWebhook(other.rawBody, other.headers, POLAR_SECRET), /check the secret/);
  });

  it('the id is signed: the same body and signature under another webhook-id fail', async () => {
    const { rawBody, headers } = signPolar(order('order.paid'));
    await rejects(verifyPolarWebhook(rawBody, { ...headers, 'webhook-id': 'msg_other' }, POLAR_SECRET), /No signature matches/);
  });

  it('secret rotation: accepts when any of several v1 signatures matches; ignores other versions', async () => {
    const { rawBody, headers } = signPolar(order('order.paid'), { secret: 'polar_whs_old', extraSecrets: [POLAR_SECRET] });
    await expect(verifyPolarWebhook(rawBody, headers, POLAR_SECRET)).resolves.toBeTruthy();
    await expect(verifyPolarWebhook(rawBody, { ...headers, 'webhook-signature': `v1a,AAAA ${headers['webhook-signature']}` }, POLAR_SECRET)).resolves.toBeTruthy();
  });

  it('rejects a timestamp outside 5 minutes either way', async () => {
    const old = signPolar(order('order.paid'), { timestamp: new Date(Date.now() - 301_000) });
    expect(() => validateEvent(old.rawBody, old.headers, POLAR_SECRET)).toThrow(/too old/);
    await rejects(verifyPolarWebhook(old.rawBody, old.headers, POLAR_SECRET), /30\d s old, outside the 300 s tolerance/);
    const future = signPolar(order('order.paid'), { timestamp: new Date(Date.now() + 3_600_000) });
    await rejects(verifyPolarWebhook(future.rawBody, future.headers, POLAR_SECRET), /in the future/);
  });

  it('reads Fetch Headers; rejects missing or malformed headers, a parsed body, a missing secret', async () => {
    const { rawBody, headers } = signPolar(order('order.paid'));
    await expect(verifyPolarWebhook(new TextEncoder().encode(rawBody), new Headers(headers), POLAR_SECRET)).resolves.toBeTruthy();
    await rejects(verifyPolarWebhook(rawBody, { 'webhook-id': 'x' }, POLAR_SECRET), /Missing webhook-id, webhook-timestamp or webhook-signature/);
    await rejects(verifyPolarWebhook(rawBody, { ...headers, 'webhook-timestamp': 'soon' }, POLAR_SECRET), /Malformed webhook-timestamp/);
    await rejects(verifyPolarWebhook(rawBody, { ...headers, 'webhook-signature': 'v1,@@@' }, POLAR_SECRET), /Malformed webhook-signature/);
    await rejects(verifyPolarWebhook(JSON.parse(rawBody), headers, POLAR_SECRET), /raw request body/);
    await rejects(verifyPolarWebhook(rawBody, headers, ''), /polar_whs_/);
  });

  it('maps the SDK-validated event\'s raw JSON', async () => {
    const { rawBody, headers } = signPolar(order('order.paid'));
    expect(mapPolarEvent(await verifyPolarWebhook(rawBody, headers, POLAR_SECRET))).toMatchObject({ action: 'sale', input: { amount: 4900, currency: 'USD' } });
  });
});
