// `affitor-tracker/clerk`: the lead of a Clerk sign-up. In the browser, `clerkSignUpMetadata()`
// puts the visitor's click id into the sign-up's `unsafeMetadata`; on the server,
// `handleClerkWebhook` verifies Clerk's `user.created` webhook (Svix signature) and records the
// lead. No runtime dependency on a Clerk or Svix package.
import type { Affitor } from '../server/client.js';
import type { TimestampOptions } from '../webhooks/crypto.js';
import { runWebhook, type RecordStep, type WebhookHeaders, type WebhookOutcome } from '../webhooks/handler.js';
import { mapClerkEvent, type ClerkMapping } from './mapper.js';
import { verifyClerkWebhook } from './signature.js';
import type { ClerkEventLike } from './types.js';

/** The part of a server client (`new Affitor({apiKey})`) the Clerk handler uses. */
export type ClerkWebhookAffitor = Pick<Affitor, 'trackLead'>;

export interface ClerkWebhookOptions extends Pick<TimestampOptions, 'toleranceSeconds'> {
  /** The exact request body (string or bytes), not parsed JSON. */
  rawBody: string | Uint8Array;
  /** The request's headers (Fetch `Headers`, Node `req.headers`, or a plain object): `svix-id`, `svix-timestamp`, `svix-signature`. */
  headers: WebhookHeaders;
  /** The endpoint's Signing Secret, `whsec_…`. */
  secret: string;
  /** A server client (`new Affitor({apiKey})`); only `trackLead` is used. */
  affitor: ClerkWebhookAffitor;
}

const recordLead =
  (affitor: ClerkWebhookAffitor): RecordStep<ClerkEventLike, ClerkMapping> =>
  async (mapped, _event, outcome) => {
    if (mapped.action === 'ignore') return;
    outcome.sent = mapped.input;
    outcome.result = await affitor.trackLead(mapped.input, { idempotencyKey: mapped.idempotencyKey });
  };

/**
 * Verifies a Clerk webhook, maps `user.created` to a lead (see `mapClerkEvent`) and records it.
 * Never throws: answer Clerk with `outcome.httpStatus` — 400 for a bad signature, 500 only when a
 * redelivery can help, else 200 (other events are answered 200 and ignored). The call's
 * idempotency key is derived from `svix-id`, so a redelivered event is recorded once.
 */
export function handleClerkWebhook(options: ClerkWebhookOptions): Promise<WebhookOutcome<ClerkEventLike, ClerkMapping>> {
  // The message id is in the headers, not the body: verification hands it to the mapping.
  let messageId = '';
  return runWebhook(
    async () => {
      const verified = await verifyClerkWebhook(options.rawBody, options.headers, options.secret, { toleranceSeconds: options.toleranceSeconds });
      messageId = verified.messageId;
      return verified.event;
    },
    (event) => mapClerkEvent(event, messageId),
    recordLead(options.affitor),
  );
}

export { clerkSignUpMetadata, CLERK_CLICK_ID_KEY } from './metadata.js';
export type { ClerkSignUpMetadata } from './metadata.js';
export { mapClerkEvent, primaryEmail } from './mapper.js';
export type { ClerkIgnoreReason, ClerkMapping } from './mapper.js';
export { verifyClerkWebhook } from './signature.js';
export type { ClerkVerifyOptions, VerifiedClerkEvent } from './signature.js';
export type { ClerkEmailAddressLike, ClerkEventLike, ClerkUserLike } from './types.js';
export { WebCryptoUnavailableError, WebhookSignatureError } from '../webhooks/signature-error.js';
export type { WebhookHeaders, WebhookOutcome } from '../webhooks/handler.js';
