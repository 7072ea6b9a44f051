// The client's options, in the two construction forms (docs/protocol.md §8.3, protocol §12.3), checked once
// at construction: a bad value (`retries: Number(process.env.UNSET)` is NaN) fails loudly there
// instead of retrying forever or never timing out.
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { isOutboxStore, memoryOutbox, type OutboxStore } from './outbox.js';

interface CommonOptions {
  /**
   * Fetch implementation.
   * @default globalThis.fetch, looked up at each call (so a test's `vi.stubGlobal('fetch', …)` applies)
   */
  fetch?: typeof fetch;
  /**
   * Per-attempt timeout in ms, reading the body included. A timed-out attempt counts as a lost answer.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Extra attempts for lead, sale, refund and readiness (so at most `retries + 1` requests);
   * a whole number from 0 to 10. Clicks are never retried.
   * @default 2
   */
  retries?: number;
  /**
   * Whether the API at the base URL honours `Idempotency-Key` (answers a repeated key with the first
   * answer). The sandbox does; Affitor's production API does not document it. Only partial refunds
   * depend on it: without it a partial refund whose answer was lost is not retried (it would deduct
   * twice) and resolves with `outcomeUnknown: true`.
   * @default false
   */
  honoursIdempotencyKey?: boolean;
  /**
   * Where a lead, sale or refund waits when Affitor could not be reached for the whole call (its
   * retries included), until `flush()` or the client's next call that reaches Affitor sends it
   * again under the same Idempotency-Key; the call's result then says `queued: true`. Give a store
   * in your database where the process may end before Affitor is back (serverless, deploys);
   * `false` turns it off.
   * @default memoryOutbox(): this client's memory
   */
  outbox?: OutboxStore | false;
  /**
   * Allow construction where `window`/`document` exist. Only for server code that runs with a DOM
   * shim (jsdom/happy-dom tests, Electron main). Never ship an API key to a browser.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean;
}

/** `new Affitor({ apiKey, apiUrl })`: the @affitor/sdk 2.x form; calls resolve to result objects. */
export interface AffitorOptions extends CommonOptions {
  /** The program's API key (`affitor_…`). Server-side only: it can record sales and refunds. */
  apiKey: string;
  /**
   * API base; point it at the sandbox in tests. Trailing `/` removed.
   * @default 'https://api.affitor.com'
   */
  apiUrl?: string;
}

/** `new Affitor(apiKey, { apiBase })`: the canonical `affitor-sdk/server` form; calls resolve to the body and reject with `AffitorApiError`. */
export interface AffitorKeyOptions extends CommonOptions {
  /**
   * API base; point it at the sandbox in tests. Trailing `/` removed.
   * @default 'https://api.affitor.com'
   */
  apiBase?: string;
}

export interface ResolvedOptions {
  apiKey: string;
  baseUrl: string;
  /** Undefined: use `globalThis.fetch` at call time. */
  fetch: typeof fetch | undefined;
  timeoutMs: number;
  retries: number;
  honoursIdempotencyKey: boolean;
  dangerouslyAllowBrowser: boolean;
  /** Null: turned off. */
  outbox: OutboxStore | null;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 2;
const MAX_RETRIES = 10;
/** setTimeout's limit; a longer delay fires at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

const COMMON_KEYS = ['fetch', 'timeoutMs', 'retries', 'honoursIdempotencyKey', 'dangerouslyAllowBrowser', 'outbox'];

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'function' ? 'a function' : String(v));

/** Checks the options of either form. `form` names the construction, for the messages. */
export function resolveOptions(apiKey: unknown, options: Record<string, unknown>, form: 'object' | 'key'): ResolvedOptions {
  const urlKey = form === 'object' ? 'apiUrl' : 'apiBase';
  const allowed = new Set([...COMMON_KEYS, urlKey, ...(form === 'object' ? ['apiKey'] : [])]);
  for (const key of Object.keys(options)) {
    if (allowed.has(key)) continue;
    const hint =
      key === 'apiBase' || key === 'apiUrl'
        ? ` — \`${key}\` belongs to the other form: new Affitor({ apiKey, apiUrl }) or new Affitor(apiKey, { apiBase })`
        : key === 'apiKey'
          ? ' — with new Affitor(apiKey, options) the key is the first argument'
          : ` (known options: ${[...allowed].join(', ')})`;
    throw new Error(`Affitor: unknown option \`${key}\`${hint}`);
  }
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new Error(
      form === 'object'
        ? 'Affitor: `apiKey` is required — pass your program API key (affitor_…): new Affitor({ apiKey: process.env.AFFITOR_API_KEY })'
        : 'Affitor: an API key is required — new Affitor(process.env.AFFITOR_API_KEY, { apiBase })',
    );
  }
  const rawUrl = options[urlKey] ?? DEFAULT_API_BASE;
  let url: URL | null = null;
  try {
    url = typeof rawUrl === 'string' ? new URL(rawUrl) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new Error(`Affitor: \`${urlKey}\` must be an absolute http(s) URL without query or fragment, like "https://api.affitor.com"; got ${show(rawUrl)}`);
  }
  const fetchImpl = options.fetch;
  if (fetchImpl !== undefined && typeof fetchImpl !== 'function') {
    throw new Error(`Affitor: \`fetch\` must be a function (a fetch implementation); got ${show(fetchImpl)}`);
  }
  if (fetchImpl === undefined && typeof globalThis.fetch !== 'function') {
    throw new Error('Affitor: no global fetch — pass `options.fetch` (Node < 18)');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new Error(`Affitor: \`timeoutMs\` must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; got ${show(timeoutMs)}`);
  }
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new Error(
      `Affitor: \`retries\` must be a whole number from 0 to ${MAX_RETRIES}; got ${show(retries)}` +
        (Number.isNaN(retries) ? ' (Number() of an unset environment variable is NaN)' : ''),
    );
  }
  for (const key of ['honoursIdempotencyKey', 'dangerouslyAllowBrowser']) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw new Error(`Affitor: \`${key}\` must be true or false; got ${show(options[key])}`);
    }
  }
  const outbox = options.outbox ?? memoryOutbox();
  if (outbox !== false && !isOutboxStore(outbox)) {
    throw new Error(`Affitor: \`outbox\` must be a store with put(entry), list() and remove(idempotencyKey), or false; got ${show(outbox)}`);
  }
  return {
    apiKey,
    baseUrl: url.href.replace(/\/+$/, ''),
    fetch: fetchImpl as typeof fetch | undefined,
    timeoutMs,
    retries,
    honoursIdempotencyKey: options.honoursIdempotencyKey === true,
    dangerouslyAllowBrowser: options.dangerouslyAllowBrowser === true,
    outbox: outbox === false ? null : outbox,
  };
}
