// What the Paddle, Lemon Squeezy and Polar handlers share: the headers they read, the mapper's
// result, the outcome (the same shape as `handleStripeWebhook`'s) and the one record step.
import type { Affitor } from '../server/client.js';
import type { TrackRefundInput, TrackSaleInput } from '../server/inputs.js';
import type { AffitorResult } from '../server/responses.js';
import { worthRedelivery } from '../server/retry.js';
import { WebhookSignatureError } from './crypto.js';

/** Request headers as any server framework gives them: Fetch `Headers`, Node's `req.headers`, or a plain object. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined | null>;

/** The header's value (case-insensitive name); the first one when a framework gives an array. */
export function headerValue(headers: WebhookHeaders | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined | null>)) {
    if (key.toLowerCase() === lower) return (Array.isArray(value) ? value[0] : value) ?? undefined;
  }
  return undefined;
}

/** The part of a server client (`new Affitor({apiKey})`) the handlers use. */
export type WebhookAffitor = Pick<Affitor, 'trackSale' | 'trackRefund'>;


/** The Stripe mapper's reasons, plus `not_approved`: a refund the provider has not approved (yet). */
export type IgnoreReason = 'unhandled_event' | 'unpaid' | 'zero_amount' | 'not_renewal' | 'no_attribution_metadata' | 'other_program' | 'not_approved';

/**
 * A verified event → the Affitor call it implies. `idempotencyKey` names the logical call, so a
 * redelivered event (or a second event announcing the same refund) is never applied twice.
 */
export type WebhookMapping =
  | { action: 'sale'; input: TrackSaleInput; idempotencyKey: string }
  | { action: 'refund'; input: TrackRefundInput; idempotencyKey: string }
  | { action: 'ignore'; reason: IgnoreReason };

export interface WebhookHandlerOptions {
  /** The exact request body (string or bytes), not parsed JSON. */
  rawBody: string | Uint8Array;
  /** The request's headers (Fetch `Headers`, Node `req.headers`, or a plain object). */
  headers: WebhookHeaders;
  /** The endpoint's signing secret. */
  secret: string;
  /** A server client (`new Affitor({apiKey})`); only `trackSale` and `trackRefund` are used. */
  affitor: WebhookAffitor;
  /** Ignore events whose custom data names another `program_id`. */
  programId?: string | number;
}

export interface WebhookOutcome<Event> {
  /** The verified event; null when verification failed. */
  event: Event | null;
  mapped: WebhookMapping | null;
  /** The input of the Affitor call whose result is `result`. */
  sent: TrackSaleInput | TrackRefundInput | null;
  /** The Affitor call's result; null when nothing was sent. */
  result: AffitorResult | null;
  /** 409: the sale was already recorded (a redelivery). Success. */
  duplicate: boolean;
  /** Worth a redelivery (see `worthRedelivery`): never for a call that may already have been applied. */
  retryable: boolean;
  /** What to answer the provider: 400 bad signature, 500 retryable, else 200. */
  httpStatus: 200 | 400 | 500;
  /** Why it failed, when it did. */
  error?: string;
}


/**
 * Verify → map → record, never throwing: the body of each provider's `handle…Webhook`.
 * `verify` throws {@link WebhookSignatureError} for a bad signature (→ 400).
 */
export async function runWebhook<Event>(
  options: WebhookHandlerOptions,
  verify: () => Promise<Event>,
  map: (event: Event) => WebhookMapping,
): Promise<WebhookOutcome<Event>> {
  const outcome: WebhookOutcome<Event> = { event: null, mapped: null, sent: null, result: null, duplicate: false, retryable: false, httpStatus: 200 };
  try {
    outcome.event = await verify();
  } catch (err) {
    outcome.httpStatus = 400;
    outcome.error = err instanceof WebhookSignatureError ? err.message : String(err);
    return outcome;
  }
  const mapped = (outcome.mapped = map(outcome.event));
  if (mapped.action === 'ignore') return outcome;
  outcome.sent = mapped.input;
  try {
    outcome.result =
      mapped.action === 'sale'
        ? await options.affitor.trackSale(mapped.input, { idempotencyKey: mapped.idempotencyKey })
        : await options.affitor.trackRefund(mapped.input, { idempotencyKey: mapped.idempotencyKey });
  } catch (err) {
    // The server client never rejects on HTTP or network failures, and the mappers only emit valid
    // input, so a throw is a wrapping client's failure: worth a redelivery rather than a lost sale.
    outcome.retryable = true;
    outcome.httpStatus = 500;
    outcome.error = err instanceof Error ? err.message : String(err);
    return outcome;
  }
  const result = outcome.result;
  outcome.duplicate = result.duplicate === true;
  outcome.retryable = worthRedelivery(result);
  if (outcome.retryable) outcome.httpStatus = 500;
  if (!result.ok && !outcome.duplicate) outcome.error = result.error;
  return outcome;
}
