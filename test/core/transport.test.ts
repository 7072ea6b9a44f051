import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_ATTEMPTS, MAX_RETRY_DELAY, isRetryable, isSuccess, post, postByXhr, retry, retryDelay, toJson } from '../../src/core/transport';
import { fakeXhr } from './fake-page';

const failed = (retryAfter = 0) => ({ status: 503, retryAfter });

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
    const answers = [failed(), failed(), false as const, failed()];
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
      return failed();
    }, () => allowed);
    await vi.runAllTimersAsync();
    await done;
    expect(calls).toBe(1);
  });
  it('makes at most MAX_ATTEMPTS attempts, waiting between them', async () => {
    const times: number[] = [];
    vi.useFakeTimers();
    // A network failure: no answer, so no retryAfter at all.
    const done = retry(async () => (times.push(Date.now()), { status: 0, error: new TypeError('Failed to fetch') }), () => true);
    await vi.runAllTimersAsync();
    await done;
    expect(times).toHaveLength(MAX_ATTEMPTS);
    for (let n = 1; n < times.length; n++) expect(times[n] - times[n - 1]).toBeGreaterThanOrEqual(retryDelay(n, 0));
  });
});

describe('retry after the server said when (429/503 with Retry-After or retry_after_seconds)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it('waits at least as long as the server asked, when that is longer than the backoff', async () => {
    const times: number[] = [];
    vi.useFakeTimers();
    const done = retry(async () => (times.push(Date.now()), times.length < 3 && failed(5000)), () => true);
    await vi.runAllTimersAsync();
    await done;
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(5000);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(5000);
  });
  it('keeps its own backoff when the server asks for less, or for nothing it can read', async () => {
    const times: number[] = [];
    vi.useFakeTimers();
    const asked = [10, undefined, 0];
    const done = retry(async () => (times.push(Date.now()), failed(asked.shift())), () => true);
    await vi.runAllTimersAsync();
    await done;
    expect(times).toHaveLength(MAX_ATTEMPTS);
    for (let n = 1; n < times.length; n++) expect(times[n] - times[n - 1]).toBeGreaterThanOrEqual(retryDelay(n, 0));
  });
  it('asks no more in this page when the server asks for longer than the in-page cap', async () => {
    let calls = 0;
    vi.useFakeTimers();
    const done = retry(async () => (calls++, failed(MAX_RETRY_DELAY + 1000)), () => true);
    await vi.runAllTimersAsync();
    await done;
    expect(calls).toBe(1);
  });
});

describe("post reads when the server asks to be tried again (docs/protocol.md §3.4)", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status, headers }));
  const asked = async () => (await post('https://api.example/api/v1/track/click', {})).retryAfter;

  it('Retry-After in seconds, or as an HTTP date', async () => {
    answer(429, { error: 'Too many requests' }, { 'Retry-After': '120' });
    expect(await asked()).toBe(120_000);
    const at = Date.now() + 90_000;
    answer(503, {}, { 'Retry-After': new Date(at).toUTCString() });
    expect(await asked()).toBeGreaterThan(88_000);
    expect(await asked()).toBeLessThanOrEqual(90_000);
  });
  it("the body's retry_after_seconds, before the header", async () => {
    answer(429, { error: 'rate_limited', retry_after_seconds: 30 }, { 'Retry-After': '5' });
    expect(await asked()).toBe(30_000);
  });
  it('a date already past asks for no wait', async () => {
    answer(503, {}, { 'Retry-After': new Date(Date.now() - 60_000).toUTCString() });
    expect(await asked()).toBe(0);
  });
  it('nothing asked, or nothing readable: undefined', async () => {
    answer(503, {});
    expect(await asked()).toBeUndefined();
    answer(429, {}, { 'Retry-After': 'soon' });
    expect(await asked()).toBeUndefined();
    answer(429, { retry_after_seconds: 'later' }, { 'Retry-After': '' });
    expect(await asked()).toBeUndefined();
    answer(200, { success: true });
    expect(await asked()).toBeUndefined();
  });
  it("the every-page script's handed-over click (its response, read by the core) carries its Retry-After too", async () => {
    vi.stubGlobal('fetch', () => {
      throw new Error('the handed-over click must not be sent again');
    });
    const sent = Promise.resolve(new Response('{"error":"Too many requests"}', { status: 429, headers: { 'Retry-After': '2' } }));
    expect(await post('https://api.example/api/v1/track/click', {}, sent)).toEqual({ status: 429, body: { error: 'Too many requests' }, retryAfter: 2000 });
  });
  it('a stand-in without headers: the body alone decides', async () => {
    vi.stubGlobal('fetch', async () => ({ ok: false, status: 429, json: async () => ({ retry_after_seconds: 3 }) }));
    expect(await asked()).toBe(3000);
    vi.stubGlobal('fetch', async () => ({ ok: false, status: 503, json: async () => ({}) }));
    expect(await asked()).toBeUndefined();
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

describe("an answer the page's fetch wrapper used up (monitoring tools that read response.json())", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  it('post says so (usedUp), with the status it still has', async () => {
    vi.stubGlobal('fetch', async () => {
      const res = new Response('{"click_id":"cust_1_1"}', { status: 200 });
      await res.json();
      return res;
    });
    expect(await post('https://api.example/api/v1/track/click', {})).toEqual({ status: 200, usedUp: true });
    vi.stubGlobal('fetch', async () => new Response('{"click_id":"cust_1_1"}', { status: 200 }));
    expect(await post('https://api.example/api/v1/track/click', {})).toEqual({ status: 200, body: { click_id: 'cust_1_1' } });
  });
  it("postByXhr reads the answer and the wait its body asks for", async () => {
    const sent = fakeXhr({ status: 429, body: { error: 'rate_limited', retry_after_seconds: 3 } });
    expect(await postByXhr('https://api.example/api/v1/track/click', { a: [1] })).toEqual({ status: 429, body: { error: 'rate_limited', retry_after_seconds: 3 }, retryAfter: 3000 });
    expect(sent).toEqual([{ url: 'https://api.example/api/v1/track/click', body: { a: [1] } }]);
  });
  it('postByXhr: no answer is status 0 (retried), and no XMLHttpRequest at all is one too, never a throw', async () => {
    fakeXhr({ status: 0 });
    expect(await postByXhr('https://api.example/x', {})).toMatchObject({ status: 0 });
    vi.stubGlobal('XMLHttpRequest', undefined);
    expect(await postByXhr('https://api.example/x', {})).toMatchObject({ status: 0 });
  });
});
