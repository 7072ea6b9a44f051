// What the API answers (docs/protocol.md §5, protocol §12.4) and what a call resolves to in the object form
// (docs/protocol.md §8.3): the typed bodies, the result object and its codes, and the reading of one HTTP answer.
import { parseRetryAfter } from './retry.js';

export type TrackLeadResponse = {
  success: boolean;
  /** The program requires server-side (Bearer) leads and this one had none. */
  provisional?: boolean;
  message?: string;
  /** Test mode only. */
  data?: { eventId: number; programId: number; test_mode: true };
};

export type TrackSaleResponse = {
  success: boolean;
  sale_id?: number | null;
  commission_id?: number | null;
  /** `false` when the attribution window had expired: nothing was created. */
  attributed?: boolean;
  reason?: string;
  click_age_days?: number;
  window_days?: number;
  message?: string;
  data?: { eventId: number; programId: number; test_mode: true };
};

export type TrackRefundResponse = {
  success: boolean;
  status?: 'reversed' | 'refunded' | 'skipped' | 'no_commission';
  /** Major units (e.g. dollars). */
  deductionAmount?: number;
  commission_id?: number;
  reason?: string;
  message?: string;
};

export type TrackClickResponse = {
  success: boolean;
  click_id?: string;
  partner_code?: string;
  cookie_window_days?: number;
  message?: string;
  data?: { eventId: number; programId: number; test_mode: true };
};

export type GateStatus = 'pass' | 'fail' | 'unknown';
export type TestChainStatus = 'attributed' | 'unattributed' | 'wrong_partner' | 'pending';

/** `GET /api/v1/programs/me/readiness` (docs/protocol.md §12.4). */
export type Readiness = {
  program_id: number;
  state: 'draft' | 'configuring' | 'ready' | 'integration_verified' | 'live_verified';
  integration_verified: boolean;
  blocker: 'profile' | 'economics' | 'payout' | 'tracking' | 'live' | null;
  gates: {
    profile: { status: GateStatus; next_action?: string };
    economics: { status: GateStatus; next_action?: string };
    payout: { status: GateStatus; mode: 'stripe' | 'manual'; next_action?: string };
    tracking: { status: GateStatus; detail?: string; checked_at: string | null; next_action?: string };
    live: { status: GateStatus; test_chain: { click: TestChainStatus; lead: TestChainStatus; sale: TestChainStatus }; next_action?: string };
  };
  last_event_at: { click: string | null; lead: string | null; sale: string | null };
  counts_24h: { clicks: number; leads: number; sales: number };
  key_rotated_at: string | null;
  poll: { retry_after_seconds: number };
};

/**
 * What a call ended as; switch on it instead of on status numbers.
 * | code | when | what to do |
 * |---|---|---|
 * | `ok` | 2xx with a JSON body (includes `attributed:false`, provisional leads) | done |
 * | `duplicate` | already recorded, maybe by an earlier attempt of this call: a sale's 409, or a lead's "Current status: lead" after a retry | done — treat as success |
 * | `invalid_request` | 400 and other 4xx not listed | fix the input; retrying will not help (`error` says what) |
 * | `unauthorized` | 401/403 | check `apiKey` and that `apiUrl` is the environment the key belongs to |
 * | `not_found` | 404 (refund: no sale with that `transaction_id` in this program) | use the sale's own `invoiceId` |
 * | `rate_limited` | 429 after the retries | retry later (e.g. let your queue or Stripe redeliver) |
 * | `server_error` | 5xx after the retries (500 is not retried: Affitor answers it after writing a sale whose commission failed) | retry later if `retryable` |
 * | `timeout` | no answer within `timeoutMs` (status 0), or 408 | retry later if `retryable` |
 * | `network_error` | DNS, refused or dropped connection (status 0) | check `apiUrl`/connectivity; retry later if `retryable` |
 * | `unexpected_response` | a redirect, or a 2xx whose body is not JSON (a proxy or captive portal answered, not Affitor) | fix `apiUrl` |
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
  | 'network_error'
  | 'unexpected_response';

export interface AffitorResult<T = Record<string, unknown>> {
  /** True for a 2xx with a JSON body only. A duplicate is `ok: false, duplicate: true`. */
  ok: boolean;
  /** HTTP status; 0 when no response arrived (network error or timeout). */
  status: number;
  /** The parsed JSON body on success; null otherwise. */
  data: T | null;
  /** `body.error` (or `body.error.message`), else the status text; `'timeout'` or the network error on status 0. */
  error?: string;
  code: AffitorResultCode;
  /** The call's goal is met although this answer is not a 2xx: see `code: 'duplicate'`. */
  duplicate?: true;
  /** The API answered with the stored answer of an earlier request under the same idempotency key. */
  replayed?: true;
  /**
   * Making this call again later, with the same input and `idempotencyKey`, may succeed and cannot
   * apply it twice: no answer, 408, 429 or 5xx — except {@link outcomeUnknown}.
   */
  retryable: boolean;
  /**
   * No usable answer, the request may have been applied, and a repeat would apply it again (a
   * partial refund on an API not known to honour `Idempotency-Key`): check in Affitor whether it
   * was recorded before repeating it. Never retried by the client.
   */
  outcomeUnknown?: true;
  /**
   * When the API allows the next attempt: the typed error envelope's `retry_after_seconds`
   * (readiness), else the `Retry-After` header, when present. A call whose answer asks for longer
   * than the client waits within a call returns at once with it.
   */
  retryAfterSeconds?: number;
  /** The API's own error code from the typed envelope (`unauthorized`, `rate_limited`), when present. */
  errorCode?: string;
  /** Requests made, retries included. */
  attempts: number;
  /**
   * The call failed retryably and waits in the client's outbox: `flush()`, or the client's next
   * call that reaches Affitor, sends it again under the same Idempotency-Key.
   */
  queued?: true;
}

/**
 * The few members of a fetch `Response` the client reads. Users' fetch stand-ins often lack
 * `headers`, `text` (only `json`) or even `status` (only `ok`).
 */
export interface ResponseLike {
  ok?: boolean;
  status?: number;
  statusText?: string;
  type?: string;
  headers?: { get(name: string): string | null };
  text?(): Promise<string>;
  json?(): Promise<unknown>;
}

/** The body as text: `text()`, else what a stand-in's `json()` gives, serialised again. */
async function bodyText(res: ResponseLike): Promise<string> {
  if (typeof res.text === 'function') return res.text();
  if (typeof res.json !== 'function') return '';
  const json = await res.json();
  return json === undefined ? '' : JSON.stringify(json);
}

/**
 * The API's error envelope, in either shape: `{error: "text"}` (tracking endpoints) or
 * `{error: {code, message, retry_after_seconds?}}` (readiness, docs/protocol.md §12.4).
 */
export function errorEnvelope(body: unknown): { message?: string; code?: string; retryAfterSeconds?: number } {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return { message: error || undefined };
  if (!error || typeof error !== 'object') return {};
  const typed = error as { code?: unknown; message?: unknown; retry_after_seconds?: unknown };
  return {
    message: typeof typed.message === 'string' && typed.message ? typed.message : undefined,
    code: typeof typed.code === 'string' ? typed.code : undefined,
    retryAfterSeconds: typeof typed.retry_after_seconds === 'number' ? typed.retry_after_seconds : undefined,
  };
}

function codeFor(status: number): AffitorResultCode {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409) return 'duplicate';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/** One attempt's answer: the result (without the call-level fields), the parsed body, and Retry-After. */
export interface Answer {
  result: Omit<AffitorResult<unknown>, 'attempts' | 'retryable'>;
  /** Parsed JSON, the raw text when not JSON, or null when empty. */
  body: unknown;
  retryAfter: string | null;
}

/** An answer that is not Affitor's (a redirect, a 2xx that is not a JSON object): never a success. */
const unexpectedResponse = (status: number, error: string, body: unknown, retryAfter: string | null): Answer => ({
  result: { ok: false, status, data: null, code: 'unexpected_response', error },
  body,
  retryAfter,
});

/**
 * Reads one HTTP answer. A redirect is never followed (the request is sent with
 * `redirect: 'manual'`): following it would turn the POST into a GET that records nothing.
 */
export async function readAnswer(res: ResponseLike, url: string): Promise<Answer> {
  const header = (name: string) => (typeof res.headers?.get === 'function' ? res.headers.get(name) : null);
  const retryAfter = header('retry-after');
  // A stand-in without a status (`{ ok: true, json }`): `ok` decides, and a failure is final, as a 4xx.
  const status = typeof res.status === 'number' ? res.status : res.ok ? 200 : 400;
  // Node answers a manual redirect with the 3xx itself; a browser with an opaque status-0 response.
  if ((status >= 300 && status < 400) || res.type === 'opaqueredirect') {
    const location = header('location');
    return unexpectedResponse(
      status,
      `${url} answered a redirect${status ? ` (${status}` : ''}${location ? ` to ${location}` : ''}${status ? ')' : ''}; ` +
        'redirects are not followed, because they turn the POST into a GET that records nothing. Set apiUrl/apiBase to the final address.',
      null,
      retryAfter,
    );
  }
  const text = await bodyText(res);
  let body: unknown = text || null;
  let isJson = false;
  try {
    if (text) {
      body = JSON.parse(text);
      isJson = true;
    }
  } catch {
    // kept as text
  }
  const ok = status >= 200 && status < 300;
  if (ok && !(isJson && body !== null && typeof body === 'object' && !Array.isArray(body))) {
    return unexpectedResponse(
      status,
      `${url} answered ${status} with ${text ? `a body that is not a JSON object (${JSON.stringify(text.slice(0, 60))})` : 'an empty body'}, ` +
        'not an Affitor answer: a proxy or captive portal in between, or apiUrl/apiBase points at something else. Nothing is known to be recorded.',
      body,
      retryAfter,
    );
  }
  const result: Answer['result'] = { ok, status, data: ok ? body : null, code: codeFor(status) };
  if (header('idempotent-replayed') === 'true') result.replayed = true;
  if (!ok) {
    const envelope = isJson ? errorEnvelope(body) : {};
    result.error = envelope.message || res.statusText || `HTTP ${status}`;
    if (envelope.code !== undefined) result.errorCode = envelope.code;
    const headerMs = parseRetryAfter(retryAfter);
    const retryAfterSeconds = envelope.retryAfterSeconds ?? (headerMs === null ? undefined : Math.ceil(headerMs / 1000));
    if (retryAfterSeconds !== undefined) result.retryAfterSeconds = retryAfterSeconds;
    if (result.code === 'duplicate') result.duplicate = true;
  }
  return { result, body, retryAfter };
}
