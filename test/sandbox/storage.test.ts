// Storage: data survives a restart, concurrent writes are all kept, database failures answer the
// protocol's 500 strings, and the time-based rules (the 24 h of §10.19, unique ids) hold.
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/sandbox/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxClient } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'affitor-sandbox-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite file storage', () => {
  it('keeps customers, sales and used transaction ids across a restart (WAL)', async () => {
    const file = join(dir, 'restart.db');
    const first = await sandboxClient({ db: file });
    const clickId = await first.click('PARTNER_B');
    await first.post('/api/v1/track/lead', { click_id: clickId, customer_key: 'persist_1', email: 'p@example.com' });
    await first.post('/api/v1/track/sale', { customer_key: 'persist_1', amount_cents: 2000, transaction_id: 'persist_txn' }, first.auth());
    expect(existsSync(`${file}-wal`)).toBe(true);
    await first.sandbox.close();

    const second = await sandboxClient({ db: file });
    try {
      const state = await second.state();
      expect(state.customers).toHaveLength(1);
      expect(state.customers[0]).toMatchObject({ click_id: clickId, status: 'conversion', customer_key: 'persist_1', partner_code: 'PARTNER_B' });
      expect(state.sales[0]).toMatchObject({ transaction_id: 'persist_txn', commission_cents: 800 });
      const dup = await second.post('/api/v1/track/sale', { customer_key: 'persist_1', amount_cents: 2000, transaction_id: 'persist_txn' }, second.auth());
      expect(dup.status).toBe(409);
      expect(await second.click()).not.toBe(clickId);
    } finally {
      await second.sandbox.close();
    }
  });

  it('200 concurrent clicks on a file database: every acknowledged click is a row after restart', async () => {
    const file = join(dir, 'concurrent.db');
    const c = await sandboxClient({ db: file });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        c.post('/api/v1/track/click', { affiliate_url: `http://shop.test/p${i}?aff=PARTNER_A`, session_id: `sess_conc_${i}` }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    await c.sandbox.close();
    const db = openSqlite(file, { readonly: true });
    const ids = (db.prepare<[], { click_id: string }>('SELECT click_id FROM customers').all()).map((row) => row.click_id);
    db.close();
    expect(ids.length).toBe(200);
    expect(new Set(ids)).toEqual(new Set(results.map((r) => r.body.click_id)));
  });

  it('a later run with --api-key/--program-id/--partner on the same file applies them', async () => {
    const file = join(dir, 'reconfigure.db');
    await (await sandboxClient({ db: file })).sandbox.close();
    const c = await sandboxClient({ db: file, programId: 77, apiKey: 'affitor_custom_key_77', partners: [{ code: 'ACME' }] });
    try {
      const id = await c.click('ACME');
      expect(id).toMatch(/^cust_77_\d+$/);
      expect((await c.post('/api/v1/track/sale', { click_id: id, amount_cents: 100, transaction_id: 'k77' }, c.auth())).status).toBe(200);
      // The fixtures follow the program in use.
      expect((await c.post('/api/v1/track/click', { affiliate_url: 'http://s.test/?aff=PARTNER_INACTIVE' })).body.message).toBe('Referral link is inactive');
    } finally {
      await c.sandbox.close();
    }
  });

  it('a database failure answers each endpoint’s 500 string, and the sandbox recovers', async () => {
    const file = join(dir, 'broken.db');
    const c = await sandboxClient({ db: file });
    const clickId = await c.click();
    await c.post('/api/v1/track/sale', { click_id: clickId, amount_cents: 100, transaction_id: 'before_break' }, c.auth());
    const saboteur = openSqlite(file);
    try {
      saboteur.exec('ALTER TABLE events RENAME TO events_broken');
      const answers = [
        await c.post('/api/v1/track/click', { affiliate_url: 'http://s.test/?aff=PARTNER_A' }),
        await c.post('/api/v1/track/lead', { click_id: clickId }),
        await c.post('/api/v1/track/sale', { click_id: clickId, amount_cents: 100, transaction_id: 'during_break' }, c.auth()),
        await c.post('/api/v1/track/refund', { transaction_id: 'before_break' }, c.auth()),
      ];
      expect(answers.map((a) => [a.status, a.body])).toEqual([
        [500, { error: 'Click tracking failed' }],
        [500, { error: 'Lead tracking failed' }],
        [500, { error: 'Sale tracking failed' }],
        [500, { error: 'Refund tracking failed' }],
      ]);
      saboteur.exec('ALTER TABLE events_broken RENAME TO events');
      // The failed sale rolled back entirely: its id is still free.
      expect((await c.post('/api/v1/track/sale', { click_id: clickId, amount_cents: 100, transaction_id: 'during_break' }, c.auth())).status).toBe(200);

      // protocol §5.3: when only the commission fails, the sale exists and its id stays used.
      saboteur.exec('ALTER TABLE commissions RENAME TO commissions_broken');
      const other = await c.click('PARTNER_B');
      const failed = await c.post('/api/v1/track/sale', { click_id: other, amount_cents: 100, transaction_id: 'commission_fails' }, c.auth());
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ error: 'Failed to create commission' });
      saboteur.exec('ALTER TABLE commissions_broken RENAME TO commissions');
      const retry = await c.post('/api/v1/track/sale', { click_id: other, amount_cents: 100, transaction_id: 'commission_fails' }, c.auth());
      expect(retry.status).toBe(409);
    } finally {
      saboteur.close();
      await c.sandbox.close();
    }
  });
});

describe('time-based rules (controlled clock)', () => {
  it('protocol §10.19 dedupes retries only within 24 h', async () => {
    let now = Date.UTC(2026, 0, 1);
    const c = await sandboxClient({ now: () => now });
    try {
      const body = { affiliate_url: 'http://shop.test/?aff=PARTNER_A', session_id: 'sess_day' };
      const first = await c.post('/api/v1/track/click', body);
      now += 24 * 60 * 60 * 1000 - 1;
      expect((await c.post('/api/v1/track/click', body)).body.click_id).toBe(first.body.click_id);
      now += 2;
      expect((await c.post('/api/v1/track/click', body)).body.click_id).not.toBe(first.body.click_id);
    } finally {
      await c.sandbox.close();
    }
  });

  it('click ids stay unique when clicks share a millisecond', async () => {
    const at = Date.UTC(2026, 0, 1);
    const c = await sandboxClient({ now: () => at });
    try {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await c.click());
      expect(ids).toEqual([0, 1, 2, 3, 4].map((i) => `cust_1_${at + i}`));
    } finally {
      await c.sandbox.close();
    }
  });
});
