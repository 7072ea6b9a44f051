// What the Express/Node proxy and the Cloudflare Worker send upstream and hand back, seen by a
// real recording HTTP server: headers kept and dropped, the client IP, the closed path list,
// status/body/Retry-After pass-through, and failures turned into retryable answers.
import { afterEach, describe, expect, it } from 'vitest';
import { affitorProxy } from '../../recipes/express/affitor-proxy.mjs';
import worker from '../../recipes/cloudflare-worker/worker.mjs';
import { expressStyleMount, listen, recordingUpstream, type Running } from './servers';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function upstreamRecording(...args: Parameters<typeof recordingUpstream>) {
  const upstream = await recordingUpstream(...args);
  running.push(upstream);
  return upstream;
}

async function front(handler: Parameters<typeof listen>[0]) {
  const server = await listen(handler);
  running.push(server);
  return server;
}

const leadBody = JSON.stringify({ click_id: 'cust_1_1715000000000', customer_key: 'user_7' });
const browserHeaders = {
  'content-type': 'application/json',
  'user-agent': 'Mozilla/5.0 (test)',
  cookie: 'session=secret-session-token; affitor_click_id=cust_1_1715000000000',
};

describe('Express/Node proxy (recipes/express/affitor-proxy.mjs)', () => {
  it('forwards method, body, content-type, user agent and the client IP; never the site cookies', async () => {
    const upstream = await upstreamRecording();
    const site = await front(affitorProxy({ upstream: upstream.origin, basePath: '/affitor' }));
    const response = await fetch(`${site.origin}/affitor/api/v1/track/lead`, {
      method: 'POST',
      headers: { ...browserHeaders, 'x-forwarded-for': '203.0.113.9' },
      body: leadBody,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"ok":true}');
    expect(upstream.received).toHaveLength(1);
    const [sent] = upstream.received;
    expect(sent).toMatchObject({ method: 'POST', url: '/api/v1/track/lead', body: leadBody });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['user-agent']).toBe('Mozilla/5.0 (test)');
    // The incoming chain is kept and this hop's peer (the visitor, here loopback) appended.
    expect(sent.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(sent.headers.cookie).toBeUndefined();
  });

  it('passes a server call’s Authorization through, and the status, body and Retry-After back', async () => {
    const upstream = await upstreamRecording((_, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end('{"error":"Too many requests"}');
    });
    const site = await front(affitorProxy({ upstream: upstream.origin, basePath: '/affitor' }));
    const response = await fetch(`${site.origin}/affitor/api/v1/track/sale`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer affitor_key' },
      body: '{"transaction_id":"t1","amount_cents":100,"customer_key":"u1"}',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"error":"Too many requests"}');
    expect(upstream.received[0].headers.authorization).toBe('Bearer affitor_key');
  });

  it('serves the script with its query string and caching headers', async () => {
    const upstream = await upstreamRecording((_, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' });
      res.end('(function(){})();');
    });
    const site = await front(affitorProxy({ upstream: `${upstream.origin}/`, basePath: '/affitor/' }));
    const response = await fetch(`${site.origin}/affitor/js/affitor-tracker.js?v=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.text()).toBe('(function(){})();');
    expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /js/affitor-tracker.js?v=2']);
  });

  it('serves what the script loads from beside itself: the core and the debug extras', async () => {
    const upstream = await upstreamRecording((_, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end('(function(){})();');
    });
    const site = await front(affitorProxy({ upstream: upstream.origin, basePath: '/affitor' }));
    for (const file of ['affitor-tracker.core.js', 'affitor-tracker.debug.js']) {
      expect((await fetch(`${site.origin}/affitor/js/${file}`)).status).toBe(200);
    }
    expect(upstream.received.map((r) => r.url)).toEqual(['/js/affitor-tracker.core.js', '/js/affitor-tracker.debug.js']);
  });

  it('mounted Express-style, forwards only the script and the four track endpoints and passes the rest on', async () => {
    const upstream = await upstreamRecording();
    const site = await front(expressStyleMount('/affitor', affitorProxy({ upstream: upstream.origin })));
    const forwarded = await fetch(`${site.origin}/affitor/api/v1/track/click`, { method: 'POST', body: '{}' });
    expect(forwarded.status).toBe(200);
    for (const path of ['/affitor/api/v1/cli/programs', '/affitor/api/v1/track/click/extra', '/affitor/js/other.js']) {
      const response = await fetch(`${site.origin}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(`fell through: ${path.slice('/affitor'.length)}`);
    }
    expect(upstream.received.map((r) => r.url)).toEqual(['/api/v1/track/click']);
  });

  it('without next() (plain Node), answers 404 for paths it does not forward', async () => {
    const upstream = await upstreamRecording();
    const site = await front(affitorProxy({ upstream: upstream.origin, basePath: '/affitor' }));
    const response = await fetch(`${site.origin}/affitor/api/v1/cli/programs`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Not found' });
    expect(upstream.received).toEqual([]);
  });

  it('forwards the body a parser such as express.json() already consumed', async () => {
    const upstream = await upstreamRecording();
    const proxy = affitorProxy({ upstream: upstream.origin });
    // What express.json() leaves behind: the stream read to the end, the result on req.body.
    const site = await front(
      expressStyleMount('/affitor', (req, res, next) => {
        void (async () => {
          let raw = '';
          for await (const chunk of req) raw += chunk;
          Object.assign(req, { body: JSON.parse(raw) });
          proxy(req, res, next);
        })();
      }),
    );
    await fetch(`${site.origin}/affitor/api/v1/track/lead`, { method: 'POST', headers: browserHeaders, body: leadBody });
    expect(upstream.received[0].body).toBe(leadBody);
  });

  it('answers 502 when the upstream is unreachable and 504 when it is too slow (both retryable for the tracker)', async () => {
    const closed = await listen(() => undefined);
    await closed.close();
    const unreachable = await front(affitorProxy({ upstream: closed.origin, basePath: '/affitor' }));
    const down = await fetch(`${unreachable.origin}/affitor/api/v1/track/click`, { method: 'POST', body: '{}' });
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ error: 'Affitor proxy: upstream unreachable' });

    const slow = await upstreamRecording((_, res) => setTimeout(() => res.end('{}'), 2_000));
    const impatient = await front(affitorProxy({ upstream: slow.origin, basePath: '/affitor', timeoutMs: 200 }));
    const late = await fetch(`${impatient.origin}/affitor/api/v1/track/click`, { method: 'POST', body: '{}' });
    expect(late.status).toBe(504);
    expect(await late.json()).toEqual({ error: 'Affitor proxy: upstream timed out' });
  });
});

describe('Cloudflare Worker (recipes/cloudflare-worker/worker.mjs)', () => {
  it('forwards method, body, content-type, user agent and CF-Connecting-IP as X-Forwarded-For; never the site cookies', async () => {
    const upstream = await upstreamRecording();
    const request = new Request('https://shop.example/affitor/api/v1/track/lead', {
      method: 'POST',
      headers: { ...browserHeaders, 'cf-connecting-ip': '198.51.100.4' },
      body: leadBody,
    });
    const response = await worker.fetch(request, { AFFITOR_API_URL: `${upstream.origin}/` });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"ok":true}');
    const [sent] = upstream.received;
    expect(sent).toMatchObject({ method: 'POST', url: '/api/v1/track/lead', body: leadBody });
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['user-agent']).toBe('Mozilla/5.0 (test)');
    expect(sent.headers['x-forwarded-for']).toBe('198.51.100.4');
    expect(sent.headers.cookie).toBeUndefined();
  });

  it('passes status, body and Retry-After back, and honours a custom base path', async () => {
    const upstream = await upstreamRecording((_, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end('{"error":"Service unavailable"}');
    });
    const response = await worker.fetch(
      new Request('https://shop.example/_t/api/v1/track/click', { method: 'POST', body: '{}' }),
      { AFFITOR_API_URL: upstream.origin, AFFITOR_BASE_PATH: '/_t' },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.text()).toBe('{"error":"Service unavailable"}');
  });

  it('answers 404 without calling upstream for paths it does not forward, and 502 when upstream is down', async () => {
    const upstream = await upstreamRecording();
    for (const path of ['/affitor/api/v1/cli/programs', '/other/api/v1/track/click', '/affitor/js/other.js']) {
      const response = await worker.fetch(new Request(`https://shop.example${path}`), { AFFITOR_API_URL: upstream.origin });
      expect(response.status).toBe(404);
    }
    expect(upstream.received).toEqual([]);

    const closed = await listen(() => undefined);
    await closed.close();
    const down = await worker.fetch(new Request('https://shop.example/affitor/api/v1/track/click', { method: 'POST', body: '{}' }), {
      AFFITOR_API_URL: closed.origin,
    });
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ error: 'Affitor proxy: upstream unreachable' });
  });
});
