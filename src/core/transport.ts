// The one way the tracker talks to the API: a keepalive JSON POST with no credentials or auth
// (docs/protocol.md §3.3, protocol §3.6), reduced to an outcome so callers never see an exception;
// and the one retry loop, shared by clicks and leads. Pure "post this": which origin, and whether
// the visitor allows it at all, is the composition root's business (tracker.ts `send`).
import { sleep } from '../shared/sleep.js';
import { Line } from './lines.js';
import { note } from './log.js';
import { askedWait, retryAfterHeader } from './retry-after.js';

/** What one request came to; never an exception. */
export interface Outcome {
  /** The answer's status; 0 when the request failed or fetch threw. */
  status: number;
  /** The answer's body, when it was JSON. */
  body?: Record<string, unknown>;
  /** Why the request failed (status 0). */
  error?: unknown;
  /**
   * A failed answer's "try again after", in ms (docs/protocol.md §3.4): its body's
   * `retry_after_seconds`, else its `Retry-After` header in
   * seconds or as an HTTP date, which a page on another origin can read only where the API lists it
   * in `Access-Control-Expose-Headers`. Undefined when the answer asked for nothing readable.
   */
  retryAfter?: number;
  /**
   * The page's own fetch wrapper (a monitoring tool) read the answer's body before handing the
   * response on: it was answered, but its body is gone.
   */
  usedUp?: boolean;
}

/** Posts `body` as JSON to `path` of the API (`api`, or the page's); resolves with the outcome, never rejects. */
export type Send = (path: string, body: object, api?: string | null, sent?: Promise<Response>) => Promise<Outcome>;

/**
 * `JSON.stringify` without the page's `toJSON` helpers: old libraries (Prototype.js) give arrays
 * one that returns a string, which would send and store `click_ids` as text. The replacer hands
 * back each original value, which is then serialised as JSON defines it.
 */
export const toJson = (value: object) =>
  JSON.stringify(value, function (this: Record<string, unknown>, key: string) {
    return this[key];
  });

/** `sent`: this very request, already sent by the every-page script (handover.ts); only its answer is read. */
export async function post(url: string, body: object, sent?: Promise<Response>): Promise<Outcome> {
  try {
    const res = await (sent || fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: toJson(body),
      // Lets the request finish when the visitor navigates away right after a click or signup.
      keepalive: true,
    }));
    // Read through `status` and the body only (`json()`, else `text()`): fetch stand-ins in users'
    // tests have no `headers` or `statusText`, and many no `status` (`{ ok: true, json }`): there
    // `ok` decides, and a failure without a status is final, as a 4xx. A body that is not JSON
    // stays undefined and the caller decides (a click retries it).
    const outcome: Outcome = { status: res.status || (res.ok ? 200 : 400) };
    if (res.bodyUsed) outcome.usedUp = true;
    try {
      outcome.body = res.json ? await res.json() : JSON.parse(await res.text());
    } catch (e) {}
    outcome.retryAfter = askedWait(outcome.body, retryAfterHeader(res));
    return outcome;
  } catch (e) {
    note(Line.RequestFailed, e);
    return { status: 0, error: e };
  }
}

/**
 * The same POST through XMLHttpRequest, whose answer no fetch wrapper can use up: for a click whose
 * fetch answer the page's wrapper read first (`usedUp`). No keepalive, which XHR lacks: the page is
 * open, it has just had that answer. A wait it asks for is read from the body only (reading a header
 * the API does not expose prints a console error).
 */
export const postByXhr = (url: string, body: object) =>
  new Promise<Outcome>((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onloadend = () => {
      let answer;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (e) {}
      resolve({ status: xhr.status, body: answer, retryAfter: askedWait(answer, null) });
    };
    xhr.send(toJson(body));
  }).catch((e: unknown): Outcome => ({ status: 0, error: e }));

export const isSuccess = (status: number) => status > 199 && status < 300;

export { isRetryable } from '../shared/status.js';

/** At most this many attempts per click or lead per page load (docs/protocol.md §3.4). */
export const MAX_ATTEMPTS = 5;

/**
 * Delay after failed attempt `n`: `min(1000·2^(n-1), 8000)` ms (docs/protocol.md §3.4) scaled by
 * a random 50–100 %, so that visitors failing together do not come back in lockstep.
 */
export const retryDelay = (n: number, random = Math.random()) => Math.min(1000 * 2 ** (n - 1), MAX_RETRY_DELAY) * (0.5 + random / 2);

/** The longest wait between two attempts in the page (docs/protocol.md §3.4). */
export const MAX_RETRY_DELAY = 8000;

/**
 * `attempt` makes one attempt and returns its failed outcome when it is worth another (its request
 * failed in a retryable way), false when it reached a final answer or was abandoned. At most
 * MAX_ATTEMPTS per page load, `retryDelay` apart, or further apart where the server asked for more
 * (`retryAfter`). A server asking for more than MAX_RETRY_DELAY is not asked again by this page:
 * the loop ends and the write-ahead record waits for the next page load. No attempt starts once
 * `allowed()` is false (the visitor opted out): the loop ends, so every promise waiting on it settles.
 */
export async function retry(attempt: () => Promise<Outcome | false>, allowed: () => boolean) {
  for (let n = 1; allowed(); n++) {
    const failed = await attempt();
    if (!failed || n >= MAX_ATTEMPTS) return;
    const asked = failed.retryAfter || 0;
    if (asked > MAX_RETRY_DELAY) return;
    await sleep(Math.max(retryDelay(n), asked));
  }
}
