import { describe, expect, it } from 'vitest';
import { verifyLemonSqueezyWebhook, WebhookSignatureError } from '../../src/lemonsqueezy/index';
import { LS_SECRET, order, signLemonSqueezy } from './fixtures';
import { rejectsWith } from '../webhooks/signature';

const rejects = rejectsWith(WebhookSignatureError);

describe('verifyLemonSqueezyWebhook', () => {
  it('accepts the documented X-Signature (hex HMAC-SHA256 of the raw body) and returns the event', async () => {
    const { rawBody, signature } = signLemonSqueezy(order('order_created'));
    expect(await verifyLemonSqueezyWebhook(rawBody, signature, LS_SECRET)).toEqual(JSON.parse(rawBody));
    await expect(verifyLemonSqueezyWebhook(Buffer.from(rawBody), signature.toUpperCase(), LS_SECRET)).resolves.toBeTruthy();
  });

  it('rejects a tampered body, the wrong secret and re-serialised JSON', async () => {
    const { rawBody, signature } = signLemonSqueezy(order('order_created'));
    await rejects(verifyLemonSqueezyWebhook(rawBody.replace('4900', '1'), signature, LS_SECRET), /No signature matches the body/);
    await rejects(verifyLemonSqueezyWebhook(rawBody, signLemonSqueezy(order('order_created'), 'other').signature, LS_SECRET), /signing secret/);
    await rejects(verifyLemonSqueezyWebhook(JSON.stringify(JSON.parse(rawBody), null, 2), signature, LS_SECRET), /exact raw bytes/);
  });

  it('rejects missing or malformed input, saying what to do', async () => {
    const { rawBody, signature } = signLemonSqueezy(order('order_created'));
    await rejects(verifyLemonSqueezyWebhook(rawBody, undefined, LS_SECRET), /No X-Signature header/);
    await rejects(verifyLemonSqueezyWebhook(rawBody, 'sha256=xyz', LS_SECRET), /Malformed X-Signature/);
    await rejects(verifyLemonSqueezyWebhook(JSON.parse(rawBody), signature, LS_SECRET), /raw request body/);
    await rejects(verifyLemonSqueezyWebhook(rawBody, signature, ''), /signing secret/);
    const other = signLemonSqueezy({ event: 'order_created' });
    await rejects(verifyLemonSqueezyWebhook(other.rawBody, other.signature, LS_SECRET), /not a Lemon Squeezy event/);
  });
});
