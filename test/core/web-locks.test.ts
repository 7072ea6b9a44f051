// @vitest-environment happy-dom
// The landing decision under Web Locks (docs/protocol.md §3.4 "Across tabs"). happy-dom has no
// `navigator.locks`, so the page gets an exclusive lock manager that keeps the Web Locks rules
// (one holder per name, requests granted in order, the lock held until the callback's promise
// settles, the callback never run synchronously). Two tabs are two fresh copies of the core's
// modules over the one cookie jar and lock manager, as two tabs share a browser's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLICK_OK, cookie, freshPage, type Posted } from './fake-page';

type Grant = () => Promise<void>;

/** An exclusive-only LockManager (what the core asks for); `refuse` makes it reject like an opaque origin. */
class ExclusiveLocks {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, Grant[]>();
  refuse = false;

  /** Requests for `name` not granted yet. */
  queued = (name: string) => this.waiting.get(name)?.length ?? 0;

  request<T>(name: string, callback: (lock: { name: string; mode: 'exclusive' }) => T | Promise<T>): Promise<T> {
    if (this.refuse) return Promise.reject(new DOMException('Access to the Locks API is denied in this context.', 'SecurityError'));
    return new Promise<T>((resolve, reject) => {
      const grant: Grant = async () => {
        this.held.add(name);
        try {
          resolve(await callback({ name, mode: 'exclusive' }));
        } catch (e) {
          reject(e);
        } finally {
          this.held.delete(name);
          const next = this.waiting.get(name)?.shift();
          if (next) void next();
        }
      };
      const queue = this.waiting.get(name) ?? [];
      this.waiting.set(name, queue);
      // Granted from a later microtask, never inside request().
      if (this.held.has(name) || queue.length) queue.push(grant);
      else {
        this.held.add(name);
        queueMicrotask(() => void grant());
      }
    });
  }
}

let locks: ExclusiveLocks;
let posted: Posted[];
/** Answers of the API stand-in; a request waits for `release` while `hold` is set. */
let hold: Promise<void> | undefined;

/** A tab: its own copy of the core (fresh module state) with the page's settings. */
async function openTab() {
  vi.resetModules();
  const config = await import('../../src/core/config');
  config.usePageSettings({ ...config.defaultSettings(), programId: 1, apiBase: 'http://api.test' });
  const click = await import('../../src/core/click');
  /** The tab's landing pass, as tracker.ts runs it; resolves once its click (if any) has settled. */
  const land = (url: string) => {
    click.startPage();
    click.attribute(config.pageSettings, new URL(url).searchParams.get('aff'), url);
    return Promise.resolve(click.click);
  };
  return { click, land };
}

beforeEach(() => {
  freshPage();
  locks = new ExclusiveLocks();
  vi.spyOn(navigator, 'locks', 'get').mockReturnValue(locks as unknown as LockManager);
  posted = [];
  hold = undefined;
  let n = 0;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    posted.push({ path: new URL(url).pathname, body: JSON.parse(init.body as string) as Record<string, unknown> });
    await hold;
    return new Response(JSON.stringify({ ...CLICK_OK.body, click_id: 'cust_1_' + ++n }), { status: 200 });
  });
  history.replaceState(null, '', '/landing?aff=P1');
});
afterEach(() => vi.unstubAllGlobals());

describe('the landing decision under Web Locks', () => {
  it('two tabs opened on one link at once send one click; the second tab takes the first one\'s click id', async () => {
    const url = location.href;
    const first = await openTab();
    const second = await openTab();
    const landed = [first.land(url), second.land(url)];
    await Promise.all(landed);
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toMatchObject({ affiliate_url: url });
    expect([first.click.clickId, second.click.clickId]).toEqual(['cust_1_1', 'cust_1_1']);
    expect(second.click.hasAttribution).toBe(true);
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
    expect(cookie('affitor_pending_click')).toBeUndefined();
  });

  it('writes the pending record before the lock is granted, and sends only once it is', async () => {
    let release!: () => void;
    // Another tab holds the lock (its click in flight).
    const other = locks.request('affitor_click', () => new Promise<void>((r) => (release = r)));
    await Promise.resolve();
    const url = location.href;
    const tab = await openTab();
    const landed = tab.land(url);
    await Promise.resolve();
    expect(JSON.parse(cookie('affitor_pending_click')!)).toMatchObject({ affiliate_url: url, attempts: 0 });
    expect(posted).toHaveLength(0);
    release();
    await other;
    await landed;
    expect(posted).toHaveLength(1);
    expect(posted[0].body.session_id).toBe(tab.click.sessionId);
    expect(cookie('affitor_pending_click')).toBeUndefined();
    expect(cookie('affitor_click_id')).toBe('cust_1_1');
  });

  it('holds the lock until the click settles: a second tab waits for the answer, then sends nothing', async () => {
    let answer!: () => void;
    hold = new Promise<void>((r) => (answer = r));
    const url = location.href;
    const first = await openTab();
    const second = await openTab();
    const firstLanded = first.land(url);
    await vi.waitFor(() => expect(posted).toHaveLength(1));
    const secondLanded = second.land(url);
    expect(locks.queued('affitor_click')).toBe(1);
    answer();
    await Promise.all([firstLanded, secondLanded]);
    expect(posted).toHaveLength(1);
    expect(second.click.clickId).toBe('cust_1_1');
  });

  it('a browser that refuses the lock (an opaque origin) still decides and sends the click', async () => {
    locks.refuse = true;
    const tab = await openTab();
    await tab.land(location.href);
    expect(posted).toHaveLength(1);
    expect(tab.click.clickId).toBe('cust_1_1');
  });
});
