// Every prepared statement the tracking rules use, prepared once per database.
import type { Db } from '../db.js';
import type { CommissionRow, CustomerRow, PartnerRow, ProgramRow, SaleRow } from '../schema.js';

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Db) {
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
