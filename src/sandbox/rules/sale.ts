// POST /api/v1/track/sale (docs/protocol.md §5.3; protocol §10.4, §10.6–§10.11). The checks run in the order of §10.10:
// auth → test → transaction_id → amount_cents → duplicate → customer → program → partner → window → create.
import type { CustomerRow, ProgramRow } from '../schema.js';
import { authenticate, unauthorized } from './auth.js';
import type { Rules } from './context.js';
import type { RequestContext, TrackResult } from './event-log.js';
import { testEvent } from './test-mode.js';
import { commissionFor, DAY_MS, formatCents, idText, objectOrEmpty, positiveInteger, text, type Body } from './values.js';

const KNOWN_CURRENCIES = ['USD', 'EUR', 'VND'];
const KNOWN_SALE_TYPES = ['payment', 'subscription'];
const KNOWN_INTERVALS = ['monthly', 'quarterly', 'annual'];
/** docs/protocol.md §5.5: a test sale without an amount is recorded for this many cents. */
const TEST_SALE_AMOUNT_CENTS = 9999;

/** A refusal: the error body's message and the console's explanation. */
interface Refusal {
  message: string;
  explanation: string;
  customer?: CustomerRow;
}

/** The columns of the `sales` row that come from the request alone. */
interface SaleFields {
  transaction_id: string;
  program_id: number;
  amount_cents: number;
  currency: string;
  sale_type: string;
  is_recurring: number;
  subscription_id: string | null;
  subscription_interval: string | null;
  product_id: string | null;
  line_items: string | null;
  created_at: number;
}

export function sale(rules: Rules, body: Body, ctx: RequestContext): TrackResult {
  const at = rules.now();
  const program = authenticate(rules, ctx.authorization, true);
  if (!program || program === 'invalid') return unauthorized(rules, 'sale', at, body);
  const extra = objectOrEmpty(body.additional_data);
  const isTest = extra.test_mode === true;
  const reject = ({ message, explanation, customer }: Refusal) =>
    rules.log.record('sale', at, 400, { error: message }, {
      body,
      explanation,
      programId: program.id,
      customerId: customer?.id,
      clickId: customer?.click_id,
      partnerCode: customer?.partner_code,
      isTest,
    });

  const fields = readSaleFields(rules, body, program, isTest, at);
  if ('message' in fields) return reject(fields);
  const transactionId = fields.transaction_id;
  if (rules.q.saleByTransaction.get(transactionId)) {
    return rules.log.record('sale', at, 409, { error: 'Duplicate transaction_id. This sale has already been recorded.' }, {
      body,
      programId: program.id,
      isTest,
      explanation: `duplicate transaction_id ${transactionId}: already recorded (a 409 means success for clients)`,
    });
  }
  const flags = flagsFor(fields);

  if (isTest) {
    // Test sales consume their transaction_id (docs/protocol.md §10.9) but create no customer progression or commission.
    rules.q.insertSale.run({ ...fields, customer_id: null, partner_code: null, is_test: 1, flags: JSON.stringify(flags) });
    return testEvent(rules, 'sale', body, extra, program, ctx);
  }

  const found = findAttributedCustomer(rules, body, program);
  if ('message' in found) return reject(found);
  const { customer, key, matchedProvisionalKey } = found;
  if (customer.status !== 'conversion') {
    // docs/protocol.md §10.8: the window runs from the click that set the current partner, and only until conversion.
    const ageDays = Math.floor((at - customer.anchor_at) / DAY_MS);
    if (ageDays > program.attribution_window_days) {
      return rules.log.record(
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
  return createSale(rules, body, program, customer, fields, flags, matchedProvisionalKey);
}

/** transaction_id and amount_cents (with the test-mode defaults of protocol §5.5) and the optional columns. */
function readSaleFields(rules: Rules, body: Body, program: ProgramRow, isTest: boolean, at: number): SaleFields | Refusal {
  // Trimmed as the refund trims it, so the refund finds the sale by the id the caller sent.
  const transactionId = isTest && body.transaction_id === undefined ? unusedTestTransactionId(rules, at) : text(body.transaction_id);
  if (transactionId === null) {
    return { message: 'transaction_id is required and must be a string', explanation: 'rejected: bad transaction_id' };
  }
  const amount = isTest && body.amount_cents === undefined ? TEST_SALE_AMOUNT_CENTS : positiveInteger(body.amount_cents);
  if (amount === null) {
    return { message: 'amount_cents is required and must be a positive integer', explanation: 'rejected: bad amount_cents' };
  }
  return {
    transaction_id: transactionId,
    program_id: program.id,
    amount_cents: amount,
    currency: (text(body.currency) ?? 'USD').toUpperCase(),
    sale_type: text(body.sale_type) ?? 'payment',
    is_recurring: body.is_recurring === true ? 1 : 0,
    subscription_id: idText(body.subscription_id),
    subscription_interval: text(body.subscription_interval),
    product_id: idText(body.product_id),
    line_items: body.line_items === undefined ? null : JSON.stringify(body.line_items),
    created_at: at,
  };
}

/** docs/protocol.md §10.20: out-of-enum values are accepted, and flagged. */
function flagsFor(fields: SaleFields): string[] {
  const flags: string[] = [];
  const { currency, sale_type: saleType, subscription_interval: interval } = fields;
  if (!KNOWN_CURRENCIES.includes(currency)) flags.push(`currency ${currency} is not one of ${KNOWN_CURRENCIES.join('/')}`);
  if (!KNOWN_SALE_TYPES.includes(saleType)) flags.push(`sale_type ${saleType} is not payment/subscription`);
  if (interval && !KNOWN_INTERVALS.includes(interval)) flags.push(`subscription_interval ${interval} is not monthly/quarterly/annual`);
  return flags;
}

/** docs/protocol.md §10.4, protocol §10.6 and §10.10: customer_key first (also a provisional one), then click_id; then program and partner. */
function findAttributedCustomer(
  rules: Rules,
  body: Body,
  program: ProgramRow,
): { customer: CustomerRow; key: string | null; matchedProvisionalKey: boolean } | Refusal {
  const { q } = rules;
  const key = idText(body.customer_key);
  const clickId = idText(body.click_id);
  let customer: CustomerRow | undefined;
  let matchedProvisionalKey = false;
  if (key) {
    customer = q.customerByKey.get(program.id, key);
    if (!customer) {
      customer = q.customerByProvisionalKey.get(program.id, key);
      matchedProvisionalKey = customer !== undefined;
    }
  }
  if (!customer && clickId) customer = q.customerByClickId.get(clickId);
  if (!customer) {
    const lookup = [key && `customer_key ${key}`, clickId && `click_id ${clickId}`].filter(Boolean).join(' or ');
    return { message: 'Customer not found. Provide customer_key or click_id.', explanation: `rejected: no customer for ${lookup || 'an empty lookup'}` };
  }
  if (customer.program_id !== program.id) {
    return {
      message: 'No affiliate attribution found for this customer in this program',
      explanation: `rejected: ${customer.click_id} belongs to program ${customer.program_id}, the API key to program ${program.id}`,
      customer,
    };
  }
  const partner = q.partner.get(customer.partner_code);
  if (!partner || partner.program_id !== program.id) {
    return {
      message: 'No partner-program relationship found for this customer',
      explanation: `rejected: partner ${customer.partner_code} is no longer in program ${program.id}`,
      customer,
    };
  }
  if (partner.status === 'misconfigured') {
    return { message: 'partnerId required to create commission', explanation: `rejected: link ${partner.code} is misconfigured`, customer };
  }
  return { customer, key, matchedProvisionalKey };
}

/** Writes the sale, converts the customer and creates the commission (docs/protocol.md §10.11). */
function createSale(
  rules: Rules,
  body: Body,
  program: ProgramRow,
  customer: CustomerRow,
  fields: SaleFields,
  flags: string[],
  matchedProvisionalKey: boolean,
): TrackResult {
  const { q, log } = rules;
  const at = fields.created_at;
  const { amount_cents: amount, currency, transaction_id: transactionId } = fields;
  if (matchedProvisionalKey) q.settleProvisionalKey.run(customer.id);
  const saleId = Number(
    q.insertSale.run({ ...fields, customer_id: customer.id, partner_code: customer.partner_code, is_test: 0, flags: JSON.stringify(flags) })
      .lastInsertRowid,
  );
  q.convert.run(at, customer.id);
  const commissionCents = commissionFor(program, amount);
  const customerFields = { body, programId: program.id, customerId: customer.id, clickId: customer.click_id, partnerCode: customer.partner_code };
  let commissionId: number;
  try {
    commissionId = Number(q.insertCommission.run(saleId, program.id, customer.partner_code, commissionCents, at).lastInsertRowid);
  } catch (err) {
    // docs/protocol.md §5.3: the sale stays written and its transaction_id stays used (a failed statement does
    // not abort the surrounding SQLite transaction), so a retry gets 409 rather than a second sale.
    return log.record('sale', at, 500, { error: 'Failed to create commission' }, {
      ...customerFields,
      explanation: `sale #${saleId} recorded but its commission failed (${(err as Error).message}); transaction_id ${transactionId} stays used`,
    });
  }
  const how = program.commission_type === 'fixed' ? 'fixed' : `${program.commission_rate}%`;
  return log.record('sale', at, 200, { success: true, sale_id: saleId, commission_id: commissionId, message: 'Sale tracked successfully' }, {
    ...customerFields,
    explanation:
      `sale ${formatCents(amount, currency)} → ${customer.partner_code}, commission ${formatCents(commissionCents, currency)} (${how})` +
      (customer.status === 'conversion' ? ', repeat sale for the bound partner' : '') +
      (matchedProvisionalKey ? ', provisional lead settled' : '') +
      (flags.length ? `; flagged: ${flags.join('; ')}` : ''),
  });
}

function unusedTestTransactionId(rules: Rules, at: number): string {
  let ms = at;
  while (rules.q.saleByTransaction.get(`test_txn_${ms}`)) ms++;
  return `test_txn_${ms}`;
}
