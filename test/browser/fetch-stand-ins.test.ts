// @vitest-environment happy-dom
// Responses are read through `ok`/`status` and the body only (`json()` or `text()`), as
// docs/protocol.md §12.2 asks: the fetch stand-ins in users' unit tests (and the official SDK's)
// carry no `headers` or `statusText`. The stand-ins here are the fetch the core calls, not the
// code under test, which is the real core.
import { afterEach, describe, expect, it, vi } from 'vitest';

const clickAnswer = { success: true, click_id: 'cust_1_1', partner_code: 'P1', cookie_window_days: 60 };

describe('fetch stand-ins without headers or statusText', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('json() only: await trackClick(url) resolves after the answer, with its cookies written', async () => {
    const calls: { url: string; body: Record<string, unknown> }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) });
      return { ok: true, status: 200, json: async () => clickAnswer };
    });
    const { tracker } = await import('../../src/core/tracker');
    // happy-dom says navigator.webdriver: true.
    tracker.init({ programId: 1, apiBase: 'https://api.example', allowBots: true });
    await tracker.trackClick('https://shop.example/l?aff=P1');
    expect(calls.map((c) => [c.url, c.body.affiliate_url])).toEqual([['https://api.example/api/v1/track/click', 'https://shop.example/l?aff=P1']]);
    expect(tracker.getClickId()).toBe('cust_1_1');
    expect(document.cookie).toContain('affitor_click_id=cust_1_1');
    expect(tracker.getClickIds()).toEqual(['cust_1_1']);
  });

  it('text() only: the body is parsed from the text', async () => {
    vi.stubGlobal('fetch', async () => ({ ok: true, status: 200, text: async () => JSON.stringify({ ...clickAnswer, click_id: 'cust_1_2' }) }));
    const { post } = await import('../../src/core/transport');
    expect(await post('https://api.example/api/v1/track/click', {})).toEqual({ status: 200, body: { ...clickAnswer, click_id: 'cust_1_2' } });
  });

  it('a 400 stand-in with neither statusText nor headers is a final answer, not a network error', async () => {
    vi.stubGlobal('fetch', async () => ({ ok: false, status: 400, json: async () => ({ error: 'Referral link not found' }) }));
    const { post } = await import('../../src/core/transport');
    expect(await post('https://api.example/api/v1/track/click', {})).toEqual({ status: 400, body: { error: 'Referral link not found' } });
  });
});
