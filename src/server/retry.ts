// Retry policy of the server client (contract §8.3), as pure functions so it is tested on its own.

/**
 * Statuses worth another attempt of an idempotent call: no response (0), 408, 429, 502, 503, 504.
 * 500 is deliberately absent: Affitor answers 500 "Failed to create commission" after the sale was
 * written, so the outcome is known and a retry would only turn it into a 409.
 */
export const shouldRetry = (status: number) => status === 0 || status === 408 || status === 429 || (status >= 502 && status <= 504);

const BASE_MS = 250;
const BACKOFF_CAP_MS = 2_000;
/** A server asking for a longer pause than this gets the cap: a signup handler must not hang for minutes. */
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
 * server's `Retry-After` when that is longer, itself capped at 10 s.
 */
export function retryDelayMs(retry: number, retryAfter: string | null, now = Date.now()): number {
  const backoff = Math.min(BASE_MS * 2 ** retry, BACKOFF_CAP_MS);
  const asked = parseRetryAfter(retryAfter, now);
  return asked === null ? backoff : Math.max(backoff, Math.min(asked, RETRY_AFTER_CAP_MS));
}
