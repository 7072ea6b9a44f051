// The HTTP surface around the tracking rules: CORS (protocol §10.21), body limits, malformed input, fault
// injection (protocol §10.22), the admin API, the event stream and the pages.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sandboxForEachTest } from './helpers';

const c = sandboxForEachTest();

const CLICK = '/api/v1/track/click';
const aClick = (session: string) => ({ affiliate_url: 'http://shop.test/?aff=PARTNER_A', session_id: session });

describe('CORS (protocol §10.21)', () => {
  it.each(['click', 'lead', 'sale', 'refund'])('OPTIONS /api/v1/track/%s answers the preflight', async (endpoint) => {
    const res = await fetch(`${c.sandbox.url}/api/v1/track/${endpoint}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://shop.test:3000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type, Authorization');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
  });

  it('tracking answers (errors included) carry Allow-Origin *', async () => {
    const ok = await c.post(CLICK, aClick('sess_cors_1'), { Origin: 'http://shop.test' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const bad = await c.post('/api/v1/track/sale', {}, { Origin: 'http://shop.test' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('admin routes send no CORS headers: only the sandbox\'s own pages read them', async () => {
    for (const origin of ['http://localhost:5173', 'http://evil.example']) {
      const res = await fetch(`${c.sandbox.url}/sandbox/state?limit=0`, { headers: { Origin: origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('admin writes need Content-Type: application/json (a cross-site form cannot reset the data)', async () => {
    await c.click();
    const res = await fetch(`${c.sandbox.url}/sandbox/reset`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toBe('Sandbox admin and demo requests need Content-Type: application/json');
    expect((await c.state()).counts.customers).toBe(1);
  });
});

describe('malformed input never crashes the sandbox', () => {
  it('malformed JSON → 400 with a clear message; a non-object → 400', async () => {
    const bad = await c.post(CLICK, '{"affiliate_url": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^Malformed JSON body: /);
    for (const body of ['[]', '"text"', '42', 'null']) {
      const r = await c.post(CLICK, body);
      expect(r.status, body).toBe(400);
      expect(r.body).toEqual({ error: 'Request body must be a JSON object' });
    }
  });

  it('an empty body counts as {}', async () => {
    const r = await c.post(CLICK, '');
    expect(r.body).toEqual({ error: 'affiliate_url is required' });
  });

  it('a body over 100 KB → 413, and the server keeps serving', async () => {
    const big = { affiliate_url: 'http://shop.test/?aff=PARTNER_A', page_title: 'x'.repeat(120 * 1024) };
    const r = await c.post(CLICK, big);
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: 'Request body too large (limit 102400 bytes)' });
    expect((await c.post(CLICK, aClick('sess_after_413'))).status).toBe(200);
  });

  it('a declared huge body is refused without being read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${c.sandbox.url}${CLICK}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(50 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"a":');
    });
    expect(status).toBe(413);
  });

  it('wrong methods and unknown paths → 405 / 404 JSON', async () => {
    const get = await fetch(`${c.sandbox.url}${CLICK}`);
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ error: 'Method not allowed: use POST' });
    const unknown = await c.post('/api/v1/track/pageview', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Not found' });
  });

  it('fuzz: random field types on every endpoint get 2xx/4xx answers with the documented shapes, never a 5xx', async () => {
    const values: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', ' ', 'x', '\u0000', '%E0%A4%A', '🙂'.repeat(50), [], [1, 'a'], {}, { nested: { deep: [] } }, 'http://a/?aff=PARTNER_A', '__proto__'];
    const fields = ['affiliate_url', 'session_id', 'existing_click_id', 'click_id', 'customer_key', 'email', 'click_ids', 'transaction_id', 'amount_cents', 'refund_amount_cents', 'currency', 'line_items', 'additional_data', '__proto__', 'constructor'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const seen = new Set<number>();
    for (let i = 0; i < 240; i++) {
      const body: Record<string, unknown> = {};
      for (let f = 0; f < 4; f++) body[fields[random(fields.length)]] = values[random(values.length)];
      const endpoint = ['click', 'lead', 'sale', 'refund'][i % 4];
      const headers = i % 3 === 0 ? c.auth() : i % 3 === 1 ? { Authorization: String(values[random(values.length)]) } : {};
      const r = await c.post(`/api/v1/track/${endpoint}`, JSON.stringify(body), headers as Record<string, string>);
      seen.add(r.status);
      expect([200, 400, 401, 404, 409], `${endpoint} ${JSON.stringify(body)}`).toContain(r.status);
      if (r.status === 200) expect(r.body.success, JSON.stringify(body)).toEqual(expect.any(Boolean));
      else expect(typeof r.body.error).toBe('string');
    }
    expect(seen.has(400)).toBe(true);
    expect((await c.post(CLICK, aClick('sess_after_fuzz'))).status).toBe(200);
  });

  it('a garbage HTTP request gets a 400 and the server keeps serving', async () => {
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(c.sandbox.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await c.post(CLICK, aClick('sess_after_garbage'))).status).toBe(200);
  });
});

describe('fault injection (protocol §10.22)', () => {
  it('503 × N, then normal answers; faulted requests store nothing', async () => {
    expect((await c.post('/sandbox/faults', { click: { mode: '503', count: 2 } })).body).toEqual({ click: { mode: '503', count: 2, delayMs: 3000 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await c.post(CLICK, aClick('sess_503'))).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await c.state()).counts.customers).toBe(1);
  });

  it('503 answers carry CORS and Retry-After, exposed to the page, so a browser sees the status and when to retry', async () => {
    await c.post('/sandbox/faults', { lead: { mode: '503', count: 1 } });
    const r = await c.post('/api/v1/track/lead', { click_id: 'x' });
    expect(r.status).toBe(503);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('retry-after')).toBe('1');
    // Not a CORS-safelisted response header: a page on another origin reads it only when listed.
    expect(r.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });

  it('drop closes the connection without an answer and stores nothing', async () => {
    await c.post('/sandbox/faults', { click: { mode: 'drop', count: 1 } });
    await expect(c.post(CLICK, aClick('sess_drop'))).rejects.toThrow();
    expect((await c.state()).counts.customers).toBe(0);
    expect((await c.post(CLICK, aClick('sess_drop'))).status).toBe(200);
  });

  it('drop_after stores the click, loses the answer; the retry (same session) gets the same click id, no second row', async () => {
    await c.post('/sandbox/faults', { click: { mode: 'drop_after', count: 1 } });
    await expect(c.post(CLICK, aClick('sess_drop_after'))).rejects.toThrow();
    const state = await c.state();
    expect(state.counts.customers).toBe(1);
    const retry = await c.post(CLICK, aClick('sess_drop_after'));
    expect(retry.body.click_id).toBe(state.customers[0].click_id);
    expect((await c.state()).counts.customers).toBe(1);
  });

  it('delay holds the answer for delayMs', async () => {
    await c.post('/sandbox/faults', { click: { mode: 'delay', count: 1, delayMs: 400 } });
    const start = Date.now();
    expect((await c.post(CLICK, aClick('sess_delay'))).status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(390);
  });

  it('bad fault settings → 400 and nothing changes; null clears', async () => {
    await c.post('/sandbox/faults', { sale: { mode: '503', count: 5 } });
    const bad = await c.post('/sandbox/faults', { sale: null, click: { mode: 'explode' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('fault mode must be one of 503, drop, delay, drop_after');
    expect(Object.keys(await c.get('/sandbox/faults'))).toEqual(['sale']);
    await c.post('/sandbox/faults', { sale: null });
    expect(await c.get('/sandbox/faults')).toEqual({});
  });
});

describe('admin API and live stream', () => {
  it('the event stream pushes each decision as it happens, retries and faults included', async () => {
    const controller = new AbortController();
    const res = await fetch(`${c.sandbox.url}/sandbox/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const received: any[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('data: ')) received.push(JSON.parse(frame.slice(6)));
        }
        if (received.length >= 2) return;
      }
    })();
    await c.post(CLICK, aClick('sess_sse'));
    await c.post(CLICK, aClick('sess_sse'));
    await reading;
    controller.abort();
    expect(received.map((e) => [e.kind, e.type, e.httpStatus])).toEqual([
      ['activity', 'click', 200],
      ['activity', 'click', 200],
    ]);
    expect(received[0].explanation).toBe('new customer from PARTNER_A (first click)');
    expect(received[1].explanation).toBe('duplicate click (retry) — same click_id returned, nothing stored');
    expect(received[1].id).toBeNull();
  });

  it('state lists settings, partners with totals, and counts; settings are validated', async () => {
    const state = await c.get('/sandbox/state?limit=0');
    expect(state.program).toMatchObject({ id: 1, cookie_window_days: 60, attribution_window_days: 60, commission_rate: 40, lead_auth: 'any' });
    expect(state.api_key).toBe(c.sandbox.apiKey);
    expect(state.api_key).toMatch(/^affitor_sandbox_[A-Za-z0-9_-]{24}$/);
    expect(state.partners.map((p: any) => [p.code, p.status])).toEqual(
      expect.arrayContaining([['PARTNER_A', 'active'], ['PARTNER_INACTIVE', 'inactive'], ['PARTNER_MISCONFIGURED', 'misconfigured']]),
    );
    for (const bad of [{ cookie_window_days: 0 }, { attribution_window_days: 366 }, { commission_rate: 101 }, { lead_auth: 'never' }, { commission_type: 'tiered' }]) {
      const r = await c.post('/sandbox/program', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await c.post('/sandbox/partners', { code: 'bad code!' })).status).toBe(400);
    expect((await c.post('/sandbox/shift', { click_id: 'cust_1_0', days: 3 })).status).toBe(404);
  });

  it('reset deletes tracked rows but keeps programs and partners', async () => {
    await c.click();
    await c.post('/sandbox/reset', {});
    const state = await c.state();
    expect(state.counts).toEqual({ customers: 0, events: 0, click_events: 0, sales: 0, commissions: 0, refunds: 0 });
    expect(state.partners.length).toBeGreaterThan(2);
  });
});

describe('pages', () => {
  it('the storefront carries the tracker tag pointed at this sandbox, in debug mode', async () => {
    // fetch() cannot set Host; a browser on http://shop.localhost:9999 (loopback) sends it.
    const { contentType, html } = await new Promise<{ contentType: string; html: string }>((resolve, reject) => {
      request(`${c.sandbox.url}/`, { headers: { Host: 'shop.localhost:9999' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d) => (text += d));
        res.on('end', () => resolve({ contentType: String(res.headers['content-type']), html: text }));
      })
        .on('error', reject)
        .end();
    });
    expect(contentType).toBe('text/html; charset=utf-8');
    expect(html).toContain('src="/js/affitor-tracker.js" data-affitor-program-id="1" data-affitor-debug="true"');
    expect(html).toContain('data-affitor-api-base="http://shop.localhost:9999"');
  });

  it('serves both built scripts and their maps from dist/, byte for byte; nothing else under /js/', async () => {
    for (const name of ['affitor-tracker.js', 'affitor-tracker.plus.js', 'affitor-tracker.js.map']) {
      const res = await fetch(`${c.sandbox.url}/js/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.text()).toBe(readFileSync(new URL(`../../dist/${name}`, import.meta.url), 'utf8'));
    }
    expect((await fetch(`${c.sandbox.url}/js/affitor-tracker.js.sri`)).status).toBe(404);
    expect((await fetch(`${c.sandbox.url}/js/..%2fpackage.json`)).status).toBe(404);
  });

  it('the console page and its assets are served; unknown assets are 404', async () => {
    expect(await (await fetch(`${c.sandbox.url}/console`)).text()).toContain('Affitor sandbox console');
    const js = await fetch(`${c.sandbox.url}/assets/console.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${c.sandbox.url}/assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${c.sandbox.url}/assets/..%2fserver.ts`)).status).toBe(404);
  });

  it('the console and shop never assign innerHTML (untrusted data goes through textContent)', async () => {
    for (const asset of ['console.js', 'shop.js']) {
      const source = await (await fetch(`${c.sandbox.url}/assets/${asset}`)).text();
      expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});
