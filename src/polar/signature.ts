// Polar webhook signatures, Standard Webhooks: `webhook-id`, `webhook-timestamp` (unix seconds) and
// `webhook-signature: v1,<base64>[ v1,<base64>…]`, each HMAC-SHA256(key, `${id}.${timestamp}.${body}`).
// The key is the secret's own UTF-8 bytes, as Polar's SDK uses it (it base64-encodes the secret for
// the `standardwebhooks` library, which decodes it again); several signatures arrive during a
// secret rotation.
import {
  anyHmacSha256Matches,
  base64ToBytes,
  checkTimestamp,
  parseSignedJson,
  rawBodyBytes,
  signedMessage,
  type TimestampOptions,
} from '../webhooks/crypto.js';
import { WebhookSignatureError } from '../webhooks/signature-error.js';
import { headerValue, type WebhookHeaders } from '../webhooks/handler.js';
import type { PolarEventLike } from './types.js';

/** The age check of `webhook-timestamp`; the same options as every timestamped verifier's. */
export type PolarVerifyOptions = TimestampOptions;

/**
 * Verifies a Polar webhook and returns the parsed event; throws {@link WebhookSignatureError}
 * saying what is wrong. `rawBody` must be the exact bytes Polar sent (Express:
 * `express.raw({ type: 'application/json' })`; Fetch: `await request.text()`).
 */
export async function verifyPolarWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: PolarVerifyOptions = {},
): Promise<PolarEventLike> {
  if (!secret) throw new WebhookSignatureError("No webhook secret: pass the endpoint's secret (Polar → Settings → Webhooks), `polar_whs_…`.");
  const body = rawBodyBytes(rawBody);
  const id = headerValue(headers, 'webhook-id');
  const timestampHeader = headerValue(headers, 'webhook-timestamp');
  const signatureHeader = headerValue(headers, 'webhook-signature');
  if (!id || !timestampHeader || !signatureHeader) {
    throw new WebhookSignatureError("Missing webhook-id, webhook-timestamp or webhook-signature header: pass the request's headers.");
  }
  if (!/^\d+$/.test(timestampHeader)) throw new WebhookSignatureError('Malformed webhook-timestamp header: expected unix seconds.');
  const signatures = signatureHeader
    .split(' ')
    .map((entry) => (entry.startsWith('v1,') ? base64ToBytes(entry.slice(3)) : null))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => !!bytes);
  if (signatures.length === 0) throw new WebhookSignatureError('Malformed webhook-signature header: expected "v1,<base64 signature>".');
  checkTimestamp('webhook-timestamp', Number(timestampHeader), options);
  if (!(await anyHmacSha256Matches(secret, signedMessage(`${id}.${timestampHeader}.`, body), signatures))) {
    throw new WebhookSignatureError(
      "No signature matches the body: check the secret (each Polar endpoint has its own) and that the body is the exact raw bytes Polar sent.",
    );
  }
  return parseSignedJson<PolarEventLike>(
    body,
    (e) => typeof e.type === 'string' && !!e.data && typeof e.data === 'object',
    'a Polar event (expected JSON with `type` and `data`)',
  );
}
