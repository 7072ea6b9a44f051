// @vitest-environment happy-dom
// Signups (docs/protocol.md §3.6) through the real lead module: the body, the dedupe, the wait for
// an in-flight click, the localStorage write-ahead with its flag cookie, and the resend on a later page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageSettings } from '../../src/core/config';
import { attribute, startPage } from '../../src/core/click';
import { PENDING_LEADS_KEY, RECORDED_LEADS_KEY, forgetLeads, resetLeads, resumeLeads, signup } from '../../src/core/lead';
import { useGate } from '../../src/core/gate';
import { rereadCookies } from '../../src/core/cookie-jar';
import { CLICK_OK, cookie, fakeApi, freshPage } from './fake-page';

const LEAD_OK = { status: 200, body: { success: true, message: 'Lead tracked successfully' } };
const stored = () => JSON.parse(localStorage.getItem(PENDING_LEADS_KEY) || 'null') as Record<string, unknown> | null;

beforeEach(() => {
  freshPage({ programId: 7 });
  startPage();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('signup', () => {
  it('posts the lead with the click id and history; an identical second call sends nothing', async () => {
    document.cookie = 'affitor_click_id=cust_1_1; path=/';
    const posted = fakeApi(LEAD_OK);
    await signup(pageSettings, 'user_1', 'a@b.test');
    await signup(pageSettings, 'user_1', 'a@b.test');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toEqual({
      path: '/api/v1/track/lead',
      body: {
        customer_key: 'user_1', email: 'a@b.test', click_id: 'cust_1_1', click_ids: ['cust_1_1'], page_url: location.href,
        session_id: expect.stringMatching(/^sess_/), program_id: 7, has_attribution: false, debug_mode: false,
      },
    });
    expect(stored()).toBeNull();
    expect(cookie('affitor_pending_lead')).toBeUndefined();
  });

  it('waits for the landing click in flight, so the lead carries its click id', async () => {
    let answerClick!: () => void;
    const posted: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      posted.push(new URL(url).pathname);
      if (url.endsWith('/click')) return new Promise((resolve) => (answerClick = () => resolve(new Response(JSON.stringify(CLICK_OK.body)))));
      return Promise.resolve(new Response(JSON.stringify(LEAD_OK.body)));
    });
    history.replaceState(null, '', '/l?aff=P1');
    attribute(pageSettings, 'P1', location.href);
    await vi.waitFor(() => expect(posted).toEqual(['/api/v1/track/click']));
    const lead = signup(pageSettings, 'user_2');
    await Promise.resolve();
    expect(posted).toEqual(['/api/v1/track/click']);
    answerClick();
    await lead;
    expect(posted).toEqual(['/api/v1/track/click', '/api/v1/track/lead']);
  });

  it('a lead the API could not take is kept in localStorage (never a cookie) and resent by the next page', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = fakeApi({ status: 503 });
    await signup(pageSettings, 'user_3', 'c@d.test');
    expect(failing).toHaveLength(1);
    expect(Object.keys(stored()!)).toHaveLength(1);
    expect(cookie('affitor_pending_lead')).toBe('1');
    expect(document.cookie).not.toContain('c%40d.test');
    // The page goes away; the next one resends it once and forgets it on success.
    vi.useRealTimers();
    resetLeads();
    const posted = fakeApi(LEAD_OK);
    resumeLeads();
    await vi.waitFor(() => expect(stored()).toBeNull());
    expect(posted.map((p) => p.body.customer_key)).toEqual(['user_3']);
    expect(cookie('affitor_pending_lead')).toBeUndefined();
  });

  it('a 503 asking for longer than the in-page cap is not retried in this page; the lead stays for the next', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = fakeApi({ status: 503, body: { error: 'Maintenance' }, headers: { 'Retry-After': '30' } });
    await signup(pageSettings, 'user_9', 'r@a.test');
    await vi.runAllTimersAsync();
    expect(failing).toHaveLength(1);
    expect(Object.keys(stored()!)).toHaveLength(1);
  });

  it('a 429 asking for 3 s is retried no sooner', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const posted = fakeApi({ status: 429, body: { error: 'Too many requests' }, headers: { 'Retry-After': '3' } }, LEAD_OK);
    const times: number[] = [];
    const recording = globalThis.fetch;
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => (times.push(Date.now()), recording(...args)));
    await signup(pageSettings, 'user_10', 's@a.test');
    await vi.runAllTimersAsync();
    expect(posted).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(3000);
    expect(stored()).toBeNull();
  });

  it('a 4xx is final and logged; the stored lead goes; a later identical call may try again', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const posted = fakeApi({ status: 400, body: { error: 'Customer not found' } });
    await signup(pageSettings, 'user_4');
    expect(errors).toHaveBeenCalledWith('[Affitor]', 'Failed to track signup: 400');
    expect(stored()).toBeNull();
    await signup(pageSettings, 'user_4');
    expect(posted).toHaveLength(2);
  });

  it('one lead per account: a recorded key sends nothing on a later page; an opt-out forgets the record', async () => {
    const posted = fakeApi(LEAD_OK);
    await signup(pageSettings, 'user_6', 'a@b.test');
    expect(JSON.parse(localStorage.getItem(RECORDED_LEADS_KEY)!)).toEqual([JSON.stringify([7, 'user_6'])]);
    resetLeads();
    await signup(pageSettings, 'user_6', 'other@b.test');
    expect(posted).toHaveLength(1);
    forgetLeads();
    expect(localStorage.getItem(RECORDED_LEADS_KEY)).toBeNull();
    resetLeads();
    await signup(pageSettings, 'user_6', 'other@b.test');
    expect(posted).toHaveLength(2);
  });

  it('a stored lead for an account recorded since (the every-page script writes ahead unchecked) is dropped, not resent', async () => {
    const posted = fakeApi(LEAD_OK);
    await signup(pageSettings, 'user_8', 'a@b.test');
    const key = JSON.stringify([7, 'user_8']);
    const body = { customer_key: 'user_8', email: 'a@b.test', page_url: location.href, session_id: 'sess_x', program_id: 7, debug_mode: false };
    localStorage.setItem(PENDING_LEADS_KEY, JSON.stringify({ [key]: [body, Date.now(), null] }));
    document.cookie = 'affitor_pending_lead=1; path=/';
    rereadCookies();
    resetLeads();
    resumeLeads();
    expect(stored()).toBeNull();
    // Sent leads are removed on their final answer, later: this one was never dispatched.
    expect(cookie('affitor_pending_lead')).toBeUndefined();
    expect(posted).toHaveLength(1);
  });

  it('refuses a key that is not a string or finite number with the exact error, and still posts', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const posted = fakeApi(LEAD_OK);
    await signup(pageSettings, { id: 1 });
    expect(errors).toHaveBeenCalledWith('[Affitor]', 'signup() requires customerKey as first argument');
    expect(posted[0].body.customer_key).toBeNull();
  });

  it('with the gate closed the call is handed to the gate and nothing is sent or stored', async () => {
    const waiting: unknown[] = [];
    useGate({ allowed: () => false, hold: () => {}, wait: (call) => waiting.push(call), forget: () => {} });
    const posted = fakeApi(LEAD_OK);
    await signup(pageSettings, 'user_5');
    expect(waiting).toHaveLength(1);
    expect(posted).toHaveLength(0);
    expect(stored()).toBeNull();
  });
});
