// The server client (docs/protocol.md §8.3, protocol §12.3), in both official construction forms over one
// implementation: `new Affitor({apiKey, apiUrl})` resolves every call to a result object and never
// rejects on HTTP or network failures (a signup or checkout must not fail because attribution could
// not be recorded); `new Affitor(apiKey, {apiBase})` resolves to the response body and rejects with
// `AffitorApiError`, as the canonical `affitor-sdk/server`. Every call has a timeout, retries that
// never apply it twice (one `Idempotency-Key` per call, reused by its retries), and typed results.
import { AffitorApiError } from './errors.js';
import {
  repeatWouldApplyAgain,
  toWireBody,
  type ClickInput,
  type Endpoint,
  type LeadInput,
  type RefundInput,
  type SaleInput,
  type WireBody,
} from './inputs.js';
import { resolveOptions, type AffitorKeyOptions, type AffitorOptions, type ResolvedOptions } from './options.js';
import {
  readAnswer,
  type Answer,
  type AffitorResult,
  type Readiness,
  type ResponseLike,
  type TrackClickResponse,
  type TrackLeadResponse,
  type TrackRefundResponse,
  type TrackSaleResponse,
} from './responses.js';
import { isRetryable, mayHaveLanded, retriedWithinTheCall, retryDelayMs } from './retry.js';
import type { FlushResult, OutboxEntry } from './outbox.js';
import { sleep } from '../shared/sleep.js';

/** Per-call options: the second argument of every track method. */
export interface CallOptions {
  /**
   * The call's idempotency key, sent as `Idempotency-Key` and reused by every retry of the call:
   * 1–255 printable ASCII characters. Pass a key derived from your own event (an order id, a
   * webhook event id) so that calling again for the same event is recognised as a repeat.
   * @default crypto.randomUUID(), one per call
   */
  idempotencyKey?: string;
}

/** How a client's calls resolve: result objects (object form) or bodies and rejections (string-key form). */
export type ReplyStyle = 'result' | 'body';
/** What a call resolves to in a client of the given style. */
export type Reply<Style extends ReplyStyle, Body> = Style extends 'body' ? Body : AffitorResult<Body>;

/** True where a browser would run this code (a window with a document, or a web worker). */
function looksLikeBrowser(): boolean {
  const g = globalThis as { window?: { document?: unknown }; document?: unknown; importScripts?: unknown };
  // `window` alone is not enough: Deno 1.x defines it server-side, without a document. Node (Bun,
  // Deno 2) with a DOM shim is a server running unit tests in jsdom or happy-dom: the key stays there.
  if (typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string') return false;
  return g.document !== undefined || g.window?.document !== undefined || typeof g.importScripts === 'function';
}

const PRINTABLE_ASCII_KEY = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

function idempotencyKeyOf(method: string, options: CallOptions | undefined): string {
  const key = options?.idempotencyKey;
  if (key === undefined) return newIdempotencyKey();
  if (typeof key !== 'string' || !PRINTABLE_ASCII_KEY.test(key) || key.trimEnd() !== key) {
    throw new Error(`${method}: \`idempotencyKey\` must be 1–255 printable ASCII characters (no spaces at the ends); got ${JSON.stringify(key)}`);
  }
  return key;
}

/** `crypto.randomUUID()` (Node ≥ 19, Deno, Bun, Workers); Node 18 without the WebCrypto global gets an equally unique random key. */
function newIdempotencyKey(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  return uuid ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** Node's fetch says only "fetch failed"; the cause (`ECONNREFUSED 127.0.0.1:443`) is what helps. */
function describeNetworkError(err: unknown): { message: string; code?: string } {
  const e = err as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const code = e?.cause?.code;
  const cause = code || e?.cause?.message;
  const message = e?.message || '';
  return { message: (cause && message ? `${message} (${cause})` : message || cause) || 'network_error', code };
}

const LEAD_ALREADY_RECORDED = 'Customer status cannot be updated to lead. Current status: lead';

interface Request {
  method: 'GET' | 'POST';
  path: string;
  endpoint?: Endpoint;
  body?: WireBody;
  idempotencyKey?: string;
  bearer: boolean;
  /** Extra attempts allowed. */
  retries: number;
  /**
   * Sending it again after it may have landed cannot apply it twice: by the protocol itself, or
   * under an idempotency key the API is known to honour.
   */
  repeatIsHarmless: boolean;
  /** An earlier call with this key may have been applied (a resend from the outbox). */
  mayHaveLandedBefore?: boolean;
}

interface Sent {
  result: AffitorResult<unknown>;
  body: unknown;
  /** Some attempt of this call (or of an earlier one under its key) may have been applied. */
  mayHaveLanded: boolean;
}

class AffitorClient<Style extends ReplyStyle> {
  private readonly settings: ResolvedOptions;
  private readonly style: ReplyStyle;
  /** A store other than the memory may hold entries from an earlier process: looked at once. */
  private outboxMayHoldEntries = true;
  private flushing: Promise<FlushResult> | null = null;

  constructor(keyOrOptions: string | AffitorOptions, keyOptions?: AffitorKeyOptions) {
    if (typeof keyOrOptions === 'string' || keyOrOptions === undefined || keyOrOptions === null) {
      this.style = 'body';
      this.settings = resolveOptions(keyOrOptions, { ...keyOptions }, 'key');
    } else {
      if (keyOptions !== undefined) {
        throw new Error('Affitor: with new Affitor({ apiKey, … }) all options go in that one object; the second argument is for new Affitor(apiKey, { apiBase })');
      }
      this.style = 'result';
      const { apiKey, ...rest } = keyOrOptions as AffitorOptions & Record<string, unknown>;
      this.settings = resolveOptions(apiKey, rest, 'object');
    }
    if (looksLikeBrowser() && !this.settings.dangerouslyAllowBrowser) {
      throw new Error(
        'Affitor: refusing to run in a browser. `affitor-tracker/server` sends your program API key, which can ' +
          'record sales and refunds, so it must stay on your server: call it from an API route, server action or ' +
          'webhook. In the browser use `affitor-tracker` (init/signup need no key). If this is server code with a ' +
          'DOM shim (jsdom/happy-dom tests), pass `dangerouslyAllowBrowser: true`.',
      );
    }
  }

  /**
   * Records a signup (`POST /api/v1/track/lead`, Bearer). Call it after the account exists; never
   * fail the signup on its result. A retry whose first attempt had landed resolves as `duplicate`.
   */
  trackLead(input: LeadInput, options?: CallOptions): Promise<Reply<Style, TrackLeadResponse>> {
    return this.track('lead', 'trackLead', input, options);
  }

  /** Records a sale (`POST /api/v1/track/sale`, Bearer). Idempotent by `transaction_id`: a repeat answers `duplicate: true`. */
  trackSale(input: SaleInput, options?: CallOptions): Promise<Reply<Style, TrackSaleResponse>> {
    return this.track('sale', 'trackSale', input, options);
  }

  /**
   * Reverses a sale's commission (`POST /api/v1/track/refund`, Bearer), fully or by the refunded
   * amount. A partial refund whose answer was lost is retried only when `honoursIdempotencyKey`.
   */
  trackRefund(input: RefundInput, options?: CallOptions): Promise<Reply<Style, TrackRefundResponse>> {
    return this.track('refund', 'trackRefund', input, options);
  }

  /**
   * Records a click (`POST /api/v1/track/click`, no auth). Never retried: Affitor does not
   * deduplicate clicks, so a retry of a request that did land would create a second click.
   */
  trackClick(input: ClickInput, options?: CallOptions): Promise<Reply<Style, TrackClickResponse>> {
    return this.track('click', 'trackClick', input, options);
  }

  /** The program's go-live checklist (`GET /api/v1/programs/me/readiness`, Bearer, docs/protocol.md §12.4). */
  readiness(
    options: {
      /**
       * Sends `?force_recheck=true`: the gates are checked again, not answered from an earlier check
       * (the sandbox checks afresh on every reading anyway).
       * @default false
       */
      forceRecheck?: boolean;
    } = {},
  ): Promise<Reply<Style, Readiness>> {
    const query = options.forceRecheck === true ? '?force_recheck=true' : '';
    const path = `/api/v1/programs/me/readiness${query}`;
    return this.finish(this.send({ method: 'GET', path, bearer: true, retries: this.settings.retries, repeatIsHarmless: true }));
  }

  private track<Body>(endpoint: Endpoint, name: string, input: unknown, options: CallOptions | undefined): Promise<Reply<Style, Body>> {
    let request: Request;
    try {
      const body = toWireBody(endpoint, input, { requireCustomer: this.style === 'result' });
      request = {
        method: 'POST',
        path: `/api/v1/track/${endpoint}`,
        endpoint,
        body,
        idempotencyKey: idempotencyKeyOf(`Affitor.${name}`, options),
        bearer: endpoint !== 'click',
        retries: endpoint === 'click' ? 0 : this.settings.retries,
        repeatIsHarmless: !repeatWouldApplyAgain(endpoint, body) || this.settings.honoursIdempotencyKey,
      };
    } catch (err) {
      // Bad input: the object form throws synchronously, before any request (as @affitor/sdk 2.x);
      // the string-key form's methods are async, as the canonical client's, so it rejects.
      if (this.style === 'body') return Promise.reject(err);
      throw err;
    }
    return this.finish(this.sendOrQueue(request));
  }

  /**
   * Sends the calls waiting in the outbox again, oldest first, each under its own Idempotency-Key
   * (so one Affitor had applied is answered as a repeat, never applied twice). Stops at the first
   * that still cannot reach Affitor. Never rejects. Call it from a cron job or after a deploy; the
   * client also starts it by itself after a call that reached Affitor.
   */
  flush(): Promise<FlushResult> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<FlushResult> {
    const outcome: FlushResult = { sent: [], refused: [], pending: 0 };
    const { outbox } = this.settings;
    if (!outbox) return outcome;
    let entries: readonly OutboxEntry[];
    try {
      entries = await outbox.list();
    } catch {
      return outcome;
    }
    for (const [index, entry] of entries.entries()) {
      const { result, mayHaveLanded } = await this.send({
        method: 'POST',
        path: `/api/v1/track/${entry.endpoint}`,
        endpoint: entry.endpoint,
        body: entry.body,
        idempotencyKey: entry.idempotencyKey,
        bearer: true,
        retries: this.settings.retries,
        repeatIsHarmless: !repeatWouldApplyAgain(entry.endpoint, entry.body) || this.settings.honoursIdempotencyKey,
        mayHaveLandedBefore: entry.mayHaveLanded,
      });
      try {
        if (!result.ok && result.retryable) {
          // Still unreachable: the rest would fail the same way.
          if (mayHaveLanded && !entry.mayHaveLanded) await outbox.put({ ...entry, mayHaveLanded });
          outcome.pending = entries.length - index;
          break;
        }
        await outbox.remove(entry.idempotencyKey);
      } catch {
        outcome.pending = entries.length - index;
        break;
      }
      if (result.ok || result.duplicate) outcome.sent.push(entry);
      else {
        const error = result.outcomeUnknown ? 'no answer, and it may have been applied: check in Affitor before sending it again' : (result.error ?? result.code);
        outcome.refused.push({ entry, error, status: result.status });
      }
    }
    this.outboxMayHoldEntries = outcome.pending > 0;
    return outcome;
  }

  /** Sends a lead, sale or refund; one that fails retryably for the whole call waits in the outbox. */
  private async sendOrQueue(request: Request): Promise<Sent> {
    const sent = await this.send(request);
    const { result } = sent;
    const { outbox } = this.settings;
    if (!outbox || request.endpoint === undefined || request.endpoint === 'click' || !request.body || !request.idempotencyKey) return sent;
    if (!result.ok && result.retryable) {
      try {
        await outbox.put({
          idempotencyKey: request.idempotencyKey,
          endpoint: request.endpoint,
          body: request.body,
          queuedAt: new Date().toISOString(),
          mayHaveLanded: sent.mayHaveLanded,
        });
        result.queued = true;
        this.outboxMayHoldEntries = true;
      } catch {
        // The store failed: the result says retryable, not queued, and the caller decides.
      }
    } else if (this.outboxMayHoldEntries && result.status !== 0) {
      // Affitor answered: whatever waits in the outbox may go now, without delaying this call.
      void this.flush().then(reportRefused);
    }
    return sent;
  }

  private async finish<Body>(sent: Promise<Sent>): Promise<Reply<Style, Body>> {
    const { result, body } = await sent;
    if (this.style === 'result') return result as Reply<Style, Body>;
    if (!result.ok) throw new AffitorApiError(result, body);
    return result.data as Reply<Style, Body>;
  }

  private async send(request: Request): Promise<Sent> {
    const headers: Record<string, string> = {};
    if (request.body) headers['Content-Type'] = 'application/json';
    if (request.bearer) headers.Authorization = `Bearer ${this.settings.apiKey}`;
    if (request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
    const url = this.settings.baseUrl + request.path;
    const payload = request.body ? JSON.stringify(request.body) : undefined;
    const { repeatIsHarmless } = request;
    let anEarlierAttemptMayHaveLanded = request.mayHaveLandedBefore === true;
    for (let attempt = 1; ; attempt++) {
      const { answer, networkErrorCode } = await this.attempt(url, request.method, headers, payload);
      const possiblyApplied = !answer.result.ok && mayHaveLanded(answer.result.status, networkErrorCode);
      const retryable = isRetryable(answer.result.status) && (repeatIsHarmless || !possiblyApplied);
      const result: AffitorResult<unknown> = { ...answer.result, retryable, attempts: attempt };
      // Without a key the API honours, a lead repeated after its first attempt landed is refused by
      // the status rule; that refusal means the lead is recorded.
      if (request.endpoint === 'lead' && anEarlierAttemptMayHaveLanded && result.status === 400 && result.error === LEAD_ALREADY_RECORDED) {
        result.code = 'duplicate';
        result.duplicate = true;
      }
      anEarlierAttemptMayHaveLanded ||= possiblyApplied;
      const sent = { result, body: answer.body, mayHaveLanded: anEarlierAttemptMayHaveLanded };
      if (possiblyApplied && !repeatIsHarmless) {
        result.outcomeUnknown = true;
        return sent;
      }
      if (attempt > request.retries || !retriedWithinTheCall(result.status) || result.code === 'unexpected_response') return sent;
      const retryAfter = answer.retryAfter ?? (answer.result.retryAfterSeconds !== undefined ? String(answer.result.retryAfterSeconds) : null);
      const delay = retryDelayMs(attempt - 1, retryAfter);
      if (delay === null) return sent;
      await sleep(delay);
    }
  }

  private async attempt(
    url: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    payload: string | undefined,
  ): Promise<{ answer: Answer; networkErrorCode?: string }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.timeoutMs);
    // Looked up per call when not given, so a fetch stubbed after construction (tests) is the one used.
    const fetchImpl = this.settings.fetch ?? globalThis.fetch;
    try {
      const init: RequestInit = { method, headers, signal: controller.signal, redirect: 'manual' };
      if (payload !== undefined) init.body = payload;
      const res = (await fetchImpl(url, init)) as ResponseLike;
      // Reading the body is inside the timeout too: a server may send headers and then stall.
      return { answer: await readAnswer(res, url) };
    } catch (err) {
      const network = describeNetworkError(err);
      const result = timedOut
        ? ({ ok: false, status: 0, data: null, error: 'timeout', code: 'timeout' } as const)
        : ({ ok: false, status: 0, data: null, error: network.message, code: 'network_error' } as const);
      return { answer: { result, body: null, retryAfter: null }, networkErrorCode: timedOut ? undefined : network.code };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What a flush the client started by itself refused for good: nobody awaits it, so it is logged. */
function reportRefused({ refused }: FlushResult): void {
  for (const { entry, error, status } of refused) {
    console.error(`[affitor-tracker] Affitor refused the ${entry.endpoint} queued at ${entry.queuedAt} (Idempotency-Key ${entry.idempotencyKey}) when it was sent again: ${error} (${status}). It is dropped from the outbox; record it by hand if it should count.`);
  }
}

/** The constructor, with both official forms typed. */
export interface AffitorConstructor {
  /** @affitor/sdk 2.x: calls resolve to result objects and never reject on HTTP or network failures. */
  new (options: AffitorOptions): Affitor<'result'>;
  /** Canonical `affitor-sdk/server`: calls resolve to the response body and reject with `AffitorApiError`. */
  new (apiKey: string, options?: AffitorKeyOptions): Affitor<'body'>;
  readonly prototype: Affitor<ReplyStyle>;
}

/** An Affitor server client; `Affitor<'body'>` is one built with `new Affitor(apiKey, {apiBase})`. */
export type Affitor<Style extends ReplyStyle = 'result'> = AffitorClient<Style>;
export const Affitor = AffitorClient as unknown as AffitorConstructor;
