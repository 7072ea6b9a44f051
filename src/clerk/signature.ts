// Clerk webhook signatures: Clerk delivers through Svix (`svix-id`, `svix-timestamp`,
// `svix-signature`; the scheme is in webhooks/standard.ts). The secret is `whsec_<base64>` and the
// HMAC key is the base64-decoded part, as Svix's libraries use it.
import { base64ToBytes, parseSignedJson, type TimestampOptions } from '../webhooks/crypto.js';
import type { WebhookHeaders } from '../webhooks/handler.js';
import { WebhookSignatureError } from '../webhooks/signature-error.js';
import { verifyStandardSignature } from '../webhooks/standard.js';
import type { ClerkEventLike } from './types.js';

/** The age check of `svix-timestamp`; the same options as every timestamped verifier's. */
export type ClerkVerifyOptions = TimestampOptions;

/** A verified Clerk event and its Svix message id (the same on every redelivery). */
export interface VerifiedClerkEvent {
  event: ClerkEventLike;
  messageId: string;
}

function signingKey(secret: string): Uint8Array<ArrayBuffer> {
  const key = typeof secret === 'string' && secret.startsWith('whsec_') ? base64ToBytes(secret.slice('whsec_'.length)) : null;
  if (!key) {
    throw new WebhookSignatureError(
      'The webhook secret must be the endpoint\'s Signing Secret, "whsec_…" (Clerk Dashboard → Webhooks → your endpoint), e.g. process.env.CLERK_WEBHOOK_SIGNING_SECRET.',
    );
  }
  return key;
}

/**
 * Verifies a Clerk webhook and returns the parsed event with its `svix-id`; throws
 * {@link WebhookSignatureError} saying what is wrong. `rawBody` must be the exact bytes Clerk sent
 * (Express: `express.raw({ type: 'application/json' })`; Fetch: `await request.text()`).
 */
export async function verifyClerkWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: ClerkVerifyOptions = {},
): Promise<VerifiedClerkEvent> {
  const key = signingKey(secret);
  const { body, id } = await verifyStandardSignature(
    rawBody,
    headers,
    {
      headerPrefix: 'svix',
      key,
      secretHint: 'check the Signing Secret (each Clerk endpoint has its own) and that the body is the exact raw bytes Clerk sent.',
    },
    options,
  );
  const event = parseSignedJson<ClerkEventLike>(
    body,
    (e) => typeof e.type === 'string' && !!e.data && typeof e.data === 'object',
    'a Clerk event (expected JSON with `type` and `data`)',
  );
  return { event, messageId: id };
}
