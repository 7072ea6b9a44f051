import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_ATTEMPTS, isRetryable, isSuccess, retry, retryDelay, toJson } from '../../src/core/transport';

describe('retryDelay (protocol §3.4 plus jitter)', () => {
  it('doubles from 1 s and caps at 8 s at full scale', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });
  it('scales each delay to 50–100 % by the random draw', () => {
    expect(retryDelay(1, 0)).toBe(500);
    expect(retryDelay(3, 0.5)).toBe(3000);
    expect(retryDelay(9, 0)).toBe(4000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(2);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });
});

describe('outcome classification', () => {
  it('retries network failures, 408, 429 and 5xx; other 4xx are final', () => {
    for (const s of [0, 408, 429, 500, 502, 503, 504]) expect(isRetryable(s), String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 422]) expect(isRetryable(s), String(s)).toBe(false);
  });
  it('counts 2xx as success', () => {
    expect([199, 200, 204, 299, 300].map(isSuccess)).toEqual([false, true, true, true, false]);
  });
});

describe('retry (the one loop of clicks and leads)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it('stops at the first falsy answer (final, or abandoned)', async () => {
    const answers = [1, 1, 0, 1];
    let calls = 0;
    vi.useFakeTimers();
    const done = retry(async () => answers[calls++], () => true);
    await vi.runAllTimersAsync();
    await done;
    expect(calls).toBe(3);
  });
  it('starts no attempt once allowed() is false (an opt-out), and ends', async () => {
    let allowed = true;
    let calls = 0;
    vi.useFakeTimers();
    const done = retry(async () => {
      calls++;
      allowed = false;
      return 1;
    }, () => allowed);
    await vi.runAllTimersAsync();
    await done;
    expect(calls).toBe(1);
  });
  it('makes at most MAX_ATTEMPTS attempts, waiting between them', async () => {
    const times: number[] = [];
    vi.useFakeTimers();
    const done = retry(async () => times.push(Date.now()), () => true);
    await vi.runAllTimersAsync();
    await done;
    expect(times).toHaveLength(MAX_ATTEMPTS);
    for (let n = 1; n < times.length; n++) expect(times[n] - times[n - 1]).toBeGreaterThanOrEqual(retryDelay(n, 0));
  });
});

describe('toJson (bodies and write-ahead records on pages with old serialisation helpers)', () => {
  const proto = Array.prototype as unknown as { toJSON?: () => string };
  afterEach(() => {
    delete proto.toJSON;
  });
  it('ignores a toJSON the page gave arrays (Prototype.js returns a string): click_ids stay an array', () => {
    proto.toJSON = function (this: unknown[]) {
      return '[' + this.map((v) => JSON.stringify(v)).join(', ') + ']';
    };
    const body = { click_id: 'c2', click_ids: ['c1', 'c2'], nested: { list: [1, null] }, skipped: undefined };
    expect(JSON.stringify(body)).toContain('"click_ids":"[');
    expect(toJson(body)).toBe('{"click_id":"c2","click_ids":["c1","c2"],"nested":{"list":[1,null]}}');
  });
});
