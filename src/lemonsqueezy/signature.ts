// Lemon Squeezy webhook signatures: `X-Signature: <hex>`, HMAC-SHA256(secret, rawBody). The scheme
// has no timestamp (a captured request verifies forever: the idempotency keys keep a replay from
// being applied twice) and no rotation (change the secret in the dashboard and here together).
import { anyHmacSha256Matches, hexToBytes, parseSignedJson, rawBodyBytes } from '../webhooks/crypto.js';
import { WebhookSignatureError } from '../webhooks/signature-error.js';
import type { LemonSqueezyEventLike } from './types.js';

/**
 * Verifies a Lemon Squeezy webhook and returns the parsed event; throws
 * {@link WebhookSignatureError} saying what is wrong. `rawBody` must be the exact bytes Lemon
 * Squeezy sent (Express: `express.raw({ type: 'application/json' })`; Fetch: `await request.text()`).
 */
export async function verifyLemonSqueezyWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
): Promise<LemonSqueezyEventLike> {
  if (!secret) throw new WebhookSignatureError("No webhook signing secret: pass the secret you set on the webhook (Lemon Squeezy → Settings → Webhooks).");
  const body = rawBodyBytes(rawBody);
  if (!signatureHeader) throw new WebhookSignatureError("No X-Signature header: pass the request's `x-signature` header.");
  const signature = hexToBytes(signatureHeader.trim());
  if (!signature) throw new WebhookSignatureError('Malformed X-Signature header: expected the hex HMAC-SHA256 of the body.');
  if (!(await anyHmacSha256Matches(secret, body, [signature]))) {
    throw new WebhookSignatureError(
      "No signature matches the body: check the signing secret (each webhook has its own) and that the body is the exact raw bytes Lemon Squeezy sent.",
    );
  }
  return parseSignedJson<LemonSqueezyEventLike>(
    body,
    (e) => typeof e.meta?.event_name === 'string' && !!e.data && typeof e.data.id === 'string' && typeof e.data.attributes === 'object' && !!e.data.attributes,
    'a Lemon Squeezy event (expected JSON with `meta.event_name` and `data.attributes`)',
  );
}
