// `affitor-tracker/paddle`: custom data for Paddle Billing checkouts, and a webhook verifier,
// mapper and one-call handler. No runtime dependency on a Paddle package.
import type { TimestampOptions } from '../webhooks/crypto.js';
import { recordMapping, runWebhook, type WebhookHandlerOptions, type WebhookOutcome, headerValue } from '../webhooks/handler.js';
import { mapPaddleEvent } from './mapper.js';
import { verifyPaddleWebhook } from './signature.js';
import type { PaddleEventLike } from './types.js';

export interface PaddleWebhookOptions extends WebhookHandlerOptions, Pick<TimestampOptions, 'toleranceSeconds'> {
  /** The notification destination's secret key. */
  secret: string;
}

/**
 * Verifies a Paddle Billing webhook (`Paddle-Signature`), maps it (see `mapPaddleEvent`) and
 * records the sale or refund. Never throws: answer Paddle with `outcome.httpStatus` — 500 only when
 * a redelivery can help. Each call carries an idempotency key derived from the event (the refund's
 * adjustment id for refunds), so a redelivered event is never applied twice.
 */
export function handlePaddleWebhook(options: PaddleWebhookOptions): Promise<WebhookOutcome<PaddleEventLike>> {
  return runWebhook(
    () => verifyPaddleWebhook(options.rawBody, headerValue(options.headers, 'paddle-signature'), options.secret, { toleranceSeconds: options.toleranceSeconds }),
    (event) => mapPaddleEvent(event, { programId: options.programId }),
    recordMapping(options.affitor),
  );
}

export * from '../webhooks/entry.js';
export { mapPaddleEvent } from './mapper.js';
export type { PaddleMapOptions } from './mapper.js';
export { verifyPaddleWebhook } from './signature.js';
export type { PaddleVerifyOptions } from './signature.js';
export type { PaddleAdjustmentLike, PaddleCustomData, PaddleEventLike, PaddleTransactionLike } from './types.js';
