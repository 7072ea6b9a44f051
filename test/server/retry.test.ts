import { describe, expect, it } from 'vitest';
import { isRetryable, mayHaveLanded, parseRetryAfter, retriedWithinTheCall, retryDelayMs } from '../../src/server/retry';

const STATUSES = [0, 200, 301, 400, 401, 404, 408, 409, 429, 500, 501, 502, 503, 504, 505];

describe('retry policy', () => {
  it('a later attempt may succeed after 0, 408, 429 and 5xx', () => {
    expect(STATUSES.filter(isRetryable)).toEqual([0, 408, 429, 500, 501, 502, 503, 504, 505]);
  });

  it('within the call, everything retryable but 500 (its explanation would turn into a 409)', () => {
    expect(STATUSES.filter(retriedWithinTheCall)).toEqual([0, 408, 429, 501, 502, 503, 504, 505]);
  });

  it('may have landed: lost answers, gateway errors, 500, a 2xx that was not the API; not refusals or connect failures', () => {
    expect(STATUSES.filter((s) => mayHaveLanded(s, undefined))).toEqual([0, 200, 500, 501, 502, 504, 505]);
    expect(mayHaveLanded(0, 'ECONNRESET')).toBe(true);
    expect(mayHaveLanded(0, 'UND_ERR_SOCKET')).toBe(true);
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']) expect(mayHaveLanded(0, code)).toBe(false);
  });

  it('backs off 250·2^n ms, capped at 2 s', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => retryDelayMs(n, null))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it('honours Retry-After (seconds or HTTP date) when longer; past 10 s, no retry within the call (null)', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(0, '3', now)).toBe(3000);
    expect(retryDelayMs(3, '1', now)).toBe(2000);
    expect(retryDelayMs(0, '120', now)).toBeNull();
    expect(retryDelayMs(0, 'Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryDelayMs(0, 'soon', now)).toBe(250);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null)).toBeNull();
  });
});
