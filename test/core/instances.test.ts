// @vitest-environment happy-dom
// AffitorTracker instances (docs/protocol.md §12.2): each call is passed its instance's settings,
// which the core hands down, so two instances' calls in flight together — each waiting across
// awaits (a lead waits for the landing's click) while the page's settings change — still go to
// their own API with their own program id. Nothing swaps the page's settings around a call, so
// an `await` placed anywhere in the core cannot make a call pick up another's settings.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { pageSettings, usePageSettings } from '../../src/core/config';
import { AffitorTracker } from '../../src/index';
import { freshPage } from './fake-page';

const PAGE_API = 'http://api.test';
const A_API = 'http://a-api.test';
const B_API = 'http://b-api.test';

beforeEach(() => {
  freshPage({ apiBase: PAGE_API });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

it("two instances' calls made together, across the wait for the click, each reach their own API with their own program id", async () => {
  let releaseClick = () => {};
  const clickHeld = new Promise<void>((resolve) => {
    releaseClick = resolve;
  });
  const requests: { url: string; body: Record<string, unknown> }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({ url, body: JSON.parse(init.body as string) as Record<string, unknown> });
    if (url.endsWith('/click')) await clickHeld;
    const answer = url.endsWith('/click') ? { success: true, click_id: 'cust_1_1', cookie_window_days: 30 } : { success: true };
    return new Response(JSON.stringify(answer), { status: 200 });
  });
  const a = new AffitorTracker({ programId: 11, apiBase: A_API });
  const b = new AffitorTracker({ programId: 22, apiBase: B_API });

  const calls = [a.trackClick('https://shop.example/?aff=P1'), b.signup('user_b'), a.signup('user_a'), b.trackLead({ customer_key: 'user_c' })];
  await vi.waitFor(() => expect(requests).toHaveLength(1));
  // While every call waits, the page's tracker takes other settings.
  usePageSettings({ ...pageSettings, programId: 99, apiBase: 'http://page-reinit.test' });
  releaseClick();
  await Promise.all(calls);

  const leads = requests.filter((request) => request.url.endsWith('/lead'));
  expect(requests[0].url).toBe(A_API + '/api/v1/track/click');
  expect(leads.map((lead) => [lead.url, lead.body.customer_key, lead.body.program_id, lead.body.click_id]).sort()).toEqual([
    [A_API + '/api/v1/track/lead', 'user_a', 11, 'cust_1_1'],
    [B_API + '/api/v1/track/lead', 'user_b', 22, 'cust_1_1'],
    [B_API + '/api/v1/track/lead', 'user_c', 22, 'cust_1_1'],
  ]);
  expect(requests).toHaveLength(4);
});
