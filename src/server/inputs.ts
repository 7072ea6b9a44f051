// What each call accepts, in two spellings: the camelCase names of the @affitor/sdk 2.x client
// (docs/protocol.md §8.3) and the wire names of the API itself, which the integration guide and the
// canonical `affitor-sdk/server` use (docs/protocol.md §12.3). One call uses one spelling; both become the same
// request body here, so the rest of the client never sees the difference.

type Id = string | number;

/** `trackLead` in camelCase (@affitor/sdk 2.x). */
export interface TrackLeadInput {
  /** Your stable user id (`customer_key` on the wire). */
  customerExternalId?: Id | null;
  /** The visitor's click id, e.g. from `clickIdFromRequest`. */
  clickId?: string | null;
  email?: string | null;
  /** The click-id history (`click_ids`, ≤20), e.g. from `clickIdsFromCookieHeader`. */
  clickIds?: string[];
  sessionId?: string;
  pageUrl?: string;
  eventName?: string;
  additionalData?: Record<string, unknown>;
}

/** `trackLead` in the API's own names (integration guide, `affitor-sdk/server`). */
export interface TrackLeadParams {
  customer_key?: string | null;
  click_id?: string | null;
  email?: string | null;
  click_ids?: string[];
  session_id?: string;
  page_url?: string;
  event_name?: string;
  additional_data?: Record<string, unknown>;
}

export interface TrackSaleInput {
  customerExternalId?: Id | null;
  clickId?: string | null;
  /** Integer amount in the currency's minor unit (cents), ≥ 1. */
  amount: number;
  /** Your unique payment/order id: Affitor's idempotency key for sales (`transaction_id`). */
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

export interface TrackSaleParams {
  /** Your unique payment/order id, used by Affitor for deduplication. */
  transaction_id: string;
  /** Integer amount in cents, ≥ 1. */
  amount_cents: number;
  customer_key?: string | null;
  click_id?: string | null;
  /** `USD` | `EUR` | `VND`; sent uppercase. */
  currency?: string;
  sale_type?: 'payment' | 'subscription';
  is_recurring?: boolean;
  subscription_id?: string | null;
  subscription_interval?: 'monthly' | 'quarterly' | 'annual';
  event_name?: string;
  product_id?: string;
  line_items?: unknown;
  additional_data?: Record<string, unknown>;
}

export interface TrackRefundInput {
  /** The original sale's `invoiceId` (`transaction_id`). */
  invoiceId: Id;
  /** Omit (or 0) for a full refund. */
  refundAmountCents?: number;
  refundReason?: string | null;
}

export interface TrackRefundParams {
  /** The original sale's `transaction_id`. */
  transaction_id: string;
  /** Omit (or 0) for a full refund. */
  refund_amount_cents?: number;
  refund_reason?: string | null;
}

export interface TrackClickInput {
  affiliateUrl: string;
  pageUrl?: string;
  referrerUrl?: string;
  existingClickId?: string | null;
  /** The visitor's User-Agent; without it Affitor records your server's. */
  userAgent?: string;
  /** A stable id for this landing, so a server that dedupes retried clicks can. */
  sessionId?: string;
  additionalData?: Record<string, unknown>;
}

export interface TrackClickParams {
  affiliate_url: string;
  page_url?: string;
  referrer_url?: string;
  existing_click_id?: string | null;
  user_agent?: string;
  session_id?: string;
  additional_data?: Record<string, unknown>;
}

/**
 * `A`, with every name that only `B` has forbidden, so that a call mixing the two spellings is a
 * type error (and, for JavaScript callers, a runtime error — see {@link toWireBody}).
 */
type Only<A, B> = A & { [K in Exclude<keyof B, keyof A>]?: never };
/** One spelling or the other, never both in one call. */
export type OneSpelling<Camel, Wire> = Only<Camel, Wire> | Only<Wire, Camel>;

export type LeadInput = OneSpelling<TrackLeadInput, TrackLeadParams>;
export type SaleInput = OneSpelling<TrackSaleInput, TrackSaleParams>;
export type RefundInput = OneSpelling<TrackRefundInput, TrackRefundParams>;
export type ClickInput = OneSpelling<TrackClickInput, TrackClickParams>;

export type Endpoint = 'click' | 'lead' | 'sale' | 'refund';

/** camelCase name → wire name, per endpoint (docs/protocol.md §8.3, protocol §12.3). */
const WIRE_NAMES: Record<Endpoint, Record<string, string>> = {
  lead: {
    customerExternalId: 'customer_key',
    clickId: 'click_id',
    email: 'email',
    clickIds: 'click_ids',
    sessionId: 'session_id',
    pageUrl: 'page_url',
    eventName: 'event_name',
    additionalData: 'additional_data',
  },
  sale: {
    customerExternalId: 'customer_key',
    clickId: 'click_id',
    amount: 'amount_cents',
    invoiceId: 'transaction_id',
    currency: 'currency',
    saleType: 'sale_type',
    isRecurring: 'is_recurring',
    subscriptionId: 'subscription_id',
    subscriptionInterval: 'subscription_interval',
    eventName: 'event_name',
    productId: 'product_id',
    lineItems: 'line_items',
    additionalData: 'additional_data',
  },
  refund: {
    invoiceId: 'transaction_id',
    refundAmountCents: 'refund_amount_cents',
    refundReason: 'refund_reason',
  },
  click: {
    affiliateUrl: 'affiliate_url',
    pageUrl: 'page_url',
    referrerUrl: 'referrer_url',
    existingClickId: 'existing_click_id',
    userAgent: 'user_agent',
    sessionId: 'session_id',
    additionalData: 'additional_data',
  },
};

/** Wire keys whose values are ids: the API wants strings, callers often hold numbers. */
const ID_KEYS = new Set(['customer_key', 'transaction_id']);

export type WireBody = Record<string, unknown>;

const present = (v: unknown) => v !== undefined && v !== null && v !== '';
const isTestMode = (body: WireBody) => (body.additional_data as { test_mode?: unknown } | undefined)?.test_mode === true;

export interface ToWireOptions {
  /**
   * Require `customer_key` or `click_id` locally (lead, sale). The object-form client does, as
   * @affitor/sdk 2.x; the string-key form leaves the customer lookup to the API, as the canonical
   * client does.
   */
  requireCustomer: boolean;
}

/**
 * The request body of one call: the caller's spelling turned into wire names, `undefined` and
 * `null` keys dropped, ids stringified, currency uppercased. Throws an Error naming the field
 * (in the caller's own spelling) when the input cannot make a valid request.
 */
export function toWireBody(endpoint: Endpoint, input: unknown, options: ToWireOptions): WireBody {
  const method = `Affitor.track${endpoint[0].toUpperCase()}${endpoint.slice(1)}`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new Error(`${method}: expected an object of fields, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`);
  }
  const names = WIRE_NAMES[endpoint];
  const wireNames = new Set(Object.values(names));
  const given = Object.keys(input);
  const camel = given.filter((k) => k in names && !wireNames.has(k));
  const wire = given.filter((k) => wireNames.has(k) && !(k in names));
  if (camel.length > 0 && wire.length > 0) {
    throw new Error(
      `${method}: mixes camelCase names (${camel.join(', ')}) with the API's names (${wire.join(', ')}); ` +
        'use one spelling per call, e.g. all camelCase (invoiceId, amount) or all as in the API docs (transaction_id, amount_cents).',
    );
  }
  // With no API-only name present the call is camelCase (the object form's documented spelling).
  const usesCamel = wire.length === 0;
  // The caller's own name for a wire field, for error messages.
  const spelled = (wireName: string) =>
    usesCamel ? (Object.keys(names).find((k) => names[k] === wireName) ?? wireName) : wireName;

  const body: WireBody = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    // camelCase input keeps only the known names (as @affitor/sdk 2.x); wire input passes through
    // as the canonical client sends its params verbatim.
    const wireKey = usesCamel ? names[key] : key;
    if (wireKey === undefined) continue;
    body[wireKey] = ID_KEYS.has(wireKey) && typeof value === 'number' ? String(value) : value;
  }
  if (body.customer_key === '') delete body.customer_key;
  if (body.click_id === '') delete body.click_id;
  if (typeof body.currency === 'string') body.currency = body.currency.toUpperCase();

  // Test-mode events need no ids and no amount (docs/protocol.md §5.5): the API fills them in.
  const test = isTestMode(body);
  if ((endpoint === 'lead' || endpoint === 'sale') && options.requireCustomer && !test) {
    if (!present(body.customer_key) && !present(body.click_id)) {
      throw new Error(`${method}: \`${spelled('customer_key')}\` or \`${spelled('click_id')}\` is required`);
    }
  }
  if (endpoint === 'sale' && !test) {
    const amount = body.amount_cents;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1) {
      throw new Error(`${method}: \`${spelled('amount_cents')}\` must be a positive integer (cents)`);
    }
    if (!present(body.transaction_id)) throw new Error(`${method}: \`${spelled('transaction_id')}\` is required (idempotency key)`);
  }
  if (endpoint === 'refund') {
    if (!present(body.transaction_id)) throw new Error(`${method}: \`${spelled('transaction_id')}\` is required`);
    const amount = body.refund_amount_cents;
    if (amount !== undefined && (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0)) {
      throw new Error(`${method}: \`${spelled('refund_amount_cents')}\` must be a positive integer (cents), or omitted for a full refund`);
    }
  }
  return body;
}

/**
 * True when applying the same body twice would change more than applying it once, so a repeat
 * is only safe under an idempotency key the API honours: a partial refund deducts again each time.
 * A sale repeats as 409 (`transaction_id`), a full refund as `skipped`, a lead as a status error.
 */
export function repeatWouldApplyAgain(endpoint: Endpoint, body: WireBody): boolean {
  return endpoint === 'refund' && typeof body.refund_amount_cents === 'number' && body.refund_amount_cents > 0;
}
