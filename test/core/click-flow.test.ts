// @vitest-environment happy-dom
// Attribution and clicks (docs/protocol.md §3.2–protocol §3.4) through the real click module: which visits
// send a click, what is written ahead, what a retry reuses, what the next page resends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageSettings } from '../../src/core/config';
import { attribute, click, clickId, getClickIds, hasAttribution, navigate, startPage, trackClick } from '../../src/core/click';
import { useGate } from '../../src/core/gate';
import { CLICK_OK, cookie, fakeApi, fakeXhr, freshPage, wrapFetchUsingBodies } from './fake-page';

const landing = (query = '?aff=P1') => {
  history.replaceState(null, '', '/landing' + query);
  return location.href;
};

/** One page load's attribution pass, as tracker.ts runs it. */
function load(url = location.href) {
  startPage();
  attribute(pageSettings, new URL(url).searchParams.get('aff'), url);
  return Promise.resolve(click);
}

beforeEach(() => {
  freshPage();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('a landing', () => {
  it('sends one click and, on its answer, writes the attribution cookies and drops the write-ahead record', async () => {
    const posted = fakeApi(CLICK_OK);
    const url = landing();
    await load(url);
    expect(posted).toHaveLength(1);
    expect(posted[0].path).toBe('/api/v1/track/click');
    expect(posted[0].body).toMatchObject({ affiliate_url: url, page_url: url, session_id: expect.stringMatching(/^sess_[a-z0-9]{9}_\d+$/) });
    expect(posted[0].body).not.toHaveProperty('attempts');
    expect(posted[0].body).not.toHaveProperty('existing_click_id');
    expect([cookie('affitor_click_id'), cookie('customer_code'), cookie('affitor_aff_url')]).toEqual(['cust_1_1', 'cust_1_1', url]);
    expect(cookie('affitor_pending_click')).toBeUndefined();
    expect([clickId, hasAttribution]).toEqual(['cust_1_1', true]);
  });

  it('of the same partner again sends nothing and restores the attribution; another partner is a switch', async () => {
    const posted = fakeApi(CLICK_OK);
    await load(landing());
    freshPage();
    fakeApi(CLICK_OK);
    document.cookie = 'affitor_click_id=cust_1_1; path=/';
    document.cookie = 'affitor_aff_url=' + encodeURIComponent(landing()) + '; path=/';
    const again = fakeApi(CLICK_OK);
    await load(landing('?aff=P1&utm=x'));
    expect(again).toHaveLength(0);
    expect([clickId, hasAttribution]).toEqual(['cust_1_1', true]);
    await load(landing('?aff=P2'));
    expect(again).toHaveLength(1);
    expect(again[0].body.existing_click_id).toBe('cust_1_1');
    expect(posted).toHaveLength(1);
  });

  it('retries a 503 with the same session_id, keeping the write-ahead record until the final answer', async () => {
    const posted = fakeApi({ status: 503 }, { status: 503 }, CLICK_OK);
    const url = landing();
    startPage();
    attribute(pageSettings, 'P1', url);
    await vi.advanceTimersByTimeAsync(0);
    expect(posted).toHaveLength(1);
    const record = JSON.parse(cookie('affitor_pending_click')!) as { attempts: number; session_id: string };
    expect(record).toMatchObject({ affiliate_url: url, attempts: 1 });
    await vi.runAllTimersAsync();
    await click;
    expect(posted).toHaveLength(3);
    expect(new Set(posted.map((p) => p.body.session_id))).toEqual(new Set([record.session_id]));
    expect(cookie('affitor_pending_click')).toBeUndefined();
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
  });

  it('a 429 asking for longer than the in-page cap is not retried in this page; the next page load sends its record once', async () => {
    const posted = fakeApi({ status: 429, body: { error: 'Too many requests' }, headers: { 'Retry-After': '60' } });
    const url = landing();
    startPage();
    attribute(pageSettings, 'P1', url);
    await vi.runAllTimersAsync();
    await click;
    expect(posted).toHaveLength(1);
    const record = JSON.parse(cookie('affitor_pending_click')!) as { attempts: number; session_id: string };
    expect(record).toMatchObject({ affiliate_url: url, attempts: 1 });
    expect(cookie('affitor_click_id')).toBeUndefined();
    // The next page load (no aff of its own) resends the record under its session, once.
    const resent = fakeApi(CLICK_OK);
    history.replaceState(null, '', '/pricing');
    await load();
    await vi.runAllTimersAsync();
    expect(resent).toHaveLength(1);
    expect(resent[0].body).toMatchObject({ affiliate_url: url, session_id: record.session_id });
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
    expect(cookie('affitor_pending_click')).toBeUndefined();
  });

  it('a 429 asking for 5 s (retry_after_seconds) is retried no sooner', async () => {
    const posted = fakeApi({ status: 429, body: { error: 'rate_limited', retry_after_seconds: 5 } }, CLICK_OK);
    const times: number[] = [];
    const recording = globalThis.fetch;
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => (times.push(Date.now()), recording(...args)));
    startPage();
    attribute(pageSettings, 'P1', landing());
    await vi.runAllTimersAsync();
    await click;
    expect(posted).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(5000);
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
  });

  it("a 2xx whose body the page's fetch wrapper used up: the same click once more through XHR, whose answer gives the id", async () => {
    const posted = fakeApi(CLICK_OK);
    wrapFetchUsingBodies();
    const resent = fakeXhr(CLICK_OK);
    const url = landing();
    startPage();
    attribute(pageSettings, 'P1', url);
    await vi.runAllTimersAsync();
    await click;
    expect(posted).toHaveLength(1);
    expect(resent).toEqual([{ url: 'http://api.test/api/v1/track/click', body: posted[0].body }]);
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
    expect(cookie('affitor_pending_click')).toBeUndefined();
  });

  it("a 429 whose body the page's fetch wrapper used up is retried on its own time, never resent at once", async () => {
    const posted = fakeApi({ status: 429, headers: { 'Retry-After': '3' } }, CLICK_OK);
    const times: number[] = [];
    const recording = globalThis.fetch;
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => (times.push(Date.now()), recording(...args)));
    wrapFetchUsingBodies();
    const resent = fakeXhr(CLICK_OK);
    startPage();
    attribute(pageSettings, 'P1', landing());
    await vi.runAllTimersAsync();
    await click;
    expect(resent).toHaveLength(1);
    expect(posted).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(3000);
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
  });

  it('a 4xx is final: no retry, no cookie, the record goes', async () => {
    const posted = fakeApi({ status: 400, body: { error: 'Referral link not found' } });
    await load(landing());
    await vi.runAllTimersAsync();
    expect(posted).toHaveLength(1);
    expect(document.cookie).toBe('');
  });
});

describe('cookie lifetime (protocol §3.3, §4.1)', () => {
  const DAY = 86_400_000;
  const attributionCookies = () => ['affitor_click_id', 'customer_code', 'affitor_aff_url', 'affitor_click_ids'].map(cookie);

  it("lasts the click answer's cookie_window_days, not the default 60", async () => {
    fakeApi({ status: 200, body: { success: true, click_id: 'cust_1_1', cookie_window_days: 30 } });
    await load(landing());
    expect(attributionCookies().every(Boolean)).toBe(true);
    vi.setSystemTime(Date.now() + 30 * DAY - 60_000);
    expect(attributionCookies().every(Boolean)).toBe(true);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(attributionCookies()).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('lasts 60 days when the answer names no window (or a useless one)', async () => {
    fakeApi({ status: 200, body: { success: true, click_id: 'cust_1_1', cookie_window_days: -5 } });
    await load(landing());
    vi.setSystemTime(Date.now() + 60 * DAY - 60_000);
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(cookie('affitor_click_id')).toBeUndefined();
  });
});

describe('write-ahead (protocol §3.4)', () => {
  it('the pending record, with this attempt counted, is stored before each attempt is sent', async () => {
    const atSend: (string | undefined)[] = [];
    const answers = [503, 503, 200];
    vi.stubGlobal('fetch', async () => {
      atSend.push(cookie('affitor_pending_click'));
      const status = answers.shift()!;
      return new Response(JSON.stringify(status == 200 ? CLICK_OK.body : {}), { status });
    });
    const url = landing();
    startPage();
    attribute(pageSettings, 'P1', url);
    await vi.runAllTimersAsync();
    await click;
    expect(atSend.map((r) => r && (JSON.parse(r) as { affiliate_url: string; attempts: number }))).toEqual([
      expect.objectContaining({ affiliate_url: url, attempts: 1 }),
      expect.objectContaining({ affiliate_url: url, attempts: 2 }),
      expect.objectContaining({ affiliate_url: url, attempts: 3 }),
    ]);
    expect(cookie('affitor_pending_click')).toBeUndefined();
  });

  it('a click whose request never ends leaves its record for the next page', async () => {
    vi.stubGlobal('fetch', () => new Promise(() => {}));
    const url = landing();
    startPage();
    attribute(pageSettings, 'P1', url);
    await vi.advanceTimersByTimeAsync(0);
    expect(JSON.parse(cookie('affitor_pending_click')!)).toMatchObject({ affiliate_url: url, attempts: 1 });
  });
});

describe('the next page load', () => {
  it('resends a click an earlier page left pending, with its session_id, and no record stays behind', async () => {
    fakeApi('network-error');
    const url = landing();
    startPage();
    attribute(pageSettings, 'P1', url);
    await vi.advanceTimersByTimeAsync(0);
    const first = JSON.parse(cookie('affitor_pending_click')!) as { session_id: string };
    // The page goes away (its retry loop with it): a new page without `aff`.
    freshPage();
    document.cookie = 'affitor_pending_click=' + encodeURIComponent(JSON.stringify({ ...first, attempts: 1 })) + '; path=/';
    history.replaceState(null, '', '/next');
    const posted = fakeApi(CLICK_OK);
    await load();
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toMatchObject({ affiliate_url: url, session_id: first.session_id });
    expect(cookie('affitor_pending_click')).toBeUndefined();
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
  });
});

describe('guards', () => {
  it('one click per URL while it is in flight; an SPA navigation to a new aff is a landing, the same aff is not', async () => {
    const posted = fakeApi(CLICK_OK);
    startPage();
    const url = landing();
    void trackClick(pageSettings, url);
    void trackClick(pageSettings, url);
    await Promise.resolve(click);
    expect(posted).toHaveLength(1);
    navigate(pageSettings, landing('?aff=P1&page=2'));
    await Promise.resolve(click);
    expect(posted).toHaveLength(1);
    navigate(pageSettings, landing('?aff=P2'));
    await Promise.resolve(click);
    expect(posted).toHaveLength(2);
    expect(getClickIds()).toEqual(['cust_1_1']);
  });

  it('a bot sends no click and writes nothing ahead', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 (compatible; Googlebot/2.1)');
    const posted = fakeApi(CLICK_OK);
    await load(landing());
    expect(posted).toHaveLength(0);
    expect(document.cookie).toBe('');
  });

  it('with the gate closed the landing is handed to the gate (consent) and nothing is sent or stored', async () => {
    const held: string[] = [];
    useGate({ allowed: () => false, hold: (u) => held.push(u), wait: () => {}, forget: () => {} });
    const posted = fakeApi(CLICK_OK);
    const url = landing();
    await load(url);
    expect(held).toEqual([url]);
    expect(posted).toHaveLength(0);
    expect(document.cookie).toBe('');
  });
});
