// What users' own unit tests do with the browser entry, run in jsdom and in happy-dom (one file
// each): `fetch` replaced by a stand-in with only `ok` and `json`, cookies written and cleared
// through `document.cookie` between tests, one module instance for the whole file. Found by
// running the official SDK's own tests against this entry (`npm run test:official`).
import { type Mock, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AffitorTracker, init, signup } from '../../src/index';

const API = 'https://api.test';
/** A stand-in that retried would take seconds (protocol §3.4 backoff); a right answer takes none. */
const QUICK = { timeout: 3000 };

const okJson = (body: object) => ({ ok: true, json: async () => body });
const bodyOf = (call: unknown[]) => JSON.parse((call[1] as { body: string }).body);

function clearCookies() {
  for (const pair of document.cookie.split(';')) {
    const name = pair.split('=')[0].trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}

/** What users' stand-ins are: any object in place of a Response. */
type FetchStandIn = (url: string, init?: RequestInit) => Promise<unknown>;

export function standInSuite() {
  let fetchMock: Mock<FetchStandIn>;
  beforeEach(() => {
    clearCookies();
    window.history.replaceState({}, '', '/');
    fetchMock = vi.fn<FetchStandIn>();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  describe('a fetch stand-in with only ok and json', () => {
    it('trackClick sends once, resolves, and keeps the answer’s click id', QUICK, async () => {
      fetchMock.mockResolvedValue(okJson({ click_id: 'clk_1', cookie_window_days: 30 }));
      const tracker = new AffitorTracker({ programId: 7, apiBase: API });
      await tracker.trackClick('http://localhost/?aff=P1');
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(fetchMock.mock.calls[0][0]).toBe(`${API}/api/v1/track/click`);
      expect(bodyOf(fetchMock.mock.calls[0]).session_id).toMatch(/^sess_[0-9a-z]{9}_\d+$/);
      expect(tracker.getClickId()).toBe('clk_1');
      expect(document.cookie).toContain('affitor_click_id=clk_1');
    });

    it('the click-id list accumulates, newest last, without repeats', QUICK, async () => {
      const tracker = new AffitorTracker({ programId: 7, apiBase: API });
      for (const [aff, id] of [['P1', 'clk_a'], ['P2', 'clk_b'], ['P1', 'clk_a']]) {
        fetchMock.mockResolvedValueOnce(okJson({ click_id: id }));
        await tracker.trackClick(`http://localhost/?aff=${aff}`);
      }
      expect(tracker.getClickIds()).toEqual(['clk_b', 'clk_a']);
    });

    it('signup goes to the lead endpoint once, with the click id the test wrote into the cookie', QUICK, async () => {
      document.cookie = 'affitor_click_id=clk_written; path=/';
      fetchMock.mockResolvedValue(okJson({}));
      await new AffitorTracker({ programId: 77, apiBase: API }).signup('cust_9', 'x@y.com');
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(fetchMock.mock.calls[0][0]).toBe(`${API}/api/v1/track/lead`);
      expect(bodyOf(fetchMock.mock.calls[0])).toMatchObject({ customer_key: 'cust_9', email: 'x@y.com', click_id: 'clk_written', program_id: 77 });
    });

    it('a failure without a status ({ ok: false, json }) is final: one request, and signup resolves', QUICK, async () => {
      fetchMock.mockResolvedValue({ ok: false, json: async () => ({ error: 'nope' }) });
      await expect(new AffitorTracker({ programId: 7, apiBase: API }).signup('cust_fail')).resolves.toBeUndefined();
      expect(fetchMock).toHaveBeenCalledTimes(1);
    });
  });

  describe('cookies the test writes between tests', () => {
    it('a cookie written after an earlier click is the one read: no click, that id', QUICK, async () => {
      fetchMock.mockResolvedValueOnce(okJson({ click_id: 'clk_earlier' }));
      await new AffitorTracker({ programId: 5, apiBase: API }).trackClick('http://localhost/?aff=EARLIER');
      clearCookies();
      fetchMock.mockClear();
      document.cookie = 'affitor_click_id=clk_existing; path=/';
      window.history.replaceState({}, '', '/dashboard');
      const tracker = new AffitorTracker({ programId: 5, apiBase: API });
      tracker.init({ programId: 5, apiBase: API });
      expect(fetchMock).not.toHaveBeenCalled();
      expect(tracker.getClickId()).toBe('clk_existing');
      expect(tracker.getData()).toMatchObject({ clickId: 'clk_existing', hasAttribution: true });
    });

    it('cookies cleared make a new visitor: a landing sends its click', QUICK, async () => {
      fetchMock.mockResolvedValueOnce(okJson({ click_id: 'clk_before' }));
      await new AffitorTracker({ programId: 1, apiBase: API }).trackClick('http://localhost/?aff=BEFORE');
      clearCookies();
      fetchMock.mockReset();
      fetchMock.mockResolvedValue(okJson({ click_id: 'clk_new' }));
      window.history.replaceState({}, '', '/?aff=NEWPARTNER');
      new AffitorTracker({ programId: 1, apiBase: API }).init({ programId: 1, apiBase: API });
      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(fetchMock.mock.calls[0][0]).toBe(`${API}/api/v1/track/click`);
      expect(bodyOf(fetchMock.mock.calls[0]).existing_click_id).toBeUndefined();
    });

    it('the lead of a visitor whose only cookie is an old single id lists that id', QUICK, async () => {
      document.cookie = 'affitor_click_id=clk_legacy; path=/';
      fetchMock.mockResolvedValue(okJson({}));
      await new AffitorTracker({ programId: 3, apiBase: API }).signup('user_1');
      expect(bodyOf(fetchMock.mock.calls[0]).click_ids).toEqual(['clk_legacy']);
    });
  });

  it('the functional signup before init resolves and sends nothing', async () => {
    await expect(signup('cust', 'e@x.com')).resolves.toBeUndefined();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(init).toBeTypeOf('function');
  });
}
