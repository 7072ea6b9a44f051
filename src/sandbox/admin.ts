// Program setup and the sandbox's own admin operations: seeding, settings, partners, the JSON state
// read by the console, tests and benchmarks, moving a click back in time, and reset.
import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import type { PartnerInput, PartnerRow, PartnerStatus, ProgramRow, ProgramSettings } from './schema.js';

const DAY_MS = 86_400_000;

export const DEFAULT_PROGRAM_ID = 1;
/** Active demo partners, used when no --partner is given on first start. */
export const DEMO_PARTNERS: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'PARTNER_A', name: 'Partner A (Alice)' },
  { code: 'PARTNER_B', name: 'Partner B (Bob)' },
];
/** Always present, so the inactive-link and misconfigured-link answers of docs/protocol.md §5.1 can be reproduced. */
export const INACTIVE_LINK = 'PARTNER_INACTIVE';
export const MISCONFIGURED_LINK = 'PARTNER_MISCONFIGURED';
/**
 * A second program, so cross-program answers (docs/protocol.md §10.6, refund 404) can be reproduced. Its id is the
 * demo program's id + 1000, which keeps it clear of any id a user picks for their own program.
 */
export const OTHER_PROGRAM_OFFSET = 1000;
export const OTHER_PARTNER = 'OTHER_PROGRAM_PARTNER';

export type { PartnerInput, ProgramSettings } from './schema.js';

export interface ProgramSetup {
  programId: number;
  /** Explicit key (--api-key). Without one the program keeps its stored key, or gets a new random one. */
  apiKey?: string;
  /** Explicit partner list (--partner, config file). Empty: the demo partners on a fresh database. */
  partners: PartnerInput[];
  settings: Partial<ProgramSettings>;
}

/**
 * A key nobody else knows: the tracking API is open to every origin (as Affitor's is), so a
 * well-known key would let any web page record sales into a developer's sandbox.
 */
function generateApiKey(kind: string): string {
  return `affitor_sandbox_${kind}${randomBytes(18).toString('base64url')}`;
}

/** A message for the user: bad settings or partner input. Admin routes answer it as a 400. */
export class SettingsError extends Error {}

/** What reset deletes, children before parents. */
const TRACKED_TABLES = ['refunds', 'commissions', 'sales', 'events', 'customers', 'idempotency_keys'] as const;

const PARTNER_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const PARTNER_STATUSES: PartnerStatus[] = ['active', 'inactive', 'misconfigured'];

/** Validates a partial settings object (config file, console form); throws SettingsError with the reason. */
export function validateSettings(input: unknown): Partial<ProgramSettings> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new SettingsError('settings must be a JSON object');
  const raw = input as Record<string, unknown>;
  const out: Partial<ProgramSettings> = {};
  const windowDays = (key: 'cookie_window_days' | 'attribution_window_days') => {
    const v = raw[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 365) throw new SettingsError(`${key} must be an integer from 1 to 365`);
    out[key] = v;
  };
  windowDays('cookie_window_days');
  windowDays('attribution_window_days');
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || !raw.name.trim()) throw new SettingsError('name must be a non-empty string');
    out.name = raw.name.trim().slice(0, 100);
  }
  if (raw.commission_type !== undefined) {
    if (raw.commission_type !== 'percentage' && raw.commission_type !== 'fixed') throw new SettingsError('commission_type must be "percentage" or "fixed"');
    out.commission_type = raw.commission_type;
  }
  if (raw.commission_rate !== undefined) {
    const v = raw.commission_rate;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) throw new SettingsError('commission_rate must be a percentage from 0 to 100');
    out.commission_rate = v;
  }
  if (raw.commission_fixed_cents !== undefined) {
    const v = raw.commission_fixed_cents;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SettingsError('commission_fixed_cents must be a non-negative integer');
    out.commission_fixed_cents = v;
  }
  if (raw.lead_auth !== undefined) {
    if (raw.lead_auth !== 'any' && raw.lead_auth !== 'server_required') throw new SettingsError('lead_auth must be "any" or "server_required"');
    out.lead_auth = raw.lead_auth;
  }
  return out;
}

export function validatePartner(input: unknown): PartnerInput {
  const raw = typeof input === 'string' ? { code: input } : input;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SettingsError('a partner must be a code or {"code","name","status"}');
  const { code, name, status } = raw as Record<string, unknown>;
  if (typeof code !== 'string' || !PARTNER_CODE.test(code)) {
    throw new SettingsError(`partner code ${JSON.stringify(code)} must be 1–64 letters, digits, "_", "-" or "."`);
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 100)) throw new SettingsError('partner name must be a string (≤100 chars)');
  if (status !== undefined && !PARTNER_STATUSES.includes(status as PartnerStatus)) {
    throw new SettingsError(`partner status must be one of ${PARTNER_STATUSES.join(', ')}`);
  }
  return { code, name: name as string | undefined, status: status as PartnerStatus | undefined };
}

/** SQLite integers as numbers where a number holds them exactly, else as decimal strings. */
function exactRows(rows: unknown[]): Array<Record<string, unknown>> {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row as Record<string, unknown>).map(([column, value]) => [
        column,
        typeof value === 'bigint' ? (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()) : value,
      ]),
    ),
  );
}

export class Admin {
  constructor(
    private readonly db: Db,
    readonly programId: number,
  ) {}

  /** Creates the program (and fixtures) on first start, then applies the explicit key, settings and partners. */
  static setup(db: Db, setup: ProgramSetup): Admin {
    const apply = db.transaction(() => {
      const stored = db.prepare<[number], { api_key: string }>('SELECT api_key FROM programs WHERE id = ?').get(setup.programId);
      const exists = stored !== undefined;
      const apiKey = setup.apiKey ?? stored?.api_key ?? generateApiKey('');
      const keyOwner = db.prepare<[string], { id: number }>('SELECT id FROM programs WHERE api_key = ?').get(apiKey);
      if (keyOwner && keyOwner.id !== setup.programId) {
        throw new SettingsError(`API key ${apiKey} already belongs to program ${keyOwner.id} in this database`);
      }
      if (!exists) {
        db.prepare('INSERT INTO programs (id, name, api_key) VALUES (?, ?, ?)').run(setup.programId, 'Sandbox demo program', apiKey);
      } else {
        db.prepare('UPDATE programs SET api_key = ? WHERE id = ?').run(apiKey, setup.programId);
      }
      const admin = new Admin(db, setup.programId);
      admin.updateSettings(setup.settings);
      const partners = setup.partners.length > 0 || exists ? setup.partners : DEMO_PARTNERS;
      for (const partner of partners) admin.upsertPartner({ status: 'active', ...partner });
      // The fixtures follow the current program even if an older run gave them to another one.
      const fixture = db.prepare(
        'INSERT INTO partners (code, program_id, name, status) VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET program_id = excluded.program_id, status = excluded.status',
      );
      fixture.run(INACTIVE_LINK, setup.programId, 'Inactive link (fixture)', 'inactive');
      fixture.run(MISCONFIGURED_LINK, setup.programId, 'Misconfigured link (fixture)', 'misconfigured');

      const otherId = setup.programId + OTHER_PROGRAM_OFFSET;
      if (!db.prepare('SELECT 1 FROM programs WHERE id = ?').get(otherId)) {
        db.prepare('INSERT INTO programs (id, name, api_key) VALUES (?, ?, ?)').run(otherId, 'Another program (fixture)', generateApiKey('other_'));
        db.prepare('INSERT OR IGNORE INTO partners (code, program_id, name, status) VALUES (?, ?, ?, ?)').run(
          OTHER_PARTNER,
          otherId,
          'Partner of the other program',
          'active',
        );
      }
      return admin;
    });
    return apply();
  }

  program(): ProgramRow {
    return this.db.prepare<[number], ProgramRow>('SELECT * FROM programs WHERE id = ?').get(this.programId)!;
  }

  updateSettings(settings: Partial<ProgramSettings>): ProgramRow {
    const keys = Object.keys(settings) as Array<keyof ProgramSettings>;
    if (keys.length > 0) {
      // Keys come from validateSettings' fixed list, never from the request, so they are safe in SQL.
      const assignments = keys.map((k) => `${k} = @${k}`).join(', ');
      this.db.prepare(`UPDATE programs SET ${assignments} WHERE id = @id`).run({ ...settings, id: this.programId });
    }
    return this.program();
  }

  upsertPartner(input: PartnerInput): PartnerRow {
    const existing = this.db.prepare<[string], PartnerRow>('SELECT * FROM partners WHERE code = ?').get(input.code);
    if (existing && existing.program_id !== this.programId) {
      throw new SettingsError(`partner code ${input.code} already belongs to program ${existing.program_id}`);
    }
    const row: PartnerRow = {
      code: input.code,
      program_id: this.programId,
      name: input.name ?? existing?.name ?? input.code,
      status: input.status ?? existing?.status ?? 'active',
    };
    this.db
      .prepare('INSERT INTO partners (code, program_id, name, status) VALUES (@code, @program_id, @name, @status) ON CONFLICT(code) DO UPDATE SET name = @name, status = @status')
      .run(row);
    return row;
  }

  /** Removes a partner code. Its customers keep the code, and their sales then answer the partner error of docs/protocol.md §10.10. */
  deletePartner(code: string): boolean {
    return this.db.prepare('DELETE FROM partners WHERE code = ? AND program_id = ?').run(code, this.programId).changes > 0;
  }

  /** Moves a customer's click (and the anchor of its attribution window) `days` into the past. */
  shiftClick(clickId: string, days: number): boolean {
    const ms = Math.round(days * DAY_MS);
    return (
      this.db.prepare('UPDATE customers SET anchor_at = anchor_at - ?, created_at = created_at - ? WHERE click_id = ?').run(ms, ms, clickId).changes > 0
    );
  }

  /** Deletes every tracked row (customers, events, sales, commissions, refunds); programs and partners stay. */
  reset(): void {
    // One transaction: a failing DELETE rolls the others back instead of leaving the connection
    // inside an open transaction that every later write would join and never commit.
    this.db.transaction(() => {
      for (const table of TRACKED_TABLES) this.db.prepare(`DELETE FROM ${table}`).run();
    })();
  }

  counts(): Record<string, number> {
    const count = (sql: string) => (this.db.prepare<[], { n: number }>(sql).get()!).n;
    return {
      customers: count('SELECT COUNT(*) AS n FROM customers'),
      events: count('SELECT COUNT(*) AS n FROM events'),
      click_events: count("SELECT COUNT(*) AS n FROM events WHERE type = 'click'"),
      sales: count('SELECT COUNT(*) AS n FROM sales'),
      commissions: count('SELECT COUNT(*) AS n FROM commissions'),
      refunds: count('SELECT COUNT(*) AS n FROM refunds'),
    };
  }

  /** Everything the console shows; lists hold the newest `limit` rows (events, customers, sales). */
  state(limit: number): Record<string, unknown> {
    // Totals can pass 2^53 and 2^63 (amounts may each be up to 2^53 - 1): summed by exact_sum (db.ts), read exactly.
    const all = (sql: string, ...params: unknown[]) => exactRows(this.db.prepare(sql).safeIntegers(true).all(...params));
    const parseJson = (rows: unknown[], keys: string[]) =>
      rows.map((row) => {
        const r = row as Record<string, unknown>;
        for (const k of keys) if (typeof r[k] === 'string') r[k] = JSON.parse(r[k] as string);
        return r;
      });
    return {
      program: this.program(),
      programs: all('SELECT id, name, api_key FROM programs ORDER BY id'),
      partners: all(
        `SELECT p.code, p.name, p.status, p.program_id,
           (SELECT COUNT(*) FROM events e WHERE e.type = 'click' AND e.partner_code = p.code AND e.http_status = 200 AND e.is_test = 0) AS clicks,
           (SELECT COUNT(*) FROM customers c WHERE c.partner_code = p.code) AS customers,
           (SELECT COUNT(*) FROM customers c WHERE c.partner_code = p.code AND c.lead_at IS NOT NULL) AS leads,
           (SELECT COUNT(*) FROM sales s WHERE s.partner_code = p.code AND s.is_test = 0) AS sales,
           (SELECT exact_sum(s.amount_cents) FROM sales s WHERE s.partner_code = p.code AND s.is_test = 0) AS revenue_cents,
           (SELECT exact_sum(m.amount_cents) FROM commissions m WHERE m.partner_code = p.code) AS commission_cents,
           (SELECT exact_sum(m.reversed_cents) FROM commissions m WHERE m.partner_code = p.code) AS reversed_cents
         FROM partners p ORDER BY p.program_id = ? DESC, p.code`,
        this.programId,
      ),
      customers: parseJson(
        all(
          `SELECT c.*, (SELECT COUNT(*) FROM sales s WHERE s.customer_id = c.id) AS sales_count,
             (SELECT exact_sum(s.amount_cents) FROM sales s WHERE s.customer_id = c.id) AS revenue_cents
           FROM customers c ORDER BY c.id DESC LIMIT ?`,
          limit,
        ),
        ['click_ids'],
      ),
      sales: parseJson(
        all(
          `SELECT s.*, m.id AS commission_id, m.amount_cents AS commission_cents, m.reversed_cents, m.status AS commission_status
           FROM sales s LEFT JOIN commissions m ON m.sale_id = s.id ORDER BY s.id DESC LIMIT ?`,
          limit,
        ),
        ['flags', 'line_items'],
      ),
      commissions: all('SELECT * FROM commissions ORDER BY id DESC LIMIT ?', limit),
      refunds: all('SELECT * FROM refunds ORDER BY id DESC LIMIT ?', limit),
      events: parseJson(all('SELECT * FROM events ORDER BY id DESC LIMIT ?', limit), ['request', 'response']),
      counts: this.counts(),
    };
  }
}
