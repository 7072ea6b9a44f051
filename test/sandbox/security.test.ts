// What the sandbox refuses, over real HTTP: foreign Hosts (DNS rebinding), cross-site writes to the
// admin API and the demo backend, inherited property names as endpoints, and hostile input (bad
// percent-encoding, deep JSON, huge totals, endless chunked bodies) — docs/protocol.md §10.24.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/sandbox/sqlite';
import { describe, expect, it, vi } from 'vitest';
import { sandboxClient, sandboxForEachTest, type Json } from './helpers';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http, because fetch() may not set Host or Origin. */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const c = sandboxForEachTest();

describe('DNS rebinding: only loopback, *.localhost, IP literals and configured hosts are answered', () => {
  it('a foreign Host gets 403 on every surface, and learns nothing', async () => {
    await c.click();
    const port = c.sandbox.port;
    for (const [method, path] of [['GET', '/sandbox/state'], ['POST', '/sandbox/reset'], ['POST', '/api/v1/track/click'], ['GET', '/']]) {
      const r = await raw(c.sandbox.url, path, {
        method,
        headers: { Host: `rebind.attacker.example:${port}`, 'Content-Type': 'application/json' },
        body: method === 'POST' ? JSON.stringify({ affiliate_url: 'http://x.test/?aff=PARTNER_A' }) : undefined,
      });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(JSON.parse(r.text).error).toMatch(/^Host "rebind\.attacker\.example:\d+" is not allowed/);
      expect(r.text).not.toContain(c.sandbox.apiKey);
    }
    const state = await c.state();
    expect(state.counts.customers).toBe(1);
  });

  it('answers localhost, *.localhost and IP literals (v4, v6, numeric forms)', async () => {
    const port = c.sandbox.port;
    for (const host of [`localhost:${port}`, `LOCALHOST.:${port}`, `shop.localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `192.168.1.20:${port}`, `2130706433:${port}`]) {
      expect((await raw(c.sandbox.url, '/sandbox/faults', { headers: { Host: host } })).status, host).toBe(200);
    }
    for (const host of ['localhost.evil.example', 'evil.example', 'user@localhost', 'localhost/x']) {
      expect((await raw(c.sandbox.url, '/sandbox/faults', { headers: { Host: host } })).status, host).toBe(403);
    }
  });

  it('allowedHosts admits named hosts; a leading dot admits the domain and its subdomains', async () => {
    const other = await sandboxClient({ allowedHosts: ['shop.test', '.example.test'] });
    try {
      for (const [host, status] of [['shop.test', 200], ['SHOP.TEST:80', 200], ['example.test', 200], ['a.b.example.test', 200], ['api.test', 403], ['notexample.test', 403]] as const) {
        expect((await raw(other.sandbox.url, '/sandbox/faults', { headers: { Host: host } })).status, host).toBe(status);
      }
    } finally {
      await other.sandbox.close();
    }
  });
});

describe('cross-site writes: the admin API and the demo backend take JSON from their own origin only', () => {
  async function checkout(headers: Record<string, string>, body: string): Promise<RawAnswer> {
    const clickId = await c.click();
    return raw(c.sandbox.url, '/demo/checkout', { method: 'POST', headers: { Cookie: `affitor_click_id=${clickId}`, ...headers }, body });
  }

  it('a text/plain form post to /demo/checkout records nothing (415)', async () => {
    const r = await checkout({ 'Content-Type': 'text/plain', Origin: 'http://evil.example' }, '{"amount_cents":4900}');
    expect(r.status).toBe(403);
    const noOrigin = await checkout({ 'Content-Type': 'text/plain' }, '{"amount_cents":4900}');
    expect(noOrigin.status).toBe(415);
    expect(JSON.parse(noOrigin.text)).toEqual({ error: 'Sandbox admin and demo requests need Content-Type: application/json' });
    expect((await c.state()).counts.sales).toBe(0);
  });

  it('JSON from another origin — another localhost port included — is refused (403); from its own origin it works', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:5173', `http://shop.localhost:${c.sandbox.port}`, 'null']) {
      const r = await checkout({ 'Content-Type': 'application/json', Origin: origin }, '{}');
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.text).error).toMatch(/^Writes from another origin/);
    }
    expect((await c.state()).counts.sales).toBe(0);
    const own = await checkout({ 'Content-Type': 'application/json', Origin: c.sandbox.url }, '{}');
    expect(own.status).toBe(200);
    expect((await c.state()).counts.sales).toBe(1);
  });

  it('an admin write from another local origin cannot reset the data or change faults', async () => {
    await c.click();
    for (const [method, path] of [['POST', '/sandbox/reset'], ['POST', '/sandbox/faults'], ['DELETE', '/sandbox/partners/PARTNER_A']]) {
      const r = await raw(c.sandbox.url, path, { method, headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' }, body: '{"click":{"mode":"503"}}' });
      expect(r.status, path).toBe(403);
    }
    const state = await c.state();
    expect(state.counts.customers).toBe(1);
    expect(state.faults).toEqual({});
    expect(state.partners.some((p: Json) => p.code === 'PARTNER_A')).toBe(true);
  });

  it('the default key is generated per sandbox and kept in its data file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affitor-key-'));
    try {
      const first = await sandboxClient({ db: join(dir, 'a.db') });
      const key = first.sandbox.apiKey;
      await first.sandbox.close();
      const again = await sandboxClient({ db: join(dir, 'a.db') });
      expect(again.sandbox.apiKey).toBe(key);
      await again.sandbox.close();
      const elsewhere = await sandboxClient({ db: join(dir, 'b.db') });
      expect(elsewhere.sandbox.apiKey).not.toBe(key);
      await elsewhere.sandbox.close();
      expect(key).not.toBe('affitor_sandbox_demo_key');
      expect(c.sandbox.apiKey).not.toBe(key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inherited names are not endpoints', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])('POST /api/v1/track/%s → 404, nothing stored', async (name) => {
    const r = await c.post(`/api/v1/track/${name}`, { affiliate_url: 'http://shop.test/?aff=PARTNER_A' }, c.auth());
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'Not found' });
    expect((await c.state()).counts.events).toBe(0);
  });

  it('fault settings for an inherited name → 400', async () => {
    for (const body of ['{"toString":{"mode":"503"}}', '{"__proto__":{"mode":"503"}}']) {
      const r = await c.post('/sandbox/faults', body);
      expect(r.status, body).toBe(400);
      expect(r.body.error).toMatch(/^unknown endpoint/);
    }
  });
});

describe('hostile input gets a clear 4xx and changes nothing', () => {
  it('bad percent-encoding in a path → 400', async () => {
    const r = await raw(c.sandbox.url, '/sandbox/partners/%E0%A4%A', { method: 'DELETE' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ error: 'Malformed percent-encoding in the path: %E0%A4%A' });
  });

  it('deeply nested JSON → 400 before anything is saved', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const settings = await c.post('/sandbox/program', `{"cookie_window_days": 7, "x": ${deep}}`);
    expect(settings.status).toBe(400);
    expect(settings.body).toEqual({ error: 'JSON body nested too deeply (limit 32 levels)' });
    expect((await c.state()).program.cookie_window_days).toBe(60);
    const click = await c.post('/api/v1/track/click', `{"affiliate_url": "http://shop.test/?aff=PARTNER_A", "extra": ${deep}}`);
    expect(click.status).toBe(400);
    expect((await c.state()).counts.customers).toBe(0);
    // Brackets inside strings are text, not nesting.
    expect((await c.post('/api/v1/track/click', { affiliate_url: 'http://shop.test/?aff=PARTNER_A', page_title: '['.repeat(100) })).status).toBe(200);
  });

  it('totals past 2^53 are reported exactly; /sandbox/state keeps answering', async () => {
    const clickId = await c.click();
    for (const id of ['big_1', 'big_2']) {
      const r = await c.post('/api/v1/track/sale', { click_id: clickId, transaction_id: id, amount_cents: Number.MAX_SAFE_INTEGER }, c.auth());
      expect(r.status).toBe(200);
    }
    const res = await fetch(`${c.sandbox.url}/sandbox/state`);
    expect(res.status).toBe(200);
    const state = (await res.json()) as Json;
    const partner = state.partners.find((p: Json) => p.code === 'PARTNER_A');
    expect(partner.revenue_cents).toBe((2n * BigInt(Number.MAX_SAFE_INTEGER)).toString());
    expect(partner.sales).toBe(2);
  });

  it('totals past 2^63 (where SQLite\'s SUM overflows) are reported exactly too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affitor-totals-'));
    const file = join(dir, 'totals.db');
    const s = await sandboxClient({ db: file });
    const writer = openSqlite(file);
    try {
      const sales = 1100;
      const insert = writer.prepare(
        `INSERT INTO sales (transaction_id, program_id, partner_code, amount_cents, currency, sale_type, is_recurring, created_at)
         VALUES (?, ?, 'PARTNER_A', ?, 'USD', 'payment', 0, 0)`,
      );
      writer.transaction(() => {
        for (let i = 0; i < sales; i++) insert.run(`huge_${i}`, s.sandbox.programId, Number.MAX_SAFE_INTEGER);
      })();
      const res = await fetch(`${s.sandbox.url}/sandbox/state?limit=0`);
      expect(res.status).toBe(200);
      const partner = ((await res.json()) as Json).partners.find((p: Json) => p.code === 'PARTNER_A');
      expect(partner.revenue_cents).toBe((BigInt(sales) * BigInt(Number.MAX_SAFE_INTEGER)).toString());
    } finally {
      writer.close();
      await s.sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a transaction_id with spaces is stored trimmed, so its refund finds it', async () => {
    const clickId = await c.click();
    expect((await c.post('/api/v1/track/sale', { click_id: clickId, transaction_id: ' x1 ', amount_cents: 1000 }, c.auth())).status).toBe(200);
    const refund = await c.post('/api/v1/track/refund', { transaction_id: 'x1' }, c.auth());
    expect(refund.status).toBe(200);
    expect(refund.body.status).toBe('reversed');
    expect((await c.post('/api/v1/track/sale', { click_id: clickId, transaction_id: 'x1', amount_cents: 1000 }, c.auth())).status).toBe(409);
  });

  it('the delay fault applies a request whose client gave up (applied after the client timed out)', async () => {
    await c.post('/sandbox/faults', { click: { mode: 'delay', count: 1, delayMs: 500 } });
    const controller = new AbortController();
    const delayed = new Promise<void>((resolve) => {
      const stop = c.sandbox.onFeed((item) => {
        if (item.kind === 'admin' && item.explanation.startsWith('fault injected: click delayed')) {
          stop();
          resolve();
        }
      });
    });
    const sent = fetch(`${c.sandbox.url}/api/v1/track/click`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ affiliate_url: 'http://shop.test/?aff=PARTNER_A', session_id: 'sess_gave_up' }),
      signal: controller.signal,
    });
    await delayed;
    controller.abort();
    await expect(sent).rejects.toThrow();
    await vi.waitFor(async () => expect((await c.state()).counts.customers).toBe(1), { timeout: 5000, interval: 50 });
  });

  it('a chunked body that never ends gets a 413, and the sandbox keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${c.sandbox.url}/api/v1/track/click`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      let answered = false;
      req.on('response', () => (answered = true));
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      req.write('{"a":"');
      const pump = () => {
        while (!answered && req.write(chunk));
        if (!answered) req.once('drain', pump);
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await c.post('/api/v1/track/click', { affiliate_url: 'http://shop.test/?aff=PARTNER_A' })).status).toBe(200);
  });
});

describe('reset is one transaction', () => {
  it('a failing reset deletes nothing and leaves later writes committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'affitor-reset-'));
    const file = join(dir, 'reset.db');
    const s = await sandboxClient({ db: file });
    const observer = openSqlite(file);
    try {
      const clickId = await s.click();
      expect((await s.post('/api/v1/track/sale', { click_id: clickId, transaction_id: 'kept_1', amount_cents: 500 }, s.auth())).status).toBe(200);
      // Another connection makes the last DELETE of the reset fail.
      observer.exec("CREATE TRIGGER refuse_customer_delete BEFORE DELETE ON customers BEGIN SELECT RAISE(ABORT, 'customers are protected'); END");
      const reset = await s.post('/sandbox/reset', {});
      expect(reset.status).toBe(500);
      const count = (table: string) => (observer.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect(count('sales')).toBe(1);
      expect(count('events')).toBeGreaterThan(0);
      // A later write is committed: another connection sees it.
      await s.click('PARTNER_B');
      expect(count('customers')).toBe(2);
    } finally {
      observer.close();
      await s.sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
