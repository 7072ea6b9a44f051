// Each first-party proxy recipe in front of a real sandbox (in memory): the script and all four
// /api/v1/track/* endpoints come back with exactly the status and body the sandbox gives a direct
// call, and what went through the proxy is what the sandbox stored. Needs dist/ built (the sandbox
// serves dist/affitor-tracker.js).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { affitorProxy } from '../../recipes/express/affitor-proxy.mjs';
import worker from '../../recipes/cloudflare-worker/worker.mjs';
import nextConfig from '../../recipes/nextjs/next.config.mjs';
import { nextRewriteServer } from './next-rewrite-harness';
import { expressStyleMount, listen, type Running } from './servers';

type Send = (path: string, init?: RequestInit) => Promise<Response>;

interface Recipe {
  name: string;
  /** Puts the recipe in front of `upstream` and returns how to call it under /affitor. */
  start(upstream: string): Promise<{ send: Send; stop(): Promise<void> }>;
}

async function viaServer(server: Running): Promise<{ send: Send; stop(): Promise<void> }> {
  return { send: (path, init) => fetch(`${server.origin}/affitor${path}`, init), stop: () => server.close() };
}

const recipes: Recipe[] = [
  {
    name: 'Express/Node proxy, plain node:http',
    start: async (upstream) => viaServer(await listen(affitorProxy({ upstream, basePath: '/affitor' }))),
  },
  {
    name: 'Express/Node proxy, mounted Express-style',
    start: async (upstream) => viaServer(await listen(expressStyleMount('/affitor', affitorProxy({ upstream })))),
  },
  {
    name: 'Cloudflare Worker',
    start: async (upstream) => ({
      send: (path, init) => worker.fetch(new Request(`https://shop.example/affitor${path}`, init), { AFFITOR_API_URL: upstream }),
      stop: async () => undefined,
    }),
  },
  {
    name: 'Next.js rewrites',
    start: async (upstream) => {
      process.env.AFFITOR_API_URL = upstream;
      try {
        return viaServer(await listen(nextRewriteServer(await nextConfig.rewrites())));
      } finally {
        delete process.env.AFFITOR_API_URL;
      }
    },
  },
];

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe.each(recipes)('$name → sandbox', (recipe) => {
  let sandbox: RunningSandbox;
  let send: Send;
  let stop: () => Promise<void>;
  const direct: Send = (path, init) => fetch(`${sandbox.url}${path}`, init);
  const bearer = () => ({ authorization: `Bearer ${sandbox.apiKey}` });

  /** The proxied answer, checked against a direct call with the same request. */
  async function sameAsDirect(path: string, init: RequestInit, expected: { status: number; body?: unknown }) {
    const proxied = await send(path, init);
    const proxiedText = await proxied.text();
    const straight = await direct(path, init);
    expect({ status: proxied.status, text: proxiedText }).toEqual({ status: straight.status, text: await straight.text() });
    expect(proxied.status).toBe(expected.status);
    if (expected.body !== undefined) expect(JSON.parse(proxiedText)).toEqual(expected.body);
    expect(proxied.headers.get('content-type')).toBe(straight.headers.get('content-type'));
    return JSON.parse(proxiedText);
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ db: ':memory:', port: 0 });
    ({ send, stop } = await recipe.start(sandbox.url));
  });
  afterAll(async () => {
    await stop?.();
    await sandbox?.close();
  });

  it('serves the script byte for byte as the sandbox does', async () => {
    const proxied = await send('/js/affitor-tracker.js');
    const straight = await direct('/js/affitor-tracker.js');
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('content-type')).toBe(straight.headers.get('content-type'));
    const body = await proxied.text();
    expect(body.length).toBeGreaterThan(1000);
    expect(body).toBe(await straight.text());
  });

  it('click, lead, sale and refund reach the sandbox, and their answers come back exactly', async () => {
    const session = `s_${recipe.name.replace(/\W+/g, '_')}`;
    const clickBody = {
      affiliate_url: 'https://shop.example/pricing?aff=PARTNER_A',
      page_url: 'https://shop.example/pricing?aff=PARTNER_A',
      session_id: session,
      user_agent: 'Mozilla/5.0 (proxy test)',
    };
    const click = await send('/api/v1/track/click', json(clickBody));
    expect(click.status).toBe(200);
    const clickText = await click.text();
    const clicked = JSON.parse(clickText);
    expect(clicked).toEqual({ success: true, click_id: expect.stringMatching(/^cust_1_\d+$/), partner_code: 'PARTNER_A', cookie_window_days: 60 });
    // The sandbox answers a retried click (same session and URL) with the original response, so a
    // direct retry must be byte-identical to what the proxy handed back.
    expect(await (await direct('/api/v1/track/click', json(clickBody))).text()).toBe(clickText);

    const customerKey = `user_${session}`;
    const leadBody = { click_id: clicked.click_id, customer_key: customerKey, email: 'ada@example.com' };
    const lead = await send('/api/v1/track/lead', json(leadBody));
    expect(lead.status).toBe(200);
    expect(await lead.text()).toBe('{"success":true,"message":"Lead tracked successfully"}');
    await sameAsDirect('/api/v1/track/lead', json(leadBody), {
      status: 400,
      body: { error: 'Customer status cannot be updated to lead. Current status: lead' },
    });
    const state = (await (await direct('/sandbox/state')).json()) as { customers: { click_id: string; status: string; customer_key: string }[] };
    expect(state.customers.find((c) => c.click_id === clicked.click_id)).toMatchObject({ status: 'lead', customer_key: customerKey });

    const transactionId = `txn_${session}`;
    const sale = await send('/api/v1/track/sale', json({ transaction_id: transactionId, amount_cents: 4900, customer_key: customerKey }, bearer()));
    expect(sale.status).toBe(200);
    expect(await sale.json()).toEqual({ success: true, sale_id: expect.any(Number), commission_id: expect.any(Number), message: 'Sale tracked successfully' });
    await sameAsDirect('/api/v1/track/sale', json({ transaction_id: transactionId, amount_cents: 4900, customer_key: customerKey }, bearer()), {
      status: 409,
      body: { error: 'Duplicate transaction_id. This sale has already been recorded.' },
    });

    const refund = await send('/api/v1/track/refund', json({ transaction_id: transactionId }, bearer()));
    expect(refund.status).toBe(200);
    expect(await refund.json()).toMatchObject({ success: true, status: 'reversed', commission_id: expect.any(Number) });
    await sameAsDirect('/api/v1/track/refund', json({ transaction_id: transactionId }, bearer()), {
      status: 200,
      body: { success: true, status: 'skipped', reason: 'already reversed', commission_id: expect.any(Number) },
    });
  });

  it('passes the sandbox’s errors through unchanged', async () => {
    await sameAsDirect('/api/v1/track/click', json({}), { status: 400, body: { error: 'affiliate_url is required' } });
    await sameAsDirect('/api/v1/track/lead', json({}), { status: 400, body: { error: 'click_id or customer_key is required' } });
    await sameAsDirect('/api/v1/track/sale', json({ transaction_id: 'x', amount_cents: 1, customer_key: 'u' }), {
      status: 401,
      body: { error: 'Invalid API token' },
    });
    await sameAsDirect('/api/v1/track/refund', json({ transaction_id: 'txn_never_sold' }, bearer()), {
      status: 404,
      body: { error: 'Sale not found for transaction_id' },
    });
  });

  it('hands a 503 and its Retry-After back, so the tracker retries on the API’s schedule', async () => {
    sandbox.faults.configure({ click: { mode: '503', count: 1 } });
    const response = await send('/api/v1/track/click', json({ affiliate_url: 'https://shop.example/?aff=PARTNER_A' }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: 'Service unavailable (sandbox fault injection)' });
  });
});
