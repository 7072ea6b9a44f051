// Paddle Billing webhook notifications as Paddle posts them (snake_case JSON, amounts as strings
// of minor units), trimmed to realistic field sets; signed the way Paddle signs them.
import { createHmac } from 'node:crypto';

export const PADDLE_SECRET = 'pdl_ntfset_01hv8x3k2m9q4r7t5w6y8z0a1b_Qm9vZ1h2b3R0ZXN0c2VjcmV0a2V5MTIz';

export const CUSTOM_DATA = { affitor_click_id: 'CLICK_ID', affitor_customer_key: 'user_42', program_id: '1' };

let sequence = 0;
const eventId = () => `evt_01hv8y${String(++sequence).padStart(20, '0')}`;

function notification(eventType: string, data: object, id = eventId()) {
  return {
    event_id: id,
    event_type: eventType,
    occurred_at: '2026-01-01T10:00:00.000000Z',
    notification_id: id.replace('evt_', 'ntf_'),
    data,
  };
}

const monthlyPrice = {
  id: 'pri_01hv8monthly00000000000000',
  product_id: 'pro_01hv8product00000000000000',
  description: 'Pro monthly',
  billing_cycle: { interval: 'month', frequency: 1 },
  trial_period: null,
  tax_mode: 'account_setting',
  unit_price: { amount: '2900', currency_code: 'USD' },
  status: 'active',
  quantity: { minimum: 1, maximum: 1 },
};

const oneOffPrice = { ...monthlyPrice, id: 'pri_01hv8ebook000000000000000', description: 'E-book', billing_cycle: null, unit_price: { amount: '4900', currency_code: 'USD' } };

export interface TransactionOverrides {
  id?: string;
  status?: string;
  origin?: string;
  subscription_id?: string | null;
  custom_data?: Record<string, unknown> | null;
  grand_total?: string;
  currency_code?: string;
  recurring?: boolean;
}

export function transaction(eventType: 'transaction.completed' | 'transaction.paid', o: TransactionOverrides = {}, id?: string) {
  const recurring = o.recurring ?? !!o.subscription_id;
  const total = o.grand_total ?? (recurring ? '2900' : '4900');
  const currency = o.currency_code ?? 'USD';
  return notification(
    eventType,
    {
      id: o.id ?? 'txn_01hv8oneoff0000000000000000',
      status: o.status ?? (eventType === 'transaction.paid' ? 'paid' : 'completed'),
      customer_id: 'ctm_01hv8customer000000000000',
      address_id: 'add_01hv8address0000000000000',
      business_id: null,
      custom_data: o.custom_data === undefined ? CUSTOM_DATA : o.custom_data,
      currency_code: currency,
      origin: o.origin ?? 'web',
      subscription_id: o.subscription_id ?? null,
      invoice_id: 'inv_01hv8invoice0000000000000',
      invoice_number: '325-10001',
      collection_mode: 'automatic',
      discount_id: null,
      billing_details: null,
      billing_period: recurring ? { starts_at: '2026-01-01T10:00:00Z', ends_at: '2026-02-01T10:00:00Z' } : null,
      items: [{ price_id: (recurring ? monthlyPrice : oneOffPrice).id, price: recurring ? monthlyPrice : oneOffPrice, quantity: 1, proration: null }],
      details: {
        tax_rates_used: [{ tax_rate: '0', totals: { subtotal: total, discount: '0', tax: '0', total } }],
        totals: {
          subtotal: total,
          tax: '0',
          discount: '0',
          total,
          grand_total: total,
          fee: '295',
          credit: '0',
          credit_to_balance: '0',
          balance: '0',
          earnings: String(Number(total) - 295),
          currency_code: currency,
        },
        adjusted_totals: { subtotal: total, tax: '0', total, grand_total: total, fee: '295', earnings: String(Number(total) - 295), currency_code: currency },
        payout_totals: null,
        adjusted_payout_totals: null,
        line_items: [],
      },
      payments: [
        {
          payment_attempt_id: '0b1d6c56-7a1c-4d1e-9a55-3a0c2b2d7f10',
          stored_payment_method_id: '5a8f6b3e-2c1d-4e0f-8a9b-7c6d5e4f3a2b',
          amount: total,
          status: 'captured',
          error_code: null,
          method_details: { type: 'card', card: { type: 'visa', last4: '4242', expiry_month: 1, expiry_year: 2030, cardholder_name: 'Buyer' } },
          created_at: '2026-01-01T09:59:58.000000Z',
          captured_at: '2026-01-01T10:00:00.000000Z',
        },
      ],
      checkout: { url: 'https://shop.example.com/pay?_ptxn=txn_01hv8oneoff0000000000000000' },
      created_at: '2026-01-01T09:58:00.000000Z',
      updated_at: '2026-01-01T10:00:00.000000Z',
      billed_at: '2026-01-01T10:00:00.000000Z',
    },
    id,
  );
}

export interface AdjustmentOverrides {
  id?: string;
  status?: string;
  type?: 'full' | 'partial';
  action?: string;
  total?: string;
  transaction_id?: string;
}

export function adjustment(eventType: 'adjustment.created' | 'adjustment.updated', o: AdjustmentOverrides = {}) {
  const total = o.total ?? '4900';
  return notification(eventType, {
    id: o.id ?? 'adj_01hv8refund00000000000000',
    action: o.action ?? 'refund',
    type: o.type ?? 'full',
    transaction_id: o.transaction_id ?? 'txn_01hv8oneoff0000000000000000',
    subscription_id: null,
    customer_id: 'ctm_01hv8customer000000000000',
    reason: 'Customer asked for a refund',
    credit_applied_to_balance: null,
    currency_code: 'USD',
    status: o.status ?? 'approved',
    items: [{ id: 'adjitm_01hv8item000000000000', item_id: 'txnitm_01hv8item00000000000', type: o.type ?? 'full', amount: total, proration: null, totals: { subtotal: total, tax: '0', total } }],
    totals: { subtotal: total, tax: '0', total, fee: '0', earnings: '0', currency_code: 'USD' },
    payout_totals: null,
    created_at: '2026-01-05T10:00:00.000000Z',
    updated_at: '2026-01-05T10:00:00.000000Z',
  });
}

/** The raw body and its `Paddle-Signature` header, computed independently of the code under test. */
export function signPaddle(event: object, options: { secret?: string; timestamp?: number; extraSecrets?: string[] } = {}) {
  const rawBody = JSON.stringify(event);
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  const h1 = (secret: string) => createHmac('sha256', secret).update(`${ts}:${rawBody}`).digest('hex');
  const signatures = [options.secret ?? PADDLE_SECRET, ...(options.extraSecrets ?? [])].map((s) => `h1=${h1(s)}`);
  return { rawBody, signature: `ts=${ts};${signatures.join(';')}` };
}
