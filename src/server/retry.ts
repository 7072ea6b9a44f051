// Retry policy of the server client (docs/protocol.md §8.3, protocol §12.3), as pure functions so it is
// tested on its own.
import { isRetryable } from '../shared/status.js';
import type { AffitorResult } from './responses.js';

/**
 * A later attempt of the same request may succeed: no answer (0), 408, 429, 5xx. The client retries
 * these within the call except 500 (see {@link retriedWithinTheCall}); `AffitorResult.retryable`
 * and the Stripe handler's redelivery decision start from this rule.
 */
export { isRetryable };

/**
 * 500 is retryable later but not retried at once: Affitor answers 500 "Failed to create commission"
 * after the sale was written, so an immediate retry would only turn that explanation into a 409.
 */
export const retriedWithinTheCall = (status: number) => isRetryable(status) && status !== 500;

/** Connection errors raised before any byte of the request left: such a request cannot have landed. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Whether a failed attempt may have been applied by the API although no usable answer came back:
 * a lost answer (timeout, connection cut after sending), a gateway error (502/504: the upstream may
 * have processed it), a 500, or a 2xx that was not the API's answer. 408, 429 and 503 are refusals
 * before processing; a refused connection or failed DNS lookup never sent the request.
 */
export function mayHaveLanded(status: number, networkErrorCode: string | undefined): boolean {
  if (status === 0) return !(networkErrorCode !== undefined && NEVER_SENT.has(networkErrorCode));
  return status !== 408 && status !== 429 && status !== 503 && (status >= 500 || (status >= 200 && status < 300));
}

const BASE_MS = 250;
const BACKOFF_CAP_MS = 2_000;
/**
 * The longest pause a call waits for within itself: a server asking for longer is answered at once
 * (its `retryAfterSeconds` says when), since a signup handler must not hang for minutes and an
 * earlier retry would only be refused again.
 */
export const RETRY_AFTER_CAP_MS = 10_000;

/** `Retry-After` (delay-seconds or an HTTP date) in ms, or null when absent or unparsable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Pause before retry number `retry` (0 = the first retry): `250·2^retry` ms capped at 2 s, or the
 * server's `Retry-After` when that is longer; null when the server asks for more than
 * {@link RETRY_AFTER_CAP_MS}: no retry within the call, never one before the server's own time.
 */
export function retryDelayMs(retry: number, retryAfter: string | null, now = Date.now()): number | null {
  const backoff = Math.min(BASE_MS * 2 ** retry, BACKOFF_CAP_MS);
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== null && asked > RETRY_AFTER_CAP_MS) return null;
  return Math.max(backoff, asked ?? 0);
}

/**
 * Whether a webhook handler should ask the provider to deliver the event again (answer 5xx): the
 * call failed in a way a later attempt can cure — `retryable`, or a key or API URL that is wrong
 * until the shop fixes it (`unauthorized`, `unexpected_response`). Never for a duplicate, and never
 * when the call may already have been applied (`outcomeUnknown`): a redelivery could apply it twice.
 */
export const worthRedelivery = (result: AffitorResult) =>
  !result.ok &&
  result.duplicate !== true &&
  result.outcomeUnknown !== true &&
  (result.retryable || result.code === 'unauthorized' || result.code === 'unexpected_response');
