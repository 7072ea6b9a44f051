// Our WebCrypto verifier against Paddle-Signature headers, cross-checked with Paddle's own SDK
// (@paddle/paddle-node-sdk verifies but cannot sign, so the test signer is node:crypto).
import { Paddle } from '@paddle/paddle-node-sdk';
import { describe, expect, it } from 'vitest';
import { mapPaddleEvent, verifyPaddleWebhook, WebhookSignatureError } from '../../src/paddle/index';
import { PADDLE_SECRET, signPaddle, transaction } from './fixtures';
import { rejectsWith } from '../webhooks/signature';

const paddle = new Paddle('pdl_sdbx_apikey_01hv8unused000000000000000_unusedunusedunusedunused');

const rejects = rejectsWith(WebhookSignatureError);

describe('verifyPaddleWebhook', () => {
  it('accepts what Paddle\'s SDK accepts, and the SDK\'s typed event maps like the raw one', async () => {
    const { rawBody, signature } = signPaddle(transaction('transaction.completed'));
    expect(await paddle.webhooks.isSignatureValid(rawBody, PADDLE_SECRET, signature)).toBe(true);
    const event = await verifyPaddleWebhook(rawBody, signature, PADDLE_SECRET);
    expect(event).toEqual(JSON.parse(rawBody));
    const typed = await paddle.webhooks.unmarshal(rawBody, PADDLE_SECRET, signature);
    expect(typed.eventId).toBe(event.event_id);
    expect(mapPaddleEvent(event)).toMatchObject({ action: 'sale', input: { invoiceId: typed.data.id } });
  });

  it('rejects what the SDK rejects: a tampered body and a wrong secret', async () => {
    const { rawBody, signature } = signPaddle(transaction('transaction.completed'));
    const tampered = rawBody.replace('"4900"', '"1"');
    expect(await paddle.webhooks.isSignatureValid(tampered, PADDLE_SECRET, signature)).toBe(false);
    await rejects(verifyPaddleWebhook(tampered, signature, PADDLE_SECRET), /No signature matches the body/);
    const other = signPaddle(transaction('transaction.completed'), { secret: 'pdl_ntfset_other' });
    expect(await paddle.webhooks.isSignatureValid(other.rawBody, PADDLE_SECRET, other.signature)).toBe(false);
    await rejects(verifyPaddleWebhook(other.rawBody, other.signature, PADDLE_SECRET), /check the secret/);
  });

  it('accepts bytes as well as text, including non-ASCII bodies', async () => {
    const { rawBody, signature } = signPaddle(transaction('transaction.completed', { custom_data: { affitor_customer_key: 'Zoë 東京' } }));
    await expect(verifyPaddleWebhook(Buffer.from(rawBody), signature, PADDLE_SECRET)).resolves.toMatchObject({ event_type: 'transaction.completed' });
    await expect(verifyPaddleWebhook(new TextEncoder().encode(rawBody), signature, PADDLE_SECRET)).resolves.toBeTruthy();
  });

  it('secret rotation: accepts when any of several h1 signatures matches', async () => {
    const { rawBody, signature } = signPaddle(transaction('transaction.completed'), { secret: 'pdl_ntfset_old', extraSecrets: [PADDLE_SECRET] });
    expect(signature.match(/h1=/g)).toHaveLength(2);
    await expect(verifyPaddleWebhook(rawBody, signature, PADDLE_SECRET)).resolves.toBeTruthy();
    await expect(verifyPaddleWebhook(rawBody, signature, 'pdl_ntfset_old')).resolves.toBeTruthy();
    await rejects(verifyPaddleWebhook(rawBody, signature, 'pdl_ntfset_neither'), /No signature matches/);
  });

  it('rejects a timestamp outside 5 minutes either way (replay, or a wrong clock), and honours a custom tolerance', async () => {
    const old = signPaddle(transaction('transaction.completed'), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    await rejects(verifyPaddleWebhook(old.rawBody, old.signature, PADDLE_SECRET), /30\d s old, outside the 300 s tolerance/);
    await expect(verifyPaddleWebhook(old.rawBody, old.signature, PADDLE_SECRET, { toleranceSeconds: 600 })).resolves.toBeTruthy();
    const future = signPaddle(transaction('transaction.completed'), { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    await rejects(verifyPaddleWebhook(future.rawBody, future.signature, PADDLE_SECRET), /in the future/);
    const recent = signPaddle(transaction('transaction.completed'), { timestamp: Math.floor(Date.now() / 1000) - 290 });
    await expect(verifyPaddleWebhook(recent.rawBody, recent.signature, PADDLE_SECRET)).resolves.toBeTruthy();
  });

  it('rejects missing or malformed headers, a parsed body, a missing secret and a signed non-event — saying what to do', async () => {
    const { rawBody, signature } = signPaddle(transaction('transaction.completed'));
    await rejects(verifyPaddleWebhook(rawBody, undefined, PADDLE_SECRET), /No Paddle-Signature header/);
    await rejects(verifyPaddleWebhook(rawBody, 'garbage', PADDLE_SECRET), /Malformed Paddle-Signature/);
    await rejects(verifyPaddleWebhook(rawBody, signature.replace(/h1=[0-9a-f]+/, 'h1=zz'), PADDLE_SECRET), /Malformed/);
    await rejects(verifyPaddleWebhook(JSON.parse(rawBody), signature, PADDLE_SECRET), /raw request body.*express\.raw/);
    await rejects(verifyPaddleWebhook(rawBody, signature, ''), /secret key/);
    const notEvent = signPaddle({ alert_name: 'payment_succeeded' });
    await rejects(verifyPaddleWebhook(notEvent.rawBody, notEvent.signature, PADDLE_SECRET), /not a Paddle Billing event/);
  });
});
