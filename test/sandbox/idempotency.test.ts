// Idempotency-Key over real HTTP (docs/protocol.md §10.23): a repeat gets the first answer, never a
// second application — across lost answers, concurrent repeats, 5xx and restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/sandbox/sqlite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxClient, type Client } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'affitor-idempotency-'));
let clock = Date.now();
let c: Client;
beforeAll(async () => {
  c = await sandboxClient({ now: () => clock });
});
afterAll(async () => {
  await c.sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  clock = Date.now();
  await c.post('/sandbox/reset', {});
});

const SALE = '/api/v1/track/sale';
const REFUND = '/api/v1/track/refund';
const keyed = (key: string, headers: Record<string, string> = c.auth()) => ({ ...headers, 'Idempotency-Key': key });

describe('Idempotency-Key', () => {
  it('a repeat gets exactly the first answer, marked Idempotent-Replayed, and applies nothing', async () => {
    const clickId = await c.click();
    const body = { click_id: clickId, transaction_id: 'idem_1', amount_cents: 1000 };
    const first = await c.post(SALE, body, keyed('k-sale-1'));
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await c.post(SALE, { amount_cents: 1000, transaction_id: 'idem_1', click_id: clickId }, keyed('k-sale-1'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const withoutKey = await c.post(SALE, body, c.auth());
    expect(withoutKey.status).toBe(409);
    expect((await c.state()).counts.sales).toBe(1);
  });

  it('a 4xx answer is replayed too (a final answer)', async () => {
    const first = await c.post(SALE, { transaction_id: 'nobody', amount_cents: 5, click_id: 'cust_1_0' }, keyed('k-400'));
    expect(first.status).toBe(400);
    const again = await c.post(SALE, { transaction_id: 'nobody', amount_cents: 5, click_id: 'cust_1_0' }, keyed('k-400'));
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([400, 'true']);
  });

  it('the same key with a different body → 422, nothing applied', async () => {
    const clickId = await c.click();
    await c.post(SALE, { click_id: clickId, transaction_id: 'idem_2', amount_cents: 1000 }, keyed('k-sale-2'));
    const other = await c.post(SALE, { click_id: clickId, transaction_id: 'idem_3', amount_cents: 1000 }, keyed('k-sale-2'));
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ error: 'Idempotency-Key was already used with a different request' });
    expect((await c.state()).counts.sales).toBe(1);
  });

  it('keys are scoped by endpoint and by bearer token', async () => {
    const clickId = await c.click();
    const lead = await c.post('/api/v1/track/lead', { click_id: clickId, customer_key: 'scoped' }, keyed('shared-key', {}));
    expect(lead.status).toBe(200);
    const sale = await c.post(SALE, { customer_key: 'scoped', transaction_id: 'idem_scope', amount_cents: 100 }, keyed('shared-key'));
    expect(sale.status).toBe(200);
    expect(sale.headers.get('idempotent-replayed')).toBeNull();
    const otherClick = await c.click();
    const keyedLead = await c.post('/api/v1/track/lead', { click_id: otherClick }, keyed('lead-key'));
    const unkeyedScope = await c.post('/api/v1/track/lead', { click_id: otherClick }, keyed('lead-key', {}));
    expect(keyedLead.status).toBe(200);
    expect(unkeyedScope.headers.get('idempotent-replayed')).toBeNull();
    expect(unkeyedScope.status).toBe(400); // applied as a new call: the customer is already a lead
  });

  it('a malformed key → 400 with the documented message', async () => {
    for (const key of ['', 'x'.repeat(256)]) {
      const r = await c.post(SALE, { transaction_id: 't', amount_cents: 1 }, keyed(key));
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'Idempotency-Key must be 1-255 printable ASCII characters' });
    }
    expect((await c.post(SALE, { transaction_id: 't', amount_cents: 1, click_id: 'x' }, keyed('x'.repeat(255)))).status).toBe(400);
  });

  it('lost answers (drop_after): a partial refund retried with its key is applied once', async () => {
    const clickId = await c.click();
    await c.post(SALE, { click_id: clickId, transaction_id: 'idem_refund', amount_cents: 10_000 }, c.auth());
    await c.post('/sandbox/faults', { refund: { mode: 'drop_after', count: 1 }, sale: { mode: 'drop_after', count: 1 } });
    const refund = { transaction_id: 'idem_refund', refund_amount_cents: 2500 };
    await expect(c.post(REFUND, refund, keyed('k-refund'))).rejects.toThrow();
    const retry = await c.post(REFUND, refund, keyed('k-refund'));
    expect([retry.status, retry.body.status, retry.headers.get('idempotent-replayed')]).toEqual([200, 'refunded', 'true']);
    // The sale's lost answer too: the retry gets the sale id, not a 409.
    const sale = { click_id: clickId, transaction_id: 'idem_lost_sale', amount_cents: 500 };
    await expect(c.post(SALE, sale, keyed('k-lost-sale'))).rejects.toThrow();
    const saleRetry = await c.post(SALE, sale, keyed('k-lost-sale'));
    expect(saleRetry.status).toBe(200);
    expect(saleRetry.body.sale_id).toEqual(expect.any(Number));
    const state = await c.state();
    expect(state.refunds).toHaveLength(1);
    expect(state.commissions.find((m: { sale_id: number }) => m.sale_id !== saleRetry.body.sale_id).reversed_cents).toBe(1000);
    expect(state.counts.sales).toBe(2);
  });

  it('a repeat arriving while the first is still processing waits for it and gets its answer', async () => {
    const clickId = await c.click();
    await c.post('/sandbox/faults', { sale: { mode: 'delay', count: 1, delayMs: 300 } });
    const body = { click_id: clickId, transaction_id: 'idem_concurrent', amount_cents: 700 };
    const [first, second] = await Promise.all([c.post(SALE, body, keyed('k-concurrent')), c.post(SALE, body, keyed('k-concurrent'))]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    // Either may reach the sandbox first; exactly one is applied.
    expect([first.headers.get('idempotent-replayed'), second.headers.get('idempotent-replayed')].sort()).toEqual([null, 'true']);
    expect((await c.state()).counts.sales).toBe(1);
  });

  it('is remembered for 24 hours', async () => {
    const first = await c.post('/api/v1/track/click', { affiliate_url: 'http://shop.test/?aff=PARTNER_A' }, { 'Idempotency-Key': 'k-click' });
    clock += 23 * 3_600_000;
    const within = await c.post('/api/v1/track/click', { affiliate_url: 'http://shop.test/?aff=PARTNER_A' }, { 'Idempotency-Key': 'k-click' });
    expect(within.body.click_id).toBe(first.body.click_id);
    clock += 2 * 3_600_000;
    const after = await c.post('/api/v1/track/click', { affiliate_url: 'http://shop.test/?aff=PARTNER_A' }, { 'Idempotency-Key': 'k-click' });
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after.body.click_id).not.toBe(first.body.click_id);
  });
});

describe('Idempotency-Key storage', () => {
  it('a sandbox failure rolls the call back and is not remembered: the retry with the same key is applied', async () => {
    const file = join(dir, 'five-hundred.db');
    const s = await sandboxClient({ db: file });
    const saboteur = openSqlite(file);
    try {
      const clickId = await s.click();
      saboteur.exec("CREATE TRIGGER refuse_sales BEFORE INSERT ON sales BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END");
      const body = { click_id: clickId, transaction_id: 'idem_5xx', amount_cents: 100 };
      const failed = await s.post(SALE, body, { ...s.auth(), 'Idempotency-Key': 'k-5xx' });
      expect(failed.status).toBe(500);
      saboteur.exec('DROP TRIGGER refuse_sales');
      const retry = await s.post(SALE, body, { ...s.auth(), 'Idempotency-Key': 'k-5xx' });
      expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([200, null]);
    } finally {
      saboteur.close();
      await s.sandbox.close();
    }
  });

  it('a 5xx after the sale was written (its commission failed) is not replayed as done, and the retry applies nothing twice', async () => {
    const file = join(dir, 'commission-failed.db');
    const s = await sandboxClient({ db: file });
    const saboteur = openSqlite(file);
    try {
      const clickId = await s.click();
      // The commission step fails; the sale row before it stays written (protocol §5.3, §10.23).
      saboteur.exec("CREATE TRIGGER refuse_commissions BEFORE INSERT ON commissions BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END");
      const body = { click_id: clickId, transaction_id: 'idem_commission', amount_cents: 100 };
      const failed = await s.post(SALE, body, { ...s.auth(), 'Idempotency-Key': 'k-commission' });
      expect([failed.status, failed.body]).toEqual([500, { error: 'Failed to create commission' }]);
      expect((await s.state()).counts).toMatchObject({ sales: 1, commissions: 0 });
      saboteur.exec('DROP TRIGGER refuse_commissions');
      const retry = await s.post(SALE, body, { ...s.auth(), 'Idempotency-Key': 'k-commission' });
      // Not the stored 500 replayed: the call runs again and finds its sale recorded.
      expect([retry.status, retry.headers.get('idempotent-replayed'), retry.body]).toEqual([
        409,
        null,
        { error: 'Duplicate transaction_id. This sale has already been recorded.' },
      ]);
      expect((await s.state()).counts).toMatchObject({ sales: 1, commissions: 0 });
    } finally {
      saboteur.close();
      await s.sandbox.close();
    }
  });

  it('survives a restart (stored in SQLite with the call)', async () => {
    const file = join(dir, 'restart.db');
    const first = await sandboxClient({ db: file });
    const clickId = await first.click();
    const body = { click_id: clickId, transaction_id: 'idem_restart', amount_cents: 100 };
    const answer = await first.post(SALE, body, { ...first.auth(), 'Idempotency-Key': 'k-restart' });
    await first.sandbox.close();
    const second = await sandboxClient({ db: file });
    try {
      const replay = await second.post(SALE, body, { ...second.auth(), 'Idempotency-Key': 'k-restart' });
      expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
      expect(replay.body).toEqual(answer.body);
    } finally {
      await second.sandbox.close();
    }
  });
});
