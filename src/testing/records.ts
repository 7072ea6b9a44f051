// What a test sandbox (or the MSW handlers) recorded, read back as plain objects: the rows the
// console shows (Admin.state), oldest first, in the names a JavaScript test uses. Test-mode events
// (docs/protocol.md §5.5) are left out of every reader except `requests()`.
import type { EventType } from '../sandbox/endpoints.js';

/** One request that reached a tracking endpoint, whatever its answer. */
export interface RecordedRequest {
  endpoint: EventType;
  /** The HTTP status answered. */
  status: number;
  /** The sandbox's one-line explanation of its decision (what the console shows). */
  explanation: string;
  /** The JSON body sent (an email masked as `j***@example.com`). */
  body: Record<string, unknown>;
  /** The JSON body answered. */
  answer: Record<string, unknown>;
  clickId: string | null;
  partner: string | null;
  /** Sent in test mode (`additional_data.test_mode`). */
  test: boolean;
  /** Milliseconds since the epoch. */
  at: number;
}

/** An accepted click: a partner's link landed a visitor (a retry of the same click is not a second one). */
export interface RecordedClick {
  clickId: string;
  partner: string;
  affiliateUrl: string | null;
  sessionId: string | null;
  at: number;
  explanation: string;
}

/** An accepted lead (sign-up) and the click it was credited to. */
export interface RecordedLead {
  clickId: string;
  /** The partner whose click the lead was credited to. */
  partner: string;
  customerKey: string | null;
  /** Masked as the sandbox stores it: `j***@example.com`. */
  email: string | null;
  /** Recorded, but waiting for a server-side lead (program setting `lead_auth: 'server_required'`). */
  provisional: boolean;
  at: number;
  explanation: string;
}

/** A recorded sale, with the customer and partner it was credited to (null: recorded unattributed). */
export interface RecordedSale {
  transactionId: string;
  clickId: string | null;
  customerKey: string | null;
  partner: string | null;
  amountCents: number;
  currency: string;
  saleType: string;
  recurring: boolean;
  commissionCents: number | null;
  commissionStatus: string | null;
  /** The sandbox's notes on the sale (e.g. outside the attribution window). */
  flags: string[];
  at: number;
}

/** A recorded refund and what it did to the sale's commission. */
export interface RecordedRefund {
  transactionId: string;
  /** Null for a full refund. */
  refundAmountCents: number | null;
  /** Commission taken back, in cents. */
  deductionCents: number;
  status: string;
  reason: string | null;
  at: number;
}

/** One customer from their partner's click to their sales and refunds. */
export interface Journey {
  clickId: string;
  /** The partner the customer is credited to now. */
  partner: string;
  /** 'click', 'lead' or 'conversion'. */
  status: string;
  customerKey: string | null;
  /** Masked as stored. */
  email: string | null;
  clicks: RecordedClick[];
  lead: RecordedLead | null;
  sales: RecordedSale[];
  refunds: RecordedRefund[];
}

/** Everything recorded, read at one moment. */
export interface Records {
  requests: RecordedRequest[];
  clicks: RecordedClick[];
  leads: RecordedLead[];
  sales: RecordedSale[];
  refunds: RecordedRefund[];
  journeys: Journey[];
  /** The email hash stored per click id (matching a lead by the email a test knows). */
  emailHashes: ReadonlyMap<string, string>;
}

type Row = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
const obj = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Reads the records out of what `Admin.state()` returns (lists newest first). */
export function readRecords(state: Record<string, unknown>): Records {
  const rows = (name: string) => [...((state[name] as Row[] | undefined) ?? [])].reverse();
  const requests: RecordedRequest[] = rows('events').map((row) => ({
    endpoint: row.type as EventType,
    status: num(row.http_status),
    explanation: String(row.explanation),
    body: obj(row.request),
    answer: obj(row.response),
    clickId: str(row.click_id),
    partner: str(row.partner_code),
    test: num(row.is_test) === 1,
    at: num(row.at),
  }));
  const accepted = (endpoint: EventType) =>
    requests.filter((r) => r.endpoint === endpoint && r.status === 200 && !r.test && r.clickId !== null && r.answer.success !== false);
  const clicks: RecordedClick[] = accepted('click').map((r) => ({
    clickId: r.clickId!,
    partner: r.partner!,
    affiliateUrl: str(r.body.affiliate_url),
    sessionId: str(r.body.session_id),
    at: r.at,
    explanation: r.explanation,
  }));
  const leads: RecordedLead[] = accepted('lead').map((r) => ({
    clickId: r.clickId!,
    partner: r.partner!,
    customerKey: str(r.body.customer_key) ?? (typeof r.body.customer_key === 'number' ? String(r.body.customer_key) : null),
    email: str(r.body.email),
    provisional: r.answer.provisional === true,
    at: r.at,
    explanation: r.explanation,
  }));

  const customers = rows('customers');
  const customerById = new Map(customers.map((c) => [num(c.id), c]));
  const saleRows = rows('sales').filter((s) => num(s.is_test) !== 1);
  const sales: RecordedSale[] = saleRows.map((s) => {
    const customer = s.customer_id == null ? undefined : customerById.get(num(s.customer_id));
    return {
      transactionId: String(s.transaction_id),
      clickId: customer ? String(customer.click_id) : null,
      customerKey: customer ? str(customer.customer_key) : null,
      partner: str(s.partner_code),
      amountCents: num(s.amount_cents),
      currency: String(s.currency),
      saleType: String(s.sale_type),
      recurring: num(s.is_recurring) === 1,
      commissionCents: s.commission_cents == null ? null : num(s.commission_cents),
      commissionStatus: str(s.commission_status),
      flags: Array.isArray(s.flags) ? s.flags.map(String) : [],
      at: num(s.created_at),
    };
  });
  const saleById = new Map(saleRows.map((s, i) => [num(s.id), sales[i]]));
  const refundsWithSale = rows('refunds').flatMap((r) => {
    const sale = saleById.get(num(r.sale_id));
    if (!sale) return [];
    const refund: RecordedRefund = {
      transactionId: sale.transactionId,
      refundAmountCents: r.refund_amount_cents == null ? null : num(r.refund_amount_cents),
      deductionCents: num(r.deduction_cents),
      status: String(r.status),
      reason: str(r.reason),
      at: num(r.created_at),
    };
    return [{ refund, sale }];
  });
  const refunds = refundsWithSale.map(({ refund }) => refund);

  const journeys: Journey[] = customers.map((c) => {
    const clickId = String(c.click_id);
    const own = new Set(sales.filter((s) => s.clickId === clickId));
    return {
      clickId,
      partner: String(c.partner_code),
      status: String(c.status),
      customerKey: str(c.customer_key),
      email: str(c.email_masked),
      clicks: clicks.filter((k) => k.clickId === clickId),
      lead: leads.filter((l) => l.clickId === clickId).at(-1) ?? null,
      sales: [...own],
      refunds: refundsWithSale.filter(({ sale }) => own.has(sale)).map(({ refund }) => refund),
    };
  });
  const emailHashes = new Map(customers.filter((c) => typeof c.email_hash === 'string').map((c) => [String(c.click_id), String(c.email_hash)]));
  return { requests, clicks, leads, sales, refunds, journeys, emailHashes };
}
