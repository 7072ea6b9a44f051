// Polar webhook signatures, Standard Webhooks (`webhook-id`, `webhook-timestamp`,
// `webhook-signature`; see webhooks/standard.ts). The key is the secret's own UTF-8 bytes, as
// Polar's SDK uses it (it base64-encodes the secret for the `standardwebhooks` library, which
// decodes it again).
import { parseSignedJson, type TimestampOptions } from '../webhooks/crypto.js';
import { WebhookSignatureError } from '../webhooks/signature-error.js';
import type { WebhookHeaders } from '../webhooks/handler.js';
import { verifyStandardSignature } from '../webhooks/standard.js';
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
  const { body } = await verifyStandardSignature(
    rawBody,
    headers,
    {
      headerPrefix: 'webhook',
      key: secret,
      secretHint: 'check the secret (each Polar endpoint has its own) and that the body is the exact raw bytes Polar sent.',
    },
    options,
  );
  return parseSignedJson<PolarEventLike>(
    body,
    (e) => typeof e.type === 'string' && !!e.data && typeof e.data === 'object',
    'a Polar event (expected JSON with `type` and `data`)',
  );
}
