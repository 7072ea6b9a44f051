// Paddle Billing webhook signatures: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, where
// h1 = HMAC-SHA256(secret, `${ts}:${rawBody}`); during a secret rotation Paddle sends one h1 per
// valid secret.
import { anyHmacSha256Matches, checkTimestamp, parseSignedJson, parseTimestampedHeader, rawBodyBytes, signedMessage, type TimestampOptions } from '../webhooks/crypto.js';
import { WebhookSignatureError } from '../webhooks/signature-error.js';
import type { PaddleEventLike } from './types.js';

/** The signature's age check; the same options as every timestamped verifier's. */
export type PaddleVerifyOptions = TimestampOptions;

/**
 * Verifies a Paddle Billing webhook and returns the parsed event; throws
 * {@link WebhookSignatureError} saying what is wrong. `rawBody` must be the exact bytes Paddle
 * sent (Express: `express.raw({ type: 'application/json' })`; Fetch: `await request.text()`).
 */
export async function verifyPaddleWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: PaddleVerifyOptions = {},
): Promise<PaddleEventLike> {
  if (!secret) throw new WebhookSignatureError("No webhook secret: pass the notification destination's secret key (Paddle → Developer tools → Notifications), `pdl_ntfset_…`.");
  const body = rawBodyBytes(rawBody);
  if (!signatureHeader) throw new WebhookSignatureError("No Paddle-Signature header: pass the request's `paddle-signature` header.");
  const { timestamp, signatures } = parseTimestampedHeader(signatureHeader, { header: 'Paddle-Signature', separator: ';', timestampKey: 'ts', signatureKey: 'h1' });
  checkTimestamp('Paddle-Signature', timestamp, options);
  if (!(await anyHmacSha256Matches(secret, signedMessage(`${timestamp}:`, body), signatures))) {
    throw new WebhookSignatureError(
      "No signature matches the body: check the secret (each notification destination has its own) and that the body is the exact raw bytes Paddle sent.",
    );
  }
  return parseSignedJson<PaddleEventLike>(
    body,
    (e) => typeof e.event_type === 'string' && typeof e.event_id === 'string' && !!e.data && typeof e.data === 'object',
    'a Paddle Billing event (expected JSON with `event_id`, `event_type` and `data`; Paddle Classic alerts are form posts and not supported)',
  );
}
