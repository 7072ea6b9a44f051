// The four tracking endpoints (contract §5, §10): validation, attribution decisions and storage.
// Every method runs synchronously inside one SQLite transaction, so concurrent requests can never
// interleave half-applied writes, and returns the HTTP answer plus a one-line explanation of the
// decision for the console (rule 22).
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { CLICK_ID_COOKIE, readCookie } from '../shared/cookies.js';

const DAY_MS = 86_400_000;
/** Rule 19: a click retried with the same session_id + affiliate_url within this window is a duplicate. */
const CLICK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_STORED_CLICK_IDS = 20;
const KNOWN_CURRENCIES = ['USD', 'EUR', 'VND'];
const KNOWN_SALE_TYPES = ['payment', 'subscription'];
const KNOWN_INTERVALS = ['monthly', 'quarterly', 'annual'];

export type EventType = 'click' | 'lead' | 'sale' | 'refund';
export type CustomerStatus = 'click' | 'lead' | 'conversion';
export type PartnerStatus = 'active' | 'inactive' | 'misconfigured';

export interface ProgramRow {
  id: number;
  name: string;
  api_key: string;
  cookie_window_days: number;
  attribution_window_days: number;
  commission_type: 'percentage' | 'fixed';
  /** Percent of the sale amount (40 = 40 %), used when commission_type is 'percentage'. */
  commission_rate: number;
  /** Flat commission per sale, used when commission_type is 'fixed'. */
  commission_fixed_cents: number;
  lead_auth: 'any' | 'server_required';
}

export interface PartnerRow {
  code: string;
  program_id: number;
  name: string;
  status: PartnerStatus;
}

export interface CustomerRow {
  id: number;
  program_id: number;
  click_id: string;
  partner_code: string;
  status: CustomerStatus;
  customer_key: string | null;
  provisional_key: string | null;
  email_hash: string | null;
  email_masked: string | null;
  click_ids: string | null;
  anchor_at: number;
  created_at: number;
  lead_at: number | null;
  converted_at: number | null;
}

interface SaleRow {
  id: number;
  transaction_id: string;
  program_id: number;
  amount_cents: number;
  is_test: number;
}

interface CommissionRow {
  id: number;
  amount_cents: number;
  reversed_cents: number;
  status: 'pending' | 'refunded' | 'reversed';
}

/** What the console and the CLI show for one request. `id` is null when nothing was stored. */
export interface Activity {
  id: number | null;
  at: number;
  type: EventType;
  httpStatus: number;
  programId: number | null;
  clickId: string | null;
  partnerCode: string | null;
  isTest: boolean;
  explanation: string;
}

export interface TrackResult {
  status: number;
  body: Record<string, unknown>;
  activity: Activity;
}

/** What the HTTP layer passes in besides the JSON body. */
export interface RequestContext {
  authorization: string | undefined;
  userAgent: string | undefined;
  cookieHeader: string | undefined;
}

type Body = Record<string, unknown>;

const INVALID_TOKEN = 'Invalid API token';

/** A non-empty (after trim) string, trimmed; null otherwise. */
function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Ids may arrive as numbers from lenient callers (the tracker stringifies them; rule 20 leniency). */
function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value);
}

function objectOrEmpty(value: unknown): Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : null;
}

/** Rule 15: hex SHA-256 over the trimmed, lower-cased email. */
export function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** Rule 14: `jane@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  const at = normalized.lastIndexOf('@');
  if (at < 1) return normalized.slice(0, 1) + '***';
  return normalized.slice(0, 1) + '***' + normalized.slice(at);
}

export function formatCents(cents: number, currency = 'USD'): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

/** Commission for one sale from the program's settings (rule 11: rounded, no cap, no hold). */
export function commissionFor(program: ProgramRow, amountCents: number): number {
  if (program.commission_type === 'fixed') return program.commission_fixed_cents;
  return Math.round((amountCents * program.commission_rate) / 100);
}

function prepareStatements(db: Db) {
  return {
    programById: db.prepare<[number], ProgramRow>('SELECT * FROM programs WHERE id = ?'),
    programByKey: db.prepare<[string], ProgramRow>('SELECT * FROM programs WHERE api_key = ?'),
    partner: db.prepare<[string], PartnerRow>('SELECT * FROM partners WHERE code = ?'),
    customerByClickId: db.prepare<[string], CustomerRow>('SELECT * FROM customers WHERE click_id = ?'),
    customerByKey: db.prepare<[number, string], CustomerRow>(
      'SELECT * FROM customers WHERE program_id = ? AND customer_key = ?',
    ),
    customerByKeyAnyProgram: db.prepare<[string], CustomerRow>(
      'SELECT * FROM customers WHERE customer_key = ? ORDER BY id DESC LIMIT 1',
    ),
    customerByProvisionalKey: db.prepare<[number, string], CustomerRow>(
      'SELECT * FROM customers WHERE program_id = ? AND provisional_key = ? ORDER BY id DESC LIMIT 1',
    ),
    clickIdTaken: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM customers WHERE click_id = ?'),
    insertCustomer: db.prepare(
      `INSERT INTO customers (program_id, click_id, partner_code, status, anchor_at, created_at)
       VALUES (?, ?, ?, 'click', ?, ?)`,
    ),
    switchPartner: db.prepare('UPDATE customers SET partner_code = ?, anchor_at = ? WHERE id = ?'),
    clearKey: db.prepare('UPDATE customers SET customer_key = NULL WHERE id = ?'),
    clearProvisionalKey: db.prepare(
      'UPDATE customers SET provisional_key = NULL WHERE program_id = ? AND provisional_key = ? AND id != ?',
    ),
    recordLead: db.prepare(
      `UPDATE customers SET status = 'lead', customer_key = ?, email_hash = COALESCE(?, email_hash),
         email_masked = COALESCE(?, email_masked), click_ids = COALESCE(?, click_ids), lead_at = ?,
         provisional_key = NULL
       WHERE id = ?`,
    ),
    recordProvisionalLead: db.prepare(
      `UPDATE customers SET provisional_key = COALESCE(?, provisional_key), email_hash = COALESCE(?, email_hash),
         email_masked = COALESCE(?, email_masked), click_ids = COALESCE(?, click_ids)
       WHERE id = ?`,
    ),
    convert: db.prepare(
      `UPDATE customers SET status = 'conversion', converted_at = COALESCE(converted_at, ?) WHERE id = ?`,
    ),
    settleProvisionalKey: db.prepare(
      'UPDATE customers SET customer_key = provisional_key, provisional_key = NULL WHERE id = ?',
    ),
    clickRetry: db.prepare<[string, string, number], { response: string; click_id: string | null }>(
      `SELECT response, click_id FROM events
       WHERE session_id = ? AND affiliate_url = ? AND at >= ? AND type = 'click' AND is_test = 0 AND http_status = 200
       ORDER BY id DESC LIMIT 1`,
    ),
    insertEvent: db.prepare(
      `INSERT INTO events (at, type, program_id, customer_id, click_id, partner_code, is_test, http_status,
         explanation, session_id, affiliate_url, request, response)
       VALUES (@at, @type, @program_id, @customer_id, @click_id, @partner_code, @is_test, @http_status,
         @explanation, @session_id, @affiliate_url, @request, @response)`,
    ),
    setEventResponse: db.prepare('UPDATE events SET response = ? WHERE id = ?'),
    saleByTransaction: db.prepare<[string], SaleRow>('SELECT * FROM sales WHERE transaction_id = ?'),
    saleInProgram: db.prepare<[string, number], SaleRow>(
      'SELECT * FROM sales WHERE transaction_id = ? AND program_id = ?',
    ),
    insertSale: db.prepare(
      `INSERT INTO sales (transaction_id, program_id, customer_id, partner_code, amount_cents, currency, sale_type,
         is_recurring, subscription_id, subscription_interval, product_id, line_items, is_test, flags, created_at)
       VALUES (@transaction_id, @program_id, @customer_id, @partner_code, @amount_cents, @currency, @sale_type,
         @is_recurring, @subscription_id, @subscription_interval, @product_id, @line_items, @is_test, @flags, @created_at)`,
    ),
    insertCommission: db.prepare(
      `INSERT INTO commissions (sale_id, program_id, partner_code, amount_cents, created_at) VALUES (?, ?, ?, ?, ?)`,
    ),
    commissionBySale: db.prepare<[number], CommissionRow>('SELECT * FROM commissions WHERE sale_id = ?'),
    reverseCommission: db.prepare('UPDATE commissions SET reversed_cents = ?, status = ? WHERE id = ?'),
    insertRefund: db.prepare(
      `INSERT INTO refunds (sale_id, commission_id, refund_amount_cents, deduction_cents, status, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

export class TrackingApi {
  private readonly now: () => number;
  private lastMintedMs = 0;
  private readonly q: ReturnType<typeof prepareStatements>;

  constructor(
    db: Db,
    now: () => number = Date.now,
  ) {
    this.now = now;
    this.q = prepareStatements(db);
    // Run each endpoint as one transaction: either every row of a decision is written, or none.
    this.click = db.transaction(this.click.bind(this));
    this.lead = db.transaction(this.lead.bind(this));
    this.sale = db.transaction(this.sale.bind(this));
    this.refund = db.transaction(this.refund.bind(this));
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/track/click (§5.1, rules 1, 2, 19)

  click(body: Body, ctx: RequestContext): TrackResult {
    const at = this.now();
    const extra = objectOrEmpty(body.additional_data);
    if (extra.test_mode === true) return this.testEvent('click', body, extra, null, ctx);

    const reject = (message: string, explanation: string, partnerCode: string | null = null) =>
      this.answer('click', at, 400, { error: message }, { body, explanation, partnerCode });

    const rawUrl = body.affiliate_url;
    if (rawUrl === undefined || rawUrl === null || rawUrl === '') {
      return reject('affiliate_url is required', 'rejected: no affiliate_url');
    }
    let url: URL | null = null;
    try {
      if (typeof rawUrl === 'string') url = new URL(rawUrl);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || typeof rawUrl !== 'string') {
      return reject('Invalid affiliate_url', 'rejected: affiliate_url is not an absolute http(s) URL');
    }
    const code = url.searchParams.get('aff');
    if (!code) return reject('No aff parameter found in affiliate_url', 'rejected: affiliate_url has no aff');

    const sessionId = text(body.session_id);
    if (sessionId) {
      const original = this.q.clickRetry.get(sessionId, rawUrl, at - CLICK_RETRY_WINDOW_MS);
      if (original) {
        // Rule 19: nothing is stored for a retry; the console still hears about it.
        const responseBody = JSON.parse(original.response) as Body;
        return {
          status: 200,
          body: responseBody,
          activity: {
            id: null,
            at,
            type: 'click',
            httpStatus: 200,
            programId: null,
            clickId: original.click_id,
            partnerCode: code,
            isTest: false,
            explanation: `duplicate click (retry) — same ${original.click_id ? 'click_id' : 'response'} returned, nothing stored`,
          },
        };
      }
    }

    const partner = this.q.partner.get(code);
    if (!partner) return reject('Referral link not found', `rejected: unknown partner code "${code}"`, code);
    const program = this.q.programById.get(partner.program_id);
    if (partner.status === 'misconfigured' || !program) {
      return reject('Invalid referral link configuration', `rejected: link ${code} is misconfigured`, code);
    }
    const clickFields = { body, partnerCode: code, programId: program.id, sessionId, affiliateUrl: rawUrl, ctx };
    if (partner.status === 'inactive') {
      return this.answer('click', at, 200, { success: false, message: 'Referral link is inactive' }, {
        ...clickFields,
        explanation: `link ${code} is inactive: nothing attributed (tracker writes no cookie)`,
      });
    }

    const existingClickId = text(body.existing_click_id);
    const existing = existingClickId ? this.q.customerByClickId.get(existingClickId) : undefined;
    let customer: { id: number; click_id: string; partner_code: string };
    let explanation: string;
    if (existing && existing.program_id === program.id) {
      if (existing.status === 'conversion') {
        customer = existing;
        explanation = `partner locked after conversion: click from ${code} recorded, customer stays with ${existing.partner_code}`;
      } else {
        this.q.switchPartner.run(code, at, existing.id);
        customer = { ...existing, partner_code: code };
        explanation =
          existing.partner_code === code
            ? `re-click from ${code}: same customer, same click_id, window restarts`
            : `partner switch: ${existing.partner_code} → ${code} (last click wins), same click_id`;
      }
    } else {
      const clickId = this.mintClickId(program.id, at);
      const inserted = this.q.insertCustomer.run(program.id, clickId, code, at, at);
      customer = { id: Number(inserted.lastInsertRowid), click_id: clickId, partner_code: code };
      explanation = existingClickId
        ? `new customer from ${code}: existing_click_id ${existingClickId} is unknown or from another program`
        : `new customer from ${code} (first click)`;
    }
    return this.answer(
      'click',
      at,
      200,
      {
        success: true,
        click_id: customer.click_id,
        partner_code: customer.partner_code,
        cookie_window_days: program.cookie_window_days,
      },
      { ...clickFields, customerId: customer.id, clickId: customer.click_id, partnerCode: customer.partner_code, explanation },
    );
  }

  /** `cust_<programId>_<ms>`, unique: the ms part moves forward by one when two clicks share a millisecond. */
  private mintClickId(programId: number, at: number): string {
    let ms = Math.max(at, this.lastMintedMs + 1);
    while (this.q.clickIdTaken.get(`cust_${programId}_${ms}`)) ms++;
    this.lastMintedMs = ms;
    return `cust_${programId}_${ms}`;
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/track/lead (§5.2, rules 3, 5, 6, 16, 17)

  lead(body: Body, ctx: RequestContext): TrackResult {
    const at = this.now();
    const auth = this.authenticate(ctx.authorization, false);
    if (auth === 'invalid') return this.unauthorized('lead', at, body);
    const extra = objectOrEmpty(body.additional_data);
    if (extra.test_mode === true) return this.testEvent('lead', body, extra, auth, ctx);

    const clickId = idText(body.click_id);
    const key = idText(body.customer_key);
    const reject = (message: string, explanation: string, customer?: CustomerRow) =>
      this.answer('lead', at, 400, { error: message }, {
        body,
        explanation,
        customerId: customer?.id,
        clickId: customer?.click_id ?? clickId,
        partnerCode: customer?.partner_code,
        programId: customer?.program_id ?? auth?.id,
      });
    if (!clickId && !key) return reject('click_id or customer_key is required', 'rejected: no click_id or customer_key');

    let customer = clickId ? this.q.customerByClickId.get(clickId) : undefined;
    if (!customer && key) {
      const scope = auth?.id ?? this.knownProgramId(body.program_id ?? extra.program_id);
      customer =
        scope !== null
          ? (this.q.customerByKey.get(scope, key) ?? this.q.customerByProvisionalKey.get(scope, key))
          : this.q.customerByKeyAnyProgram.get(key);
    }
    if (!customer) {
      return reject(
        'Customer not found. Provide a valid click_id or customer_key.',
        `rejected: no customer for ${clickId ? `click_id ${clickId}` : `customer_key ${key}`}`,
      );
    }
    if (auth && customer.program_id !== auth.id) {
      return reject('Customer does not belong to this program', `rejected: ${customer.click_id} belongs to program ${customer.program_id}`, customer);
    }
    if (customer.status !== 'click') {
      return reject(
        `Customer status cannot be updated to lead. Current status: ${customer.status}`,
        `repeat lead ignored: ${customer.click_id} is already at ${customer.status} (status never regresses)`,
        customer,
      );
    }
    const program = this.q.programById.get(customer.program_id)!;
    const email = text(body.email);
    const emailHash = email ? hashEmail(email) : null;
    const emailMasked = email ? maskEmail(email) : null;
    const clickIds = Array.isArray(body.click_ids)
      ? JSON.stringify(body.click_ids.filter((id): id is string => typeof id === 'string').slice(-MAX_STORED_CLICK_IDS))
      : null;
    const who = [key ? `key ${key}` : null, emailMasked].filter(Boolean).join(', ');
    const common = {
      body,
      customerId: customer.id,
      clickId: customer.click_id,
      partnerCode: customer.partner_code,
      programId: program.id,
    };

    if (program.lead_auth === 'server_required' && !auth) {
      this.q.recordProvisionalLead.run(key, emailHash, emailMasked, clickIds, customer.id);
      return this.answer(
        'lead',
        at,
        200,
        {
          success: true,
          provisional: true,
          message:
            'Lead recorded as provisional. This program requires server-side (Bearer) lead tracking to settle attribution.',
        },
        { ...common, explanation: `provisional lead (lead_auth server_required, no Bearer)${who ? `: ${who}` : ''}; status stays click` },
      );
    }

    let keyNote = '';
    if (key && key !== customer.customer_key) {
      const holder = this.q.customerByKey.get(customer.program_id, key);
      if (holder && holder.id !== customer.id) {
        if (holder.status === 'conversion') {
          return reject(
            'Customer status cannot be updated to lead. Current status: conversion',
            `rejected: customer_key ${key} belongs to converted customer ${holder.click_id}`,
            customer,
          );
        }
        this.q.clearKey.run(holder.id);
        keyNote = ` (key taken over from ${holder.click_id})`;
      }
      this.q.clearProvisionalKey.run(customer.program_id, key, customer.id);
    }
    this.q.recordLead.run(key ?? customer.customer_key, emailHash, emailMasked, clickIds, at, customer.id);
    return this.answer('lead', at, 200, { success: true, message: 'Lead tracked successfully' }, {
      ...common,
      explanation: `lead: ${customer.click_id} click → lead for ${customer.partner_code}${who ? `, ${who}` : ''}${keyNote}`,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/track/sale (§5.3, rules 4, 6–11; checks in the order of rule 10)

  sale(body: Body, ctx: RequestContext): TrackResult {
    const at = this.now();
    const program = this.authenticate(ctx.authorization, true);
    if (!program || program === 'invalid') return this.unauthorized('sale', at, body);
    const extra = objectOrEmpty(body.additional_data);
    const isTest = extra.test_mode === true;
    const reject = (message: string, explanation: string, customer?: CustomerRow) =>
      this.answer('sale', at, 400, { error: message }, {
        body,
        explanation,
        programId: program.id,
        customerId: customer?.id,
        clickId: customer?.click_id,
        partnerCode: customer?.partner_code,
        isTest,
      });

    let transactionId = body.transaction_id;
    if (isTest && transactionId === undefined) transactionId = this.unusedTestTransactionId(at);
    if (typeof transactionId !== 'string' || transactionId.trim() === '') {
      return reject('transaction_id is required and must be a string', 'rejected: bad transaction_id');
    }
    const amount = isTest && body.amount_cents === undefined ? 9999 : positiveInteger(body.amount_cents);
    if (amount === null) {
      return reject('amount_cents is required and must be a positive integer', 'rejected: bad amount_cents');
    }
    if (this.q.saleByTransaction.get(transactionId)) {
      return this.answer('sale', at, 409, { error: 'Duplicate transaction_id. This sale has already been recorded.' }, {
        body,
        programId: program.id,
        isTest,
        explanation: `duplicate transaction_id ${transactionId}: already recorded (a 409 means success for clients)`,
      });
    }

    const currency = (text(body.currency) ?? 'USD').toUpperCase();
    const saleType = text(body.sale_type) ?? 'payment';
    const interval = text(body.subscription_interval);
    const flags: string[] = [];
    if (!KNOWN_CURRENCIES.includes(currency)) flags.push(`currency ${currency} is not one of ${KNOWN_CURRENCIES.join('/')}`);
    if (!KNOWN_SALE_TYPES.includes(saleType)) flags.push(`sale_type ${saleType} is not payment/subscription`);
    if (interval && !KNOWN_INTERVALS.includes(interval)) flags.push(`subscription_interval ${interval} is not monthly/quarterly/annual`);
    const saleRow = {
      transaction_id: transactionId,
      program_id: program.id,
      amount_cents: amount,
      currency,
      sale_type: saleType,
      is_recurring: body.is_recurring === true ? 1 : 0,
      subscription_id: idText(body.subscription_id),
      subscription_interval: interval,
      product_id: idText(body.product_id),
      line_items: body.line_items === undefined ? null : JSON.stringify(body.line_items),
      created_at: at,
    };

    if (isTest) {
      // Test sales consume their transaction_id (rule 9) but create no customer progression or commission.
      this.q.insertSale.run({ ...saleRow, customer_id: null, partner_code: null, is_test: 1, flags: JSON.stringify(flags) });
      return this.testEvent('sale', body, extra, program, ctx);
    }

    const key = idText(body.customer_key);
    const clickId = idText(body.click_id);
    let customer: CustomerRow | undefined;
    let matchedProvisionalKey = false;
    if (key) {
      customer = this.q.customerByKey.get(program.id, key);
      if (!customer) {
        customer = this.q.customerByProvisionalKey.get(program.id, key);
        matchedProvisionalKey = customer !== undefined;
      }
    }
    if (!customer && clickId) customer = this.q.customerByClickId.get(clickId);
    if (!customer) {
      return reject(
        'Customer not found. Provide customer_key or click_id.',
        `rejected: no customer for ${[key && `customer_key ${key}`, clickId && `click_id ${clickId}`].filter(Boolean).join(' or ') || 'an empty lookup'}`,
      );
    }
    if (customer.program_id !== program.id) {
      return reject(
        'No affiliate attribution found for this customer in this program',
        `rejected: ${customer.click_id} belongs to program ${customer.program_id}, the API key to program ${program.id}`,
        customer,
      );
    }
    const partner = this.q.partner.get(customer.partner_code);
    if (!partner || partner.program_id !== program.id) {
      return reject(
        'No partner-program relationship found for this customer',
        `rejected: partner ${customer.partner_code} is no longer in program ${program.id}`,
        customer,
      );
    }
    if (partner.status === 'misconfigured') {
      return reject('partnerId required to create commission', `rejected: link ${partner.code} is misconfigured`, customer);
    }
    if (customer.status !== 'conversion') {
      // Rule 8: the window runs from the click that set the current partner, and only until conversion.
      const ageDays = Math.floor((at - customer.anchor_at) / DAY_MS);
      if (ageDays > program.attribution_window_days) {
        return this.answer(
          'sale',
          at,
          200,
          {
            success: true,
            attributed: false,
            reason: 'attribution_window_expired',
            click_age_days: ageDays,
            window_days: program.attribution_window_days,
            sale_id: null,
            commission_id: null,
          },
          {
            body,
            programId: program.id,
            customerId: customer.id,
            clickId: customer.click_id,
            partnerCode: customer.partner_code,
            explanation: `window expired: ${ageDays} > ${program.attribution_window_days} days — sale not attributed, nothing created, transaction_id stays free`,
          },
        );
      }
    }

    if (key && customer.customer_key !== key && !matchedProvisionalKey) {
      flags.push(`customer_key ${key} never had a lead (matched by click_id): use the same id at signup and sale`);
    }
    if (matchedProvisionalKey) this.q.settleProvisionalKey.run(customer.id);
    const sale = this.q.insertSale.run({
      ...saleRow,
      customer_id: customer.id,
      partner_code: customer.partner_code,
      is_test: 0,
      flags: JSON.stringify(flags),
    });
    const saleId = Number(sale.lastInsertRowid);
    this.q.convert.run(at, customer.id);
    const commissionCents = commissionFor(program, amount);
    let commissionId: number;
    try {
      commissionId = Number(this.q.insertCommission.run(saleId, program.id, customer.partner_code, commissionCents, at).lastInsertRowid);
    } catch (err) {
      // §5.3: the sale stays written and its transaction_id stays used (a failed statement does not
      // abort the surrounding SQLite transaction), so a retry gets 409 rather than a second sale.
      return this.answer('sale', at, 500, { error: 'Failed to create commission' }, {
        body,
        programId: program.id,
        customerId: customer.id,
        clickId: customer.click_id,
        partnerCode: customer.partner_code,
        explanation: `sale #${saleId} recorded but its commission failed (${(err as Error).message}); transaction_id ${transactionId} stays used`,
      });
    }
    const how = program.commission_type === 'fixed' ? 'fixed' : `${program.commission_rate}%`;
    return this.answer('sale', at, 200, { success: true, sale_id: saleId, commission_id: commissionId, message: 'Sale tracked successfully' }, {
      body,
      programId: program.id,
      customerId: customer.id,
      clickId: customer.click_id,
      partnerCode: customer.partner_code,
      explanation:
        `sale ${formatCents(amount, currency)} → ${customer.partner_code}, commission ${formatCents(commissionCents, currency)} (${how})` +
        (customer.status === 'conversion' ? ', repeat sale for the bound partner' : '') +
        (matchedProvisionalKey ? ', provisional lead settled' : '') +
        (flags.length ? `; flagged: ${flags.join('; ')}` : ''),
    });
  }

  private unusedTestTransactionId(at: number): string {
    let ms = at;
    while (this.q.saleByTransaction.get(`test_txn_${ms}`)) ms++;
    return `test_txn_${ms}`;
  }

  // ---------------------------------------------------------------------------------------------
  // POST /api/v1/track/refund (§5.4, rules 12, 13)

  refund(body: Body, ctx: RequestContext): TrackResult {
    const at = this.now();
    const program = this.authenticate(ctx.authorization, true);
    if (!program || program === 'invalid') return this.unauthorized('refund', at, body);
    const reject = (status: number, message: string, explanation: string) =>
      this.answer('refund', at, status, { error: message }, { body, programId: program.id, explanation });

    const transactionId = text(body.transaction_id);
    if (!transactionId) return reject(400, 'transaction_id is required', 'rejected: no transaction_id');
    const requested = body.refund_amount_cents;
    const isFull = requested === undefined || requested === null || requested === 0;
    const partialCents = isFull ? null : positiveInteger(requested);
    if (!isFull && partialCents === null) {
      return reject(400, 'refund_amount_cents must be a non-negative integer', 'rejected: bad refund_amount_cents');
    }
    const sale = this.q.saleInProgram.get(transactionId, program.id);
    if (!sale) {
      return reject(404, 'Sale not found for transaction_id', `rejected: no sale ${transactionId} in program ${program.id}`);
    }
    const commission = sale.is_test ? undefined : this.q.commissionBySale.get(sale.id);
    const reason = text(body.refund_reason);
    const saleFields = { body, programId: program.id, isTest: sale.is_test === 1 };
    if (!commission || commission.amount_cents === 0) {
      this.q.insertRefund.run(sale.id, null, partialCents, 0, 'no_commission', reason, at);
      return this.answer('refund', at, 200, { success: true, status: 'no_commission', message: 'Sale has no commission to reverse' }, {
        ...saleFields,
        explanation: `refund of ${transactionId}: ${sale.is_test ? 'test sale' : 'sale'} has no commission to reverse`,
      });
    }
    if (commission.status === 'reversed') {
      return this.answer('refund', at, 200, { success: true, status: 'skipped', reason: 'already reversed', commission_id: commission.id }, {
        ...saleFields,
        explanation: `refund of ${transactionId} skipped: commission ${commission.id} already reversed`,
      });
    }
    const remaining = commission.amount_cents - commission.reversed_cents;
    // Rule 13: proportional deduction, rounded to cents, capped at what is left.
    const deduction =
      partialCents === null ? remaining : Math.min(remaining, Math.round((commission.amount_cents * partialCents) / sale.amount_cents));
    const reversedCents = commission.reversed_cents + deduction;
    const status = reversedCents >= commission.amount_cents ? 'reversed' : 'refunded';
    this.q.reverseCommission.run(reversedCents, status, commission.id);
    this.q.insertRefund.run(sale.id, commission.id, partialCents, deduction, status, reason, at);
    return this.answer('refund', at, 200, { success: true, status, deductionAmount: deduction / 100, commission_id: commission.id }, {
      ...saleFields,
      explanation: `refund of ${transactionId} (${partialCents === null ? 'full' : formatCents(partialCents)}): commission ${commission.id} ${status}, −${formatCents(deduction)}`,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Shared helpers

  /**
   * §5 auth. Returns the key's program, null when no header was sent (only acceptable where auth is
   * optional), or 'invalid'.
   */
  private authenticate(header: string | undefined, required: boolean): ProgramRow | null | 'invalid' {
    if (header === undefined) return required ? 'invalid' : null;
    if (!header.startsWith('Bearer ')) return 'invalid';
    const token = header.slice('Bearer '.length).trim();
    if (!token) return 'invalid';
    return this.q.programByKey.get(token) ?? 'invalid';
  }

  private unauthorized(type: EventType, at: number, body: Body): TrackResult {
    return this.answer(type, at, 401, { error: INVALID_TOKEN }, { body, explanation: 'rejected: missing or unknown API key (401)' });
  }

  private knownProgramId(value: unknown): number | null {
    const id = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : NaN;
    return Number.isSafeInteger(id) && this.q.programById.get(id) ? id : null;
  }

  /** §5.5 / rule 18: store an `is_test` event with no side effects and answer with its id. */
  private testEvent(type: EventType, body: Body, extra: Body, keyProgram: ProgramRow | null, ctx: RequestContext): TrackResult {
    const at = this.now();
    const programId = keyProgram?.id ?? this.knownProgramId(extra.program_id ?? body.program_id);
    const label = type === 'sale' ? 'Test sale' : type === 'lead' ? 'Test lead' : 'Test click';
    const result = this.answer(type, at, 200, {}, {
      body,
      programId,
      isTest: true,
      explanation: this.explainTestEvent(type, body, programId, ctx),
    });
    const responseBody = { success: true, message: `${label} event tracked successfully`, data: { eventId: result.activity.id, programId, test_mode: true } };
    this.q.setEventResponse.run(JSON.stringify(responseBody), result.activity.id);
    return { ...result, body: responseBody };
  }

  /**
   * A test click is the debug-mode pageview (§7). When the page is served by the sandbox itself, its
   * cookies come along, so the console can say why the tracker sent no real click (rule 22).
   */
  private explainTestEvent(type: EventType, body: Body, programId: number | null, ctx: RequestContext): string {
    const base = `test ${type === 'click' ? 'pageview (debug mode)' : type} for program ${programId ?? 'unknown'}: no side effects`;
    if (type !== 'click' || !ctx.cookieHeader || typeof body.affiliate_url !== 'string') return base;
    let aff: string | null = null;
    try {
      aff = new URL(body.affiliate_url).searchParams.get('aff');
    } catch {
      return base;
    }
    const cookieClickId = readCookie(ctx.cookieHeader, CLICK_ID_COOKIE);
    if (!aff || !cookieClickId) return base;
    const customer = this.q.customerByClickId.get(cookieClickId);
    if (customer && customer.partner_code === aff) {
      return `${base}; no re-track: same partner ${aff} (the visitor already has click_id ${customer.click_id})`;
    }
    return base;
  }

  /** Stores the event row (every tracked request is logged) and builds the result. */
  private answer(
    type: EventType,
    at: number,
    status: number,
    responseBody: Record<string, unknown>,
    details: {
      body: Body;
      explanation: string;
      programId?: number | null;
      customerId?: number;
      clickId?: string | null;
      partnerCode?: string | null;
      isTest?: boolean;
      sessionId?: string | null;
      affiliateUrl?: string;
      ctx?: RequestContext;
    },
  ): TrackResult {
    const stored = { ...details.body };
    // Rules 14–15: the raw email never reaches disk or the console.
    if (typeof stored.email === 'string') stored.email = maskEmail(stored.email);
    if (type === 'click' && stored.user_agent === undefined && details.ctx?.userAgent) stored.user_agent = details.ctx.userAgent;
    const row = {
      at,
      type,
      program_id: details.programId ?? null,
      customer_id: details.customerId ?? null,
      click_id: details.clickId ?? null,
      partner_code: details.partnerCode ?? null,
      is_test: details.isTest ? 1 : 0,
      http_status: status,
      explanation: details.explanation,
      session_id: details.sessionId ?? null,
      affiliate_url: details.affiliateUrl ?? null,
      request: JSON.stringify(stored),
      response: JSON.stringify(responseBody),
    };
    const id = Number(this.q.insertEvent.run(row).lastInsertRowid);
    return {
      status,
      body: responseBody,
      activity: {
        id,
        at,
        type,
        httpStatus: status,
        programId: row.program_id,
        clickId: row.click_id,
        partnerCode: row.partner_code,
        isTest: row.is_test === 1,
        explanation: row.explanation,
      },
    };
  }
}
