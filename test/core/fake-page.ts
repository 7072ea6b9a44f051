// A fresh "page" for the core's unit tests (happy-dom): every module's state reset, cookies and
// localStorage empty, main-script settings, and a recording stand-in for the API behind `fetch`
// (the network boundary; the modules under test are the real ones).
import { vi } from 'vitest';
import { resetClicks } from '../../src/core/click';
import { defaultSettings, type Settings, usePageSettings } from '../../src/core/config';
import { resetCookieJar } from '../../src/core/cookie-jar';
import { closedWithoutConsentMode, useGate } from '../../src/core/gate';
import { resetLeads } from '../../src/core/lead';
import { resetLog } from '../../src/core/log';
import { resetPrivacy } from '../../src/core/privacy';
import { resetTimeZone } from '../../src/core/device';

export interface Posted {
  path: string;
  body: Record<string, unknown>;
}

/** Answers, in order, for the next requests; the last one repeats. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

export function freshPage(settings: Partial<Settings> = {}) {
  for (const c of document.cookie.split(';')) {
    const name = c.split('=')[0].trim();
    if (name) document.cookie = name + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  }
  localStorage.clear();
  resetCookieJar();
  resetClicks();
  resetLeads();
  resetLog();
  resetPrivacy();
  resetTimeZone();
  usePageSettings({ ...defaultSettings(), programId: 1, apiBase: 'http://api.test', ...settings });
  useGate(closedWithoutConsentMode);
  vi.restoreAllMocks();
  // happy-dom says it is automation; the visitor here is a person (the bot test says otherwise).
  vi.spyOn(navigator, 'webdriver', 'get').mockReturnValue(false);
}

/** Replaces `fetch` with a recorder answering `answers` in order (the last repeats). */
export function fakeApi(...answers: Answer[]) {
  const posted: Posted[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    posted.push({ path: new URL(url).pathname, body: JSON.parse(init.body as string) as Record<string, unknown> });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status, headers: { 'Content-Type': 'application/json', ...answer.headers } });
  });
  return posted;
}

export const cookie = (name: string) => {
  const pair = document.cookie.split('; ').find((p) => p.startsWith(name + '='));
  return pair ? decodeURIComponent(pair.slice(name.length + 1)) : undefined;
};

export const CLICK_OK = { status: 200, body: { success: true, click_id: 'cust_1_1', partner_code: 'P1', cookie_window_days: 30 } };

/**
 * Replaces XMLHttpRequest with one answering `answers` in order (the last repeats); records each
 * request body. For the click's resend when the page's fetch wrapper used up an answer.
 */
export function fakeXhr(...answers: Array<{ status: number; body?: unknown }>) {
  const sent: Array<{ url: string; body: Record<string, unknown> }> = [];
  class FakeXhr {
    status = 0;
    responseText = '';
    onloadend: (() => void) | null = null;
    private url = '';
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    send(body: string) {
      sent.push({ url: this.url, body: JSON.parse(body) as Record<string, unknown> });
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      setTimeout(() => {
        this.status = answer.status;
        this.responseText = JSON.stringify(answer.body ?? {});
        this.onloadend?.();
      });
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

/** The page's fetch wrapped by a tool that reads each answer's body before handing the response on. */
export function wrapFetchUsingBodies() {
  const inner = globalThis.fetch;
  vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
    const res = await inner(...args);
    await res.text();
    return res;
  });
}
