// `affitor-tracker/lemonsqueezy`: custom data for Lemon Squeezy checkouts (API and URLs), and a
// webhook verifier, mapper and one-call handler. No runtime dependency on a Lemon Squeezy package.
import { headerValue, recordMapping, runWebhook, type WebhookHandlerOptions, type WebhookOutcome } from '../webhooks/handler.js';
import { mapLemonSqueezyEvent } from './mapper.js';
import { verifyLemonSqueezyWebhook } from './signature.js';
import type { LemonSqueezyEventLike } from './types.js';

export interface LemonSqueezyWebhookOptions extends WebhookHandlerOptions {
  /** The signing secret you set on the webhook. */
  secret: string;
}

/**
 * Verifies a Lemon Squeezy webhook (`X-Signature`), maps it (see `mapLemonSqueezyEvent`) and
 * records the sale or refund. Never throws: answer with `outcome.httpStatus` — 500 only when a
 * redelivery can help. Each call carries an idempotency key derived from the event, so a
 * redelivered event is never applied twice.
 */
export function handleLemonSqueezyWebhook(options: LemonSqueezyWebhookOptions): Promise<WebhookOutcome<LemonSqueezyEventLike>> {
  return runWebhook(
    () => verifyLemonSqueezyWebhook(options.rawBody, headerValue(options.headers, 'x-signature'), options.secret),
    (event) => mapLemonSqueezyEvent(event, { programId: options.programId }),
    recordMapping(options.affitor),
  );
}

export * from '../webhooks/entry.js';
export { lemonSqueezyCheckoutUrl } from './checkout.js';
export { mapLemonSqueezyEvent, renewalTransactionId } from './mapper.js';
export type { LemonSqueezyMapOptions } from './mapper.js';
export { verifyLemonSqueezyWebhook } from './signature.js';
export type { LemonSqueezyEventLike, LemonSqueezyOrderLike, LemonSqueezySubscriptionInvoiceLike } from './types.js';
