// Stripe webhook signature verification (WebCrypto, shared with the other providers in
// src/webhooks/crypto.ts). Scheme: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, where
// v1 = HMAC-SHA256(secret, `${t}.${rawBody}`).
import { anyHmacSha256Matches, checkTimestamp, parseSignedJson, parseTimestampedHeader, rawBodyBytes, signedMessage, type TimestampOptions } from '../webhooks/crypto.js';
import { WebhookSignatureError } from '../webhooks/signature-error.js';
import type { StripeEventLike } from './types.js';

/** The error every webhook verifier of this package throws; the Stripe name is kept for existing code. */
export const StripeSignatureError = WebhookSignatureError;
export type StripeSignatureError = WebhookSignatureError;

/** The signature's age check; the same options as every timestamped verifier's. */
export type VerifyOptions = TimestampOptions;

/**
 * Verifies a Stripe webhook and returns the parsed event; throws {@link StripeSignatureError}
 * saying what is wrong. `rawBody` must be the exact bytes Stripe sent: re-serialised JSON never
 * verifies (Express: `express.raw({ type: 'application/json' })`; Fetch: `await request.text()`).
 * The comparison is WebCrypto's HMAC verify, which is constant-time.
 */
export async function verifyStripeWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: VerifyOptions = {},
): Promise<StripeEventLike> {
  if (!secret) throw new StripeSignatureError('No webhook signing secret: pass the endpoint\'s `whsec_…` secret (Stripe Dashboard → Webhooks, or `stripe listen`).');
  const body = rawBodyBytes(rawBody);
  if (!signatureHeader) throw new StripeSignatureError('No Stripe-Signature header: pass the request\'s `stripe-signature` header.');
  const { timestamp, signatures } = parseTimestampedHeader(signatureHeader, { header: 'Stripe-Signature', separator: ',', timestampKey: 't', signatureKey: 'v1' });
  checkTimestamp('Stripe-Signature', timestamp, options);
  const valid = await anyHmacSha256Matches(secret, signedMessage(`${timestamp}.`, body), signatures);
  if (!valid) {
    throw new StripeSignatureError(
      'No signature matches the body: check the signing secret (each endpoint, and `stripe listen`, has its own whsec_…) and that the body is the exact raw bytes Stripe sent.',
    );
  }
  return parseSignedJson<StripeEventLike>(
    body,
    (e) => typeof e.type === 'string' && typeof e.data?.object === 'object' && !!e.data.object,
    'a Stripe event (expected JSON with `type` and `data.object`)',
  );
}
