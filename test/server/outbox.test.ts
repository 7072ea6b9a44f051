// The outbox against the real sandbox, its outages made with the sandbox's own fault injection: a
// lead or sale whose every attempt failed waits in the client's outbox and is sent again later under
// the same Idempotency-Key, so it is recorded exactly once — also when Affitor had applied it and
// only the answers were lost. Verdicts are read from the sandbox's rows.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Affitor, memoryOutbox, type AffitorOptions, type OutboxEntry, type OutboxStore } from '../../src/server/index';
import { sandboxClient, type Client, type Json } from '../sandbox/helpers';

let sb: Client;
beforeEach(async () => {
  sb = await sandboxClient();
});
afterEach(async () => {
  await sb.sandbox.close();
});

// One retry within a call keeps the outages short; the in-call backoff is the client's own.
const client = (o: Partial<AffitorOptions> = {}) => new Affitor({ apiKey: sb.sandbox.apiKey, apiUrl: sb.sandbox.url, retries: 1, ...o });

/** Affitor down (or its answers lost) for the next `count` requests to `endpoint`; null brings it back. */
const outage = async (endpoint: 'lead' | 'sale', fault: { mode: '503' | 'drop' | 'drop_after'; count: number } | null) => {
  const r = await sb.post('/sandbox/faults', { [endpoint]: fault });
  expect(r.status).toBe(200);
};
const DOWN = { mode: '503', count: 1000 } as const;

const leadsOf = async (clickId: string) => ((await sb.state()).customers as Json[]).filter((c) => c.click_id === clickId && c.lead_at !== null);
const appliedLeads = async () => ((await sb.state()).events as Json[]).filter((e) => e.type === 'lead' && e.http_status === 200);

describe('the outbox: nothing lost when Affitor is down for longer than a call', () => {
  it('down for the whole call: the lead is queued; flush() once Affitor is back records it once, and a second flush sends nothing', async () => {
    const affitor = client();
    const clickId = await sb.click();
    await outage('lead', DOWN);
    const first = await affitor.trackLead({ clickId, customerExternalId: 'user_down', email: 'down@example.com' }, { idempotencyKey: 'lead-user_down' });
    expect(first).toMatchObject({ ok: false, status: 503, retryable: true, queued: true, attempts: 2 });
    // Still down: the flush leaves it waiting.
    expect(await affitor.flush()).toMatchObject({ sent: [], refused: [], pending: 1 });
    expect(await leadsOf(clickId)).toEqual([]);

    await outage('lead', null);
    const flushed = await affitor.flush();
    expect(flushed.sent.map((e) => [e.endpoint, e.idempotencyKey, e.body.customer_key])).toEqual([['lead', 'lead-user_down', 'user_down']]);
    expect(flushed).toMatchObject({ refused: [], pending: 0 });
    expect((await leadsOf(clickId)).map((c) => c.customer_key)).toEqual(['user_down']);
    expect(await affitor.flush()).toEqual({ sent: [], refused: [], pending: 0 });
    expect(await appliedLeads()).toHaveLength(1);
  });

  it('applied but every answer lost: the resend under the same key is answered from the first, and the lead stays one', async () => {
    const affitor = client();
    const clickId = await sb.click();
    await outage('lead', { mode: 'drop_after', count: 2 });
    const first = await affitor.trackLead({ clickId, customerExternalId: 'user_lost' });
    expect(first).toMatchObject({ ok: false, status: 0, retryable: true, queued: true, attempts: 2 });
    expect(await leadsOf(clickId)).toHaveLength(1);

    const flushed = await affitor.flush();
    expect(flushed).toMatchObject({ refused: [], pending: 0 });
    expect(flushed.sent).toHaveLength(1);
    expect(await leadsOf(clickId)).toHaveLength(1);
    expect(await appliedLeads()).toHaveLength(1);
  });

  it('the next call that reaches Affitor sends what waits, by itself', async () => {
    const affitor = client();
    const [queuedClick, laterClick] = [await sb.click(), await sb.click()];
    await outage('sale', DOWN);
    expect(await affitor.trackSale({ clickId: queuedClick, amount: 4900, invoiceId: 'pi_waiting' })).toMatchObject({ ok: false, queued: true });
    await outage('sale', null);
    expect(await affitor.trackLead({ clickId: laterClick, customerExternalId: 'user_later' })).toMatchObject({ ok: true });
    await expect.poll(async () => ((await sb.state()).sales as Json[]).map((s) => s.transaction_id)).toEqual(['pi_waiting']);
    expect(await affitor.flush()).toEqual({ sent: [], refused: [], pending: 0 });
  });

  it("a store in the app's database outlives the process: a new client drains what the old one queued", async () => {
    // The tiny interface over a table, here a Map standing in for `affitor_outbox` rows (JSON in, JSON out).
    const table = new Map<string, string>();
    const store: OutboxStore = {
      put: async (entry) => void table.set(entry.idempotencyKey, JSON.stringify(entry)),
      list: async () => [...table.values()].map((row) => JSON.parse(row) as OutboxEntry),
      remove: async (key) => void table.delete(key),
    };
    const clickId = await sb.click();
    await outage('lead', DOWN);
    expect(await client({ outbox: store }).trackLead({ clickId, customerExternalId: 'user_restart' })).toMatchObject({ queued: true });
    expect(table.size).toBe(1);

    await outage('lead', null);
    const afterRestart = client({ outbox: store });
    expect((await afterRestart.flush()).sent).toHaveLength(1);
    expect(table.size).toBe(0);
    expect((await leadsOf(clickId)).map((c) => c.customer_key)).toEqual(['user_restart']);
  });

  it('an entry Affitor refuses for good when resent leaves the outbox and is returned with the reason', async () => {
    const affitor = client();
    await outage('lead', DOWN);
    expect(await affitor.trackLead({ clickId: 'no_such_click', customerExternalId: 'user_x' })).toMatchObject({ queued: true });
    await outage('lead', null);
    const flushed = await affitor.flush();
    expect(flushed).toMatchObject({ sent: [], pending: 0, refused: [{ status: 400, entry: { endpoint: 'lead', body: { customer_key: 'user_x' } } }] });
    expect(await affitor.flush()).toEqual({ sent: [], refused: [], pending: 0 });
  });

  it('refusals and clicks are not queued; outbox: false turns it off; a bad store is refused at construction', async () => {
    const store = memoryOutbox();
    const put = vi.spyOn(store, 'put');
    const affitor = client({ outbox: store });
    expect(await affitor.trackLead({ clickId: 'no_such_click', customerExternalId: 'user_y' })).toMatchObject({ ok: false, status: 400 });
    await sb.post('/sandbox/faults', { click: { mode: '503', count: 1 } });
    expect(await affitor.trackClick({ affiliateUrl: 'http://shop.test/?aff=PARTNER_A' })).toMatchObject({ ok: false, status: 503 });
    expect(put).not.toHaveBeenCalled();

    await outage('lead', DOWN);
    const off = await client({ outbox: false }).trackLead({ clickId: 'c', customerExternalId: 'user_z' });
    expect(off).toMatchObject({ ok: false, retryable: true });
    expect(off.queued).toBeUndefined();
    expect(() => client({ outbox: {} as never })).toThrow(/`outbox` must be a store with put\(entry\), list\(\) and remove\(idempotencyKey\), or false/);
  });
});
