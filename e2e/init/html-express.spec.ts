// `init` end to end on the plain HTML site + Express server fixture: init edits a copy of it for
// the real sandbox, the edited server runs as its own process, and Chromium walks the journey —
// landing with ?aff= → signup → Stripe Checkout → webhook — which the sandbox must show as one
// attributed journey. Stripe's API is a local test double (the SDK's own host option), so the
// Checkout params the edited code sends are the ones the webhook event carries back.
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { run } from '../../src/cli/init';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { copyFixture, remove } from '../../test/cli/init/fixture';

const WEBHOOK_SECRET = 'whsec_init_e2e';

interface FakeStripe {
  url: string;
  /** Checkout Session create-params as the SDK sent them (form-encoded), one per session. */
  sessions: URLSearchParams[];
  close(): Promise<void>;
}

/** Answers `POST /v1/checkout/sessions` like Stripe: a session whose url is the success_url. */
async function startFakeStripe(): Promise<FakeStripe> {
  const sessions: URLSearchParams[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not faked"}}');
      return;
    }
    const params = new URLSearchParams(body);
    sessions.push(params);
    const session = { id: `cs_test_${sessions.length}`, object: 'checkout.session', url: params.get('success_url'), mode: params.get('mode') };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session));
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sessions, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Starts the edited fixture server the way its package.json does (`node --env-file=.env server.js`). */
async function startShop(dir: string, stripeUrl: string): Promise<{ port: number; process: ChildProcess; log: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', STRIPE_API_URL: stripeUrl, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET };
  for (const key of Object.keys(env)) if (key.startsWith('AFFITOR_')) delete env[key]; // only what init wrote to .env
  const child = spawn(process.execPath, ['--env-file=.env', 'server.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /Acme Notes on http:\/\/localhost:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the fixture server exited (${code}):\n${output}`)));
  });
  return { port, process: child, log: () => output };
}

interface Fixtures {
  sandbox: RunningSandbox;
  stripe: FakeStripe;
  project: string;
  shopPort: number;
}

const test = base.extend<Fixtures>({
  sandbox: async ({}, use) => {
    const sandbox = await startSandbox({ port: 0, db: ':memory:' });
    await use(sandbox);
    await sandbox.close();
  },
  stripe: async ({}, use) => {
    const stripe = await startFakeStripe();
    await use(stripe);
    await stripe.close();
  },
  project: async ({ sandbox }, use) => {
    const dir = copyFixture('html-express');
    expect(await run([dir, '--yes', '--json', '--no-install', '--api', sandbox.url, '--program-id', String(sandbox.programId)])).toBe(0);
    await use(dir);
    remove(dir);
  },
  shopPort: async ({ project, stripe }, use) => {
    const shop = await startShop(project, stripe.url);
    await use(shop.port);
    shop.process.kill();
  },
});

test.describe.configure({ timeout: 60_000 });

type Row = Record<string, unknown>;
const state = async (sandbox: RunningSandbox): Promise<{ customers: Row[]; sales: Row[] }> =>
  (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as { customers: Row[]; sales: Row[] };

// The page on a plain-http origin, and on a secure one (*.localhost), as browsers treat them differently.
for (const host of ['shop.test', 'shop.localhost']) {
  test(`landing → signup → checkout → webhook is one attributed journey (${host})`, async ({ page, sandbox, stripe, shopPort }) => {
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    const shop = `http://${host}:${shopPort}`;

    await page.goto(`${shop}/?aff=PARTNER_A`);
    await page.waitForFunction(() => document.cookie.includes('affitor_click_id='));
    const clickId = await page.evaluate(() => (window as unknown as { affitor: { getClickId(): string } }).affitor.getClickId());

    await page.fill('#email', 'reader@example.com');
    await page.click('button[type=submit]');
    await expect(page.locator('#status')).toHaveText(/^Welcome, user_/);
    const userId = (await page.locator('#status').textContent())!.replace('Welcome, ', '');

    await page.goto(`${shop}/pricing.html`);
    await Promise.all([page.waitForURL(`${shop}/thanks.html`), page.click('text=Buy Pro')]);
    expect(stripe.sessions).toHaveLength(1);
    const params = stripe.sessions[0];
    expect(params.get('metadata[affitor_click_id]')).toBe(clickId);
    expect(params.get('metadata[program_id]')).toBe(String(sandbox.programId));

    // What Stripe would send after the payment: the session with the metadata it was created with.
    const event = {
      id: `evt_${host}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_test_1',
          object: 'checkout.session',
          mode: params.get('mode'),
          payment_status: 'paid',
          amount_total: 2900,
          currency: 'usd',
          payment_intent: `pi_${host.replace('.', '_')}`,
          client_reference_id: null,
          metadata: { affitor_click_id: params.get('metadata[affitor_click_id]'), program_id: params.get('metadata[program_id]') },
        },
      },
    };
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const webhook = await fetch(`http://127.0.0.1:${shopPort}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    expect(webhook.status).toBe(200);

    await expect
      .poll(async () => {
        const { customers } = await state(sandbox);
        return customers
          .filter((c) => c.click_id === clickId)
          .map((c) => ({ partner: c.partner_code, customerKey: c.customer_key, lead: c.lead_at !== null, sales: c.sales_count, revenue: c.revenue_cents }));
      })
      .toEqual([{ partner: 'PARTNER_A', customerKey: userId, lead: true, sales: 1, revenue: 2900 }]);
    const { sales } = await state(sandbox);
    expect(sales.filter((s) => s.partner_code === 'PARTNER_A')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
}
