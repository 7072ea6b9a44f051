// What every provider's webhook handler shares (Stripe, Paddle, Lemon Squeezy, Polar, Clerk): the headers
// they read, the mapper's result, the outcome and the one verify → map → record runner.
import type { Affitor } from '../server/client.js';
import type { TrackLeadInput, TrackRefundInput, TrackSaleInput } from '../server/inputs.js';
import type { AffitorResult } from '../server/responses.js';
import { worthRedelivery } from '../server/retry.js';
import { WebhookSignatureError } from './signature-error.js';

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
  /**
   * Your program id: events whose custom data names another `program_id` are ignored (`other_program`).
   * @default undefined, no event is ignored for its program
   */
  programId?: string | number;
}

export interface WebhookOutcome<Event, Mapping = WebhookMapping> {
  /** The verified event; null when verification failed. */
  event: Event | null;
  mapped: Mapping | null;
  /** The input of the Affitor call whose result is `result` (a Stripe refund may try several keys; Clerk sends a lead). */
  sent: TrackSaleInput | TrackRefundInput | TrackLeadInput | null;
  /** The last Affitor call's result; null when nothing was sent. */
  result: AffitorResult | null;
  /**
   * Already recorded: a 409 (the sale exists), a repeat the API recognised, or the API's stored
   * answer to this event's key (a redelivery, or an earlier attempt whose answer was lost). Success.
   */
  duplicate: boolean;
  /**
   * Worth a redelivery (see `worthRedelivery`): no answer, 408, 429 or 5xx, or a configuration the
   * shop fixes while the provider keeps redelivering (401/403, a redirect or non-JSON answer from
   * `apiUrl`). Never for {@link outcomeUnknown}.
   */
  retryable: boolean;
  /**
   * A partial refund got no usable answer and may have been recorded; it is not redelivered, since
   * an API that does not honour `Idempotency-Key` would deduct it twice. Check it in Affitor.
   */
  outcomeUnknown: boolean;
  /** What to answer the provider: 400 bad signature, 500 retryable, else 200. */
  httpStatus: 200 | 400 | 500;
  /** Why it failed, when it did. */
  error?: string;
}

/**
 * A handler's record step: makes the Affitor call(s) `mapped` implies, setting `outcome.sent` and
 * `outcome.result` before each call settles, so a later throw leaves the last attempt in the outcome.
 */
export type RecordStep<Event, Mapping> = (mapped: Mapping, event: Event, outcome: WebhookOutcome<Event, Mapping>) => Promise<void>;

/** The providers' record step: one call for a sale or a refund, under the mapping's idempotency key. */
export const recordMapping =
  <Event>(affitor: WebhookAffitor): RecordStep<Event, WebhookMapping> =>
  async (mapped, _event, outcome) => {
    if (mapped.action === 'ignore') return;
    const key = { idempotencyKey: mapped.idempotencyKey };
    outcome.sent = mapped.input;
    outcome.result = mapped.action === 'sale' ? await affitor.trackSale(mapped.input, key) : await affitor.trackRefund(mapped.input, key);
  };

/**
 * Verify → map → record, never throwing: the body of every `handle…Webhook` (Stripe's too).
 * `verify` throws {@link WebhookSignatureError} for a bad signature (→ 400, never delivered again);
 * any other failure — WebCrypto missing, a mapper or a record step that throws — is the server's,
 * answered 500 so that the provider's redelivery lands once it is fixed.
 */
export async function runWebhook<Event, Mapping>(
  verify: () => Promise<Event>,
  map: (event: Event) => Mapping,
  record: RecordStep<Event, Mapping>,
): Promise<WebhookOutcome<Event, Mapping>> {
  const outcome: WebhookOutcome<Event, Mapping> = {
    event: null,
    mapped: null,
    sent: null,
    result: null,
    duplicate: false,
    retryable: false,
    outcomeUnknown: false,
    httpStatus: 200,
  };
  let event: Event;
  try {
    event = outcome.event = await verify();
  } catch (err) {
    if (!(err instanceof WebhookSignatureError)) return serverFailure(outcome, err);
    outcome.httpStatus = 400;
    outcome.error = err.message;
    return outcome;
  }
  try {
    const mapped = (outcome.mapped = map(event));
    await record(mapped, event, outcome);
  } catch (err) {
    // The server client never rejects on HTTP or network failures and the mappers only emit valid
    // input, so a throw is a mapper's bug, a wrapping client's or a resolver's failure (e.g. a
    // failed Stripe API call): worth a redelivery rather than a lost sale.
    return serverFailure(outcome, err);
  }
  const result = outcome.result;
  if (!result) return outcome;
  outcome.duplicate = result.duplicate === true || result.replayed === true;
  outcome.outcomeUnknown = result.outcomeUnknown === true;
  outcome.retryable = worthRedelivery(result);
  if (outcome.retryable) outcome.httpStatus = 500;
  if (!result.ok && !outcome.duplicate) {
    outcome.error = outcome.outcomeUnknown
      ? `${result.error}: the partial refund may have been recorded; it is not sent again (an API that ignores Idempotency-Key would deduct it twice) — check it in Affitor`
      : result.error;
  }
  return outcome;
}

/** A failure of this server, not of the request: 500 and retryable, so the provider delivers again. */
function serverFailure<Event, Mapping>(outcome: WebhookOutcome<Event, Mapping>, err: unknown): WebhookOutcome<Event, Mapping> {
  outcome.retryable = true;
  outcome.httpStatus = 500;
  outcome.error = err instanceof Error ? err.message : String(err);
  return outcome;
}
