// The server client (contract §8.3): the official camelCase surface, plus a timeout on every call,
// idempotent retries, a duplicate flag and typed result codes. HTTP and network failures never
// reject: a signup or checkout must not fail because attribution could not be recorded.
import { retryDelayMs, shouldRetry } from './retry.js';

export const DEFAULT_API_URL = 'https://api.affitor.com';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;

export interface AffitorOptions {
  /** The program's API key (`affitor_…`). Server-side only: it can record sales and refunds. */
  apiKey: string;
  /** API base, default `https://api.affitor.com`; point it at the sandbox in tests. */
  apiUrl?: string;
  /** Fetch implementation, default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms (default 10000). A timed-out attempt counts as a network failure. */
  timeoutMs?: number;
  /** Extra attempts for lead, sale and refund (default 2, so at most 3 requests). Clicks never retry. */
  retries?: number;
  /**
   * Allow construction where `window`/`document` exist. Only for server code that runs with a DOM
   * shim (jsdom/happy-dom tests, Electron main). Never ship an API key to a browser.
   */
  dangerouslyAllowBrowser?: boolean;
}

type Id = string | number;

export interface TrackLeadInput {
  /** Your stable user id (`customer_key` on the wire). */
  customerExternalId?: Id | null;
  /** The visitor's click id, e.g. from {@link clickIdFromRequest}. */
  clickId?: string | null;
  email?: string | null;
  /** (project) The click-id history (`click_ids`, ≤20), e.g. from `clickIdsFromCookieHeader`. */
  clickIds?: string[];
  eventName?: string;
  additionalData?: Record<string, unknown>;
}

export interface TrackSaleInput {
  customerExternalId?: Id | null;
  clickId?: string | null;
  /** Integer amount in the currency's minor unit (cents), ≥ 1. */
  amount: number;
  /** Your unique payment/order id: Affitor's idempotency key (`transaction_id`). */
  invoiceId: Id;
  /** `USD` | `EUR` | `VND`; sent uppercase. */
  currency?: string;
  saleType?: 'payment' | 'subscription';
  isRecurring?: boolean;
  subscriptionId?: string | null;
  subscriptionInterval?: 'monthly' | 'quarterly' | 'annual';
  eventName?: string;
  productId?: string;
  lineItems?: unknown;
  additionalData?: Record<string, unknown>;
}

export interface TrackRefundInput {
  /** The original sale's `invoiceId` (`transaction_id`). */
  invoiceId: Id;
  /** Omit (or 0) for a full refund. */
  refundAmountCents?: number;
  refundReason?: string | null;
}

export interface TrackClickInput {
  affiliateUrl: string;
  pageUrl?: string;
  referrerUrl?: string;
  existingClickId?: string | null;
  /** (project) The visitor's User-Agent; without it Affitor records your server's. */
  userAgent?: string;
  /** (project) A stable id for this landing, so a server that dedupes retried clicks can. */
  sessionId?: string;
  additionalData?: Record<string, unknown>;
}

/**
 * What a call ended as; switch on it instead of on status numbers.
 * | code | when | what to do |
 * |---|---|---|
 * | `ok` | 2xx (includes `attributed:false`, provisional leads) | done |
 * | `duplicate` | 409: this `transaction_id` is already recorded (maybe by an earlier attempt of this call) | done — treat as success |
 * | `invalid_request` | 400 and other 4xx not listed | fix the input; retrying will not help (`error` says what) |
 * | `unauthorized` | 401/403 | check `apiKey` and that `apiUrl` is the environment the key belongs to |
 * | `not_found` | 404 (refund: no sale with that `transaction_id` in this program) | use the sale's own `invoiceId` |
 * | `rate_limited` | 429 after the retries | retry later (e.g. let your queue or Stripe redeliver) |
 * | `server_error` | 5xx after the retries (500 is never retried: a sale may already exist) | retry later; a sale retry is safe (409 → `duplicate`) |
 * | `timeout` | no answer within `timeoutMs` (status 0), or 408 | retry later |
 * | `network_error` | DNS, refused or dropped connection (status 0) | check `apiUrl`/connectivity; retry later |
 */
export type AffitorResultCode =
  | 'ok'
  | 'duplicate'
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error';

export interface AffitorResult<T = Record<string, unknown>> {
  /** True for 2xx only. A duplicate sale is `ok: false, duplicate: true`. */
  ok: boolean;
  /** HTTP status; 0 when no response arrived (network error or timeout). */
  status: number;
  /** Parsed JSON body on 2xx (null if empty or not JSON); null otherwise. */
  data: T | null;
  /** `body.error`, else the status text; `'timeout'` or the network error's message on status 0. */
  error?: string;
  code: AffitorResultCode;
  /** Present on a 409: the sale was already recorded, so the call's goal is met. */
  duplicate?: true;
  /** Requests made, retries included. */
  attempts: number;
}

/** True where a browser would run this code (a window with a document, or a web worker). */
function looksLikeBrowser(): boolean {
  const g = globalThis as { window?: { document?: unknown }; document?: unknown; importScripts?: unknown };
  // `window` alone is not enough: Deno 1.x defines it server-side, without a document.
  return g.document !== undefined || g.window?.document !== undefined || typeof g.importScripts === 'function';
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';
const idString = (v: Id | null | undefined) => (present(v) ? String(v) : undefined);

/** Drops undefined and null keys, so the wire carries only what the caller gave. */
function compact(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function codeFor(status: number): AffitorResultCode {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409) return 'duplicate';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  return status >= 500 || status < 200 ? 'server_error' : 'invalid_request';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Node's fetch says only "fetch failed"; the cause (`ECONNREFUSED 127.0.0.1:443`) is what helps. */
function networkErrorMessage(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const cause = e?.cause?.code || e?.cause?.message;
  const message = e?.message || '';
  return (cause && message ? `${message} (${cause})` : message || cause) || 'network_error';
}

export class Affitor {
  private readonly apiKey: string;
  private readonly apiUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(options: AffitorOptions) {
    if (!options || !options.apiKey) throw new Error('Affitor: `apiKey` is required');
    if (looksLikeBrowser() && !options.dangerouslyAllowBrowser) {
      throw new Error(
        'Affitor: refusing to run in a browser. `affitor-tracker/server` sends your program API key, which can ' +
          'record sales and refunds, so it must stay on your server: call it from an API route, server action or ' +
          'webhook. In the browser use `affitor-tracker` (init/signup need no key). If this is server code with a ' +
          'DOM shim (jsdom/happy-dom tests), pass `dangerouslyAllowBrowser: true`.',
      );
    }
    const fetchImpl = options.fetch || globalThis.fetch;
    if (!fetchImpl) throw new Error('Affitor: no global fetch — pass `options.fetch` (Node < 18)');
    this.apiKey = options.apiKey;
    this.apiUrl = (options.apiUrl || DEFAULT_API_URL).replace(/\/+$/, '');
    // Called unbound: a browser's `fetch` called as a method of another object throws "Illegal invocation".
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRIES));
  }

  /** Records a signup (`POST /api/v1/track/lead`, Bearer). Call it after the account exists; never fail the signup on its result. */
  trackLead(input: TrackLeadInput): Promise<AffitorResult> {
    const i = input || ({} as TrackLeadInput);
    if (!present(i.customerExternalId) && !present(i.clickId)) {
      throw new Error('Affitor.trackLead: `customerExternalId` or `clickId` is required');
    }
    return this.send('lead', true, {
      customer_key: idString(i.customerExternalId),
      click_id: i.clickId || undefined,
      email: i.email,
      click_ids: i.clickIds,
      event_name: i.eventName,
      additional_data: i.additionalData,
    });
  }

  /** Records a sale (`POST /api/v1/track/sale`). Idempotent by `invoiceId`: a repeat answers `duplicate: true`. */
  trackSale(input: TrackSaleInput): Promise<AffitorResult> {
    const i = input || ({} as TrackSaleInput);
    if (!present(i.customerExternalId) && !present(i.clickId)) {
      throw new Error('Affitor.trackSale: `customerExternalId` or `clickId` is required');
    }
    if (!Number.isInteger(i.amount) || i.amount < 1) {
      throw new Error('Affitor.trackSale: `amount` must be a positive integer (cents)');
    }
    if (!present(i.invoiceId)) throw new Error('Affitor.trackSale: `invoiceId` is required (idempotency key)');
    return this.send('sale', true, {
      customer_key: idString(i.customerExternalId),
      click_id: i.clickId || undefined,
      amount_cents: i.amount,
      transaction_id: String(i.invoiceId),
      currency: i.currency?.toUpperCase(),
      sale_type: i.saleType,
      is_recurring: i.isRecurring,
      subscription_id: i.subscriptionId,
      subscription_interval: i.subscriptionInterval,
      event_name: i.eventName,
      product_id: i.productId,
      line_items: i.lineItems,
      additional_data: i.additionalData,
    });
  }

  /** Reverses a sale's commission (`POST /api/v1/track/refund`), fully or by `refundAmountCents`. */
  trackRefund(input: TrackRefundInput): Promise<AffitorResult> {
    const i = input || ({} as TrackRefundInput);
    if (!present(i.invoiceId)) throw new Error('Affitor.trackRefund: `invoiceId` is required');
    return this.send('refund', true, {
      transaction_id: String(i.invoiceId),
      refund_amount_cents: i.refundAmountCents,
      refund_reason: i.refundReason,
    });
  }

  /**
   * Records a click (`POST /api/v1/track/click`, no auth). Never retried: Affitor does not
   * deduplicate clicks, so a retry of a request that did land would create a second click.
   */
  trackClick(input: TrackClickInput): Promise<AffitorResult> {
    const i = input || ({} as TrackClickInput);
    return this.send('click', false, {
      affiliate_url: i.affiliateUrl,
      page_url: i.pageUrl,
      referrer_url: i.referrerUrl,
      existing_click_id: i.existingClickId,
      user_agent: i.userAgent,
      session_id: i.sessionId,
      additional_data: i.additionalData,
    });
  }

  private async send(endpoint: string, idempotent: boolean, body: Record<string, unknown>): Promise<AffitorResult> {
    const url = `${this.apiUrl}/api/v1/track/${endpoint}`;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (endpoint !== 'click') headers.Authorization = `Bearer ${this.apiKey}`;
    const payload = JSON.stringify(compact(body));
    const maxAttempts = idempotent ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const { result, retryAfter } = await this.attempt(url, headers, payload, attempt);
      if (attempt >= maxAttempts || !shouldRetry(result.status)) return result;
      await sleep(retryDelayMs(attempt - 1, retryAfter));
    }
  }

  private async attempt(
    url: string,
    headers: Record<string, string>,
    payload: string,
    attempts: number,
  ): Promise<{ result: AffitorResult; retryAfter: string | null }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const res = await this.fetchImpl(url, { method: 'POST', headers, body: payload, signal: controller.signal });
      // Reading the body is inside the timeout too: a server may send headers and then stall.
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      const code = codeFor(res.status);
      const result: AffitorResult = { ok: res.ok, status: res.status, data: res.ok ? (json as AffitorResult['data']) : null, code, attempts };
      if (!res.ok) {
        const bodyError = (json as { error?: unknown } | null)?.error;
        result.error = typeof bodyError === 'string' && bodyError ? bodyError : res.statusText || `HTTP ${res.status}`;
      }
      if (code === 'duplicate') result.duplicate = true;
      return { result, retryAfter: res.headers.get('retry-after') };
    } catch (err) {
      const error = timedOut ? 'timeout' : networkErrorMessage(err);
      return { result: { ok: false, status: 0, data: null, error, code: timedOut ? 'timeout' : 'network_error', attempts }, retryAfter: null };
    } finally {
      clearTimeout(timer);
    }
  }
}
