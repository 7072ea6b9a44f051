// `affitor-tracker/polar`: checkout metadata for Polar, and a webhook verifier (Standard Webhooks),
// mapper and one-call handler. No runtime dependency on a Polar package.
import type { TimestampOptions } from '../webhooks/crypto.js';
import { recordMapping, runWebhook, type WebhookHandlerOptions, type WebhookOutcome } from '../webhooks/handler.js';
import { mapPolarEvent } from './mapper.js';
import { verifyPolarWebhook } from './signature.js';
import type { PolarEventLike } from './types.js';

export interface PolarWebhookOptions extends WebhookHandlerOptions, Pick<TimestampOptions, 'toleranceSeconds'> {
  /** The endpoint's secret, `polar_whs_…`. */
  secret: string;
}

/**
 * Verifies a Polar webhook (`webhook-id` / `webhook-timestamp` / `webhook-signature`), maps it
 * (see `mapPolarEvent`) and records the sale or refund. Never throws: answer Polar with
 * `outcome.httpStatus` — 500 only when a redelivery can help. Each call carries an idempotency key
 * derived from the event, so a redelivered event is never applied twice.
 */
export function handlePolarWebhook(options: PolarWebhookOptions): Promise<WebhookOutcome<PolarEventLike>> {
  return runWebhook(
    () => verifyPolarWebhook(options.rawBody, options.headers, options.secret, { toleranceSeconds: options.toleranceSeconds }),
    (event) => mapPolarEvent(event, { programId: options.programId }),
    recordMapping(options.affitor),
  );
}

export * from '../webhooks/entry.js';
export { mapPolarEvent } from './mapper.js';
export type { PolarMapOptions } from './mapper.js';
export { verifyPolarWebhook } from './signature.js';
export type { PolarVerifyOptions } from './signature.js';
export type { PolarEventLike, PolarMetadata, PolarOrderLike, PolarRefundLike } from './types.js';
