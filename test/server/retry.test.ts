import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs, shouldRetry } from '../../src/server/retry';

describe('retry policy', () => {
  it('retries only 0, 408, 429, 502, 503, 504', () => {
    const retried = [0, 200, 400, 401, 404, 408, 409, 429, 500, 501, 502, 503, 504, 505].filter(shouldRetry);
    expect(retried).toEqual([0, 408, 429, 502, 503, 504]);
  });

  it('backs off 250·2^n ms, capped at 2 s', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => retryDelayMs(n, null))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  });

  it('honours Retry-After (seconds or HTTP date) when longer, up to 10 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(0, '3', now)).toBe(3000);
    expect(retryDelayMs(3, '1', now)).toBe(2000);
    expect(retryDelayMs(0, '120', now)).toBe(10000);
    expect(retryDelayMs(0, 'Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryDelayMs(0, 'soon', now)).toBe(250);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null)).toBeNull();
  });
});
