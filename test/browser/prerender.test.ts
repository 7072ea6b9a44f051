// @vitest-environment happy-dom
// A landing prerendered by Speculation Rules (`document.prerendering`): nothing is sent or written
// until `prerenderingchange` says the visitor sees the page. The real core in happy-dom with the
// prerender state set as Chromium sets it; the fetch stand-in only records what goes out. Real
// prerendering in Chromium: e2e/script/prerender.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('prerendered landing', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends no click and writes no cookie while prerendering; one click once shown', async () => {
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('https://shop.example/l?aff=P1');
    let prerendering = true;
    Object.defineProperty(document, 'prerendering', { configurable: true, get: () => prerendering });
    const posts: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      posts.push(url);
      return { ok: true, status: 200, json: async () => ({ success: true, click_id: 'cust_1_1' }) };
    });
    const { tracker } = await import('../../src/core/tracker');
    // happy-dom says navigator.webdriver: true.
    tracker.init({ programId: 1, apiBase: 'https://api.example', allowBots: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(posts).toEqual([]);
    expect(document.cookie).toBe('');
    prerendering = false;
    document.dispatchEvent(new Event('prerenderingchange'));
    await vi.waitFor(() => expect(tracker.getClickId()).toBe('cust_1_1'));
    expect(posts).toEqual(['https://api.example/api/v1/track/click']);
  });
});
