// GET /api/v1/programs/me/readiness over real HTTP (docs/protocol.md §12.4): gates from what the
// sandbox has really seen, the typed error envelope on 401 and 429.
import { describe, expect, it } from 'vitest';
import { sandboxClient, sandboxForEachTest, type Json } from './helpers';

const READINESS = '/api/v1/programs/me/readiness';
const c = sandboxForEachTest(async (sandbox) => {
  await sandbox.post('/sandbox/program', { commission_type: 'percentage', commission_rate: 40 });
  await sandbox.post('/sandbox/partners', { code: 'PARTNER_A', status: 'active' });
});

async function readiness(query = '', headers: Record<string, string> = c.auth()): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${c.sandbox.url}${READINESS}${query}`, { headers });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

/** A click as the browser script sends it (docs/protocol.md §3.3). */
const scriptClick = (extra: Json = {}) => ({
  affiliate_url: 'http://shop.test/landing?aff=PARTNER_A',
  page_url: 'http://shop.test/landing?aff=PARTNER_A',
  session_id: `sess_abcdefghi_${Date.now()}`,
  screen_resolution: '1920x1080',
  viewport_size: '1280x720',
  ...extra,
});

describe('readiness', () => {
  it('a fresh sandbox: configured, waiting for the script (blocker tracking), nothing seen yet', async () => {
    const r = await readiness();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      program_id: c.sandbox.programId,
      state: 'ready',
      integration_verified: false,
      blocker: 'tracking',
      gates: {
        profile: { status: 'pass' },
        economics: { status: 'pass' },
        payout: { status: 'pass', mode: 'manual' },
        tracking: { status: 'fail', next_action: expect.stringContaining('?aff=') },
        live: { status: 'unknown', test_chain: { click: 'pending', lead: 'pending', sale: 'pending' } },
      },
      last_event_at: { click: null, lead: null, sale: null },
      counts_24h: { clicks: 0, leads: 0, sales: 0 },
      key_rotated_at: null,
      poll: { retry_after_seconds: 5 },
    });
    expect(Date.parse(r.body.gates.tracking.checked_at)).toBeGreaterThan(0);
    expect((await readiness('?force_recheck=true')).status).toBe(200);
  });

  it('a server-side click does not prove the script; a script click does', async () => {
    await c.click();
    expect((await readiness()).body.gates.tracking.status).toBe('fail');
    await c.post('/api/v1/track/click', scriptClick());
    const r = await readiness();
    expect(r.body.gates.tracking).toMatchObject({ status: 'pass', detail: expect.stringContaining('on http://shop.test/landing?aff=PARTNER_A') });
    expect(r.body).toMatchObject({ state: 'integration_verified', integration_verified: true, blocker: 'live' });
    expect(r.body.counts_24h.clicks).toBe(2);
  });

  it('the live chain click → lead → sale: attributed step by step, then live_verified', async () => {
    const click = await c.post('/api/v1/track/click', scriptClick());
    const clickId = click.body.click_id as string;
    expect((await readiness()).body.gates.live.test_chain).toEqual({ click: 'attributed', lead: 'pending', sale: 'pending' });
    await c.post('/api/v1/track/lead', { click_id: clickId, customer_key: 'ready_1' });
    await c.post('/api/v1/track/sale', { customer_key: 'ready_1', transaction_id: 'ready_txn', amount_cents: 1000 }, c.auth());
    const r = await readiness();
    expect(r.body).toMatchObject({ state: 'live_verified', blocker: null, gates: { live: { status: 'pass' } }, counts_24h: { clicks: 1, leads: 1, sales: 1 } });
    for (const type of ['click', 'lead', 'sale']) expect(new Date(r.body.last_event_at[type]).toISOString()).toBe(r.body.last_event_at[type]);
  });

  it('the chain in test mode counts too, without counting as real traffic', async () => {
    const programId = c.sandbox.programId;
    await c.post('/api/v1/track/click', scriptClick({ additional_data: { test_mode: true, program_id: programId } }));
    await c.post('/api/v1/track/lead', { additional_data: { test_mode: true, program_id: programId } });
    await c.post('/api/v1/track/sale', { additional_data: { test_mode: true } }, c.auth());
    const r = await readiness();
    expect(r.body).toMatchObject({ state: 'live_verified', gates: { tracking: { status: 'pass' }, live: { status: 'pass' } }, counts_24h: { clicks: 0, leads: 0, sales: 0 } });
  });

  it('a sale refused for its partner → wrong_partner; an unknown customer → unattributed', async () => {
    const clickId = (await c.post('/api/v1/track/click', scriptClick())).body.click_id as string;
    await c.post('/api/v1/track/sale', { click_id: 'cust_nobody', transaction_id: 'r_1', amount_cents: 100 }, c.auth());
    expect((await readiness()).body.gates.live).toMatchObject({ status: 'fail', test_chain: { sale: 'unattributed' } });
    await c.post('/sandbox/partners', { code: 'PARTNER_A', status: 'misconfigured' });
    await c.post('/api/v1/track/sale', { click_id: clickId, transaction_id: 'r_2', amount_cents: 100 }, c.auth());
    const r = await readiness();
    expect(r.body.gates.live).toMatchObject({ status: 'fail', test_chain: { sale: 'wrong_partner' }, next_action: expect.any(String) });
    expect(r.body.blocker).toBe('live');
  });

  it('no commission configured → economics fails first (configuring)', async () => {
    await c.post('/sandbox/program', { commission_rate: 0 });
    const r = await readiness();
    expect(r.body).toMatchObject({ state: 'configuring', blocker: 'economics', gates: { economics: { status: 'fail', next_action: expect.any(String) } } });
  });

  it('no or a wrong key → 401 with the typed envelope', async () => {
    const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer nope' }, { Authorization: c.sandbox.apiKey }];
    for (const headers of attempts) {
      const r = await readiness('', headers);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/^Invalid API token/) } });
    }
  });

  it('the console state carries the same reading', async () => {
    await c.post('/api/v1/track/click', scriptClick());
    const state = await c.state();
    expect(state.readiness).toEqual({ ...(await readiness()).body, gates: expect.any(Object) });
    expect(state.readiness.gates.tracking.status).toBe('pass');
  });
});

describe('readiness rate limit', () => {
  it('more than 30 readings a minute → 429 rate_limited with retry_after_seconds and Retry-After', async () => {
    const s = await sandboxClient();
    try {
      const read = () => fetch(`${s.sandbox.url}${READINESS}?force_recheck=true`, { headers: s.auth() });
      for (let i = 0; i < 30; i++) expect((await read()).status).toBe(200);
      const limited = await read();
      expect(limited.status).toBe(429);
      const body = (await limited.json()) as Json;
      expect(body).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retry_after_seconds: expect.any(Number) } });
      expect(body.error.retry_after_seconds).toBeGreaterThanOrEqual(1);
      expect(limited.headers.get('retry-after')).toBe(String(body.error.retry_after_seconds));
    } finally {
      await s.sandbox.close();
    }
  });
});
