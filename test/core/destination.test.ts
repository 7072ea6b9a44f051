// @vitest-environment happy-dom
// Where a call goes (docs/protocol.md §12.2): a click or lead made with an AffitorTracker
// instance's settings keeps going to the API it started with — every retry, and the next page's
// resend of what it left stored — while records without an API (the page's, and every record the
// script wrote before instances had their own API) go to the API of the page that sends them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PendingClick, attribute, click, clickBody, encodePendingClick, newPendingClick, startPage, trackClick } from '../../src/core/click';
import { type Settings, pageSettings, usePageSettings } from '../../src/core/config';
import { PENDING_LEADS_KEY, resetLeads, resumeLeads, signup } from '../../src/core/lead';
import { CLICK_OK, cookie, freshPage } from './fake-page';

const PAGE_API = 'http://api.test';
const INSTANCE_API = 'http://other-api.test';

/** Records the URL and body of every request; answers `status` (then 200) with `body`. */
function recordRequests(answers: { status: number; body?: unknown }[]) {
  const requests: { url: string; body: Record<string, unknown> }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({ url, body: JSON.parse(init.body as string) as Record<string, unknown> });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status });
  });
  return requests;
}

/** What src/index.ts passes to an instance's calls: the page's settings with its API, named because it is not the page's. */
const instanceSettings = (): Settings => ({ ...pageSettings, programId: 2, apiBase: INSTANCE_API, api: INSTANCE_API });

beforeEach(() => {
  freshPage({ apiBase: PAGE_API });
  startPage();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the pending click record', () => {
  it("names an instance's API, which never reaches the wire; the page's own names none", () => {
    const own = newPendingClick('https://shop.example/?aff=P1', null, pageSettings.api);
    expect(own).not.toHaveProperty('api', expect.anything());
    expect(decodeURIComponent(encodePendingClick(own)!)).not.toContain('"api"');
    const instance = newPendingClick('https://shop.example/?aff=P1', null, instanceSettings().api);
    expect(JSON.parse(decodeURIComponent(encodePendingClick(instance)!))).toMatchObject({ api: INSTANCE_API });
    expect(JSON.parse(JSON.stringify(clickBody(instance, 'Shop')))).not.toHaveProperty('api');
  });
});

describe("an instance's click", () => {
  it('retries to its own API even when the page is re-initialised with another one meanwhile', async () => {
    vi.useFakeTimers();
    const requests = recordRequests([{ status: 503 }, CLICK_OK]);
    const done = trackClick(instanceSettings(), 'https://shop.example/?aff=P1');
    await vi.advanceTimersByTimeAsync(0);
    usePageSettings({ ...pageSettings, apiBase: 'http://third-api.test' });
    await vi.advanceTimersByTimeAsync(2000);
    await done;
    expect(requests.map((r) => r.url)).toEqual([INSTANCE_API + '/api/v1/track/click', INSTANCE_API + '/api/v1/track/click']);
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
  });

  it("left pending goes to its API on the next page; a record without one (the current script's) to the page's", async () => {
    for (const [api, expected] of [
      [INSTANCE_API, INSTANCE_API],
      [undefined, PAGE_API],
    ] as const) {
      freshPage({ apiBase: PAGE_API });
      const record: PendingClick = { ...newPendingClick('https://shop.example/?aff=P1', null, undefined), session_id: 'sess_abcdefghi_1', attempts: 1, api };
      document.cookie = 'affitor_pending_click=' + encodePendingClick(record) + '; path=/';
      const requests = recordRequests([CLICK_OK]);
      startPage();
      attribute(pageSettings, null);
      await click;
      expect(requests.map((r) => [r.url, r.body.session_id, 'api' in r.body])).toEqual([[expected + '/api/v1/track/click', 'sess_abcdefghi_1', false]]);
    }
  });
});

describe("an instance's lead", () => {
  it('goes to its API with its program id; stored, it is resent there by the next page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = recordRequests([{ status: 503 }]);
    vi.useFakeTimers();
    await signup(instanceSettings(), 'user_1', 'a@b.test');
    expect(failing.map((r) => [r.url, r.body.program_id])).toEqual([[INSTANCE_API + '/api/v1/track/lead', 2]]);
    vi.useRealTimers();
    // The page goes away; the next one (its own API the page's) resends the lead where it was meant to go.
    resetLeads();
    const requests = recordRequests([{ status: 200 }]);
    resumeLeads();
    await vi.waitFor(() => expect(localStorage.getItem(PENDING_LEADS_KEY)).toBeNull());
    expect(requests.map((r) => [r.url, r.body.program_id])).toEqual([[INSTANCE_API + '/api/v1/track/lead', 2]]);
  });

  it('a lead stored by the current script (no API) is resent to the page’s API', async () => {
    const body = { customer_key: 'user_2', email: null, click_id: null, click_ids: [], page_url: location.href, session_id: 'sess_x', program_id: 7, has_attribution: false, debug_mode: false };
    localStorage.setItem(PENDING_LEADS_KEY, JSON.stringify({ key: [body, Date.now()] }));
    document.cookie = 'affitor_pending_lead=1; path=/';
    const requests = recordRequests([{ status: 200 }]);
    resumeLeads();
    await vi.waitFor(() => expect(localStorage.getItem(PENDING_LEADS_KEY)).toBeNull());
    expect(requests).toEqual([{ url: PAGE_API + '/api/v1/track/lead', body }]);
  });
});
