// The sandbox's tables and the row shapes read from them. The tracking rules (rules/) and the admin
// operations (admin.ts) read and write these; db.ts creates them when it opens the database.

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

/** The settings a program can be given (config file, console, test sandboxes). */
export type ProgramSettings = Pick<
  ProgramRow,
  'name' | 'cookie_window_days' | 'attribution_window_days' | 'commission_type' | 'commission_rate' | 'commission_fixed_cents' | 'lead_auth'
>;

/** A partner to create or update: its code, and optionally its name and status. */
export interface PartnerInput {
  code: string;
  name?: string;
  status?: PartnerStatus;
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

export interface SaleRow {
  id: number;
  transaction_id: string;
  program_id: number;
  amount_cents: number;
  is_test: number;
}

export interface CommissionRow {
  id: number;
  amount_cents: number;
  reversed_cents: number;
  status: 'pending' | 'refunded' | 'reversed';
}

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS programs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  api_key TEXT NOT NULL UNIQUE,
  cookie_window_days INTEGER NOT NULL DEFAULT 60,
  attribution_window_days INTEGER NOT NULL DEFAULT 60,
  commission_type TEXT NOT NULL DEFAULT 'percentage',
  commission_rate REAL NOT NULL DEFAULT 40,
  commission_fixed_cents INTEGER NOT NULL DEFAULT 0,
  lead_auth TEXT NOT NULL DEFAULT 'any'
);
CREATE TABLE IF NOT EXISTS partners (
  code TEXT PRIMARY KEY,
  program_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active'
);
CREATE TABLE IF NOT EXISTS customers (
  id INTEGER PRIMARY KEY,
  program_id INTEGER NOT NULL,
  click_id TEXT NOT NULL UNIQUE,
  partner_code TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'click',
  customer_key TEXT,
  provisional_key TEXT,
  email_hash TEXT,
  email_masked TEXT,
  click_ids TEXT,
  anchor_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  lead_at INTEGER,
  converted_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS customers_by_key ON customers(program_id, customer_key) WHERE customer_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS customers_by_provisional_key ON customers(program_id, provisional_key) WHERE provisional_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  program_id INTEGER,
  customer_id INTEGER,
  click_id TEXT,
  partner_code TEXT,
  is_test INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER NOT NULL,
  explanation TEXT NOT NULL,
  session_id TEXT,
  affiliate_url TEXT,
  request TEXT NOT NULL,
  response TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_click_retry ON events(session_id, affiliate_url) WHERE session_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS sales (
  id INTEGER PRIMARY KEY,
  transaction_id TEXT NOT NULL UNIQUE,
  program_id INTEGER NOT NULL,
  customer_id INTEGER,
  partner_code TEXT,
  amount_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  sale_type TEXT NOT NULL,
  is_recurring INTEGER NOT NULL,
  subscription_id TEXT,
  subscription_interval TEXT,
  product_id TEXT,
  line_items TEXT,
  is_test INTEGER NOT NULL DEFAULT 0,
  flags TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS commissions (
  id INTEGER PRIMARY KEY,
  sale_id INTEGER NOT NULL UNIQUE,
  program_id INTEGER NOT NULL,
  partner_code TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  reversed_cents INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
  id INTEGER PRIMARY KEY,
  sale_id INTEGER NOT NULL,
  commission_id INTEGER,
  refund_amount_cents INTEGER,
  deduction_cents INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  created_at INTEGER NOT NULL
);
`;
