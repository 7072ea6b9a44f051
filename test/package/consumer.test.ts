// The package as a user gets it: `npm pack`, a fresh project elsewhere on disk, `npm install` of the
// tarball, then every entry used from that project by a separate Node process (so nothing resolves
// through this repo's src/ or node_modules/). Assumes dist/ is built (`npm test` builds first).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

let work: string;
let app: string;

/** Runs `code` as an ES module inside the consumer project and returns its stdout. */
async function runInApp(name: string, code: string, env: Record<string, string> = {}): Promise<string> {
  writeFileSync(join(app, name), code);
  const { stdout } = await run(process.execPath, [name], { cwd: app, env: { ...process.env, ...env } });
  return stdout;
}

beforeAll(() => {
  for (const built of ['dist/index.js', 'dist/server.js', 'dist/stripe.js', 'dist/paddle.js', 'dist/lemonsqueezy.js', 'dist/polar.js', 'dist/affitor-tracker.js', 'dist/types/index.d.ts']) {
    if (!existsSync(join(repo, built))) throw new Error(`${built} is missing: run \`node build.mjs\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'affitor-consumer-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8' }));
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', join(work, packed.filename), '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: app,
    stdio: 'pipe',
  });
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000); // the installed project holds the command line's dependencies: slow to remove on a busy machine

describe('installed from the packed tarball', () => {
  it("installs the command line's runtime dependencies, and never the optional better-sqlite3 peer", () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((entry) => !entry.startsWith('.'));
    const { dependencies = {} } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const topLevel = Object.keys(dependencies).map((name) => name.split('/')[0]);
    expect(installed).toEqual(expect.arrayContaining(['affitor-tracker', ...topLevel]));
    expect(installed).not.toContain('better-sqlite3');
  });

  it("the library entries load none of the command line's dependencies (only the commands import them)", async () => {
    // A resolve hook logs every module Node loads while the entries are imported.
    const log = join(work, 'resolved.log');
    writeFileSync(log, '');
    writeFileSync(
      join(app, 'log-hooks.mjs'),
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(process.env.RESOLVED_LOG, result.url + '\\n');\n  return result;\n}\n`,
    );
    writeFileSync(join(app, 'log-register.mjs'), `import { register } from 'node:module';\nregister('./log-hooks.mjs', import.meta.url);\n`);
    const entries = Object.keys((JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports).filter(
      // ./react imports react, the app's own (an optional peer): loaded in its own test below.
      // ./testing/msw and ./testing/playwright import msw and @playwright/test, the tests' own
      // (optional peers): run in test/package/testing-consumer.test.ts.
      (entry) => entry !== './package.json' && entry !== './react' && entry !== './testing/msw' && entry !== './testing/playwright' && !entry.endsWith('.js'),
    );
    const imports = entries.map((entry) => `await import('affitor-tracker${entry.slice(1)}');`).join('\n');
    writeFileSync(join(app, 'load-entries.mjs'), imports + '\n');
    await run(process.execPath, ['--import', './log-register.mjs', 'load-entries.mjs'], { cwd: app, env: { ...process.env, RESOLVED_LOG: log } });
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((url) => url.includes('/node_modules/affitor-tracker/dist/server.js'))).toBe(true);
    const foreign = loaded.filter((url) => url.includes('/node_modules/') && !url.includes('/node_modules/affitor-tracker/'));
    expect(foreign).toEqual([]);
  });

  it('affitor-tracker/server sends a real sale to an HTTP server and reads the click id from a Cookie header', async () => {
    const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: unknown }[] = [];
    const api: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(raw) });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ success: true, sale_id: 42, commission_id: 18, message: 'Sale tracked successfully' }));
      });
    });
    await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
    try {
      const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/`;
      const stdout = await runInApp(
        'server-check.mjs',
        `import Affitor, { Affitor as Named, clickIdFromCookieHeader } from 'affitor-tracker/server';
const client = new Affitor({ apiKey: 'affitor_consumer_key', apiUrl: process.env.API_URL });
const result = await client.trackSale({ customerExternalId: 'user_7', amount: 4900, invoiceId: 'cs_test_1', currency: 'USD' });
console.log(JSON.stringify({
  sameClass: Affitor === Named,
  result,
  clickId: clickIdFromCookieHeader('theme=dark; affitor_click_id=cust_1_1715000000000'),
}));
`,
        { API_URL: apiUrl },
      );
      const out = JSON.parse(stdout);
      expect(out.sameClass).toBe(true);
      expect(out.clickId).toBe('cust_1_1715000000000');
      expect(out.result).toMatchObject({
        ok: true,
        status: 200,
        data: { success: true, sale_id: 42, commission_id: 18, message: 'Sale tracked successfully' },
      });
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ method: 'POST', url: '/api/v1/track/sale' });
      expect(received[0].headers.authorization).toBe('Bearer affitor_consumer_key');
      expect(received[0].headers['content-type']).toMatch(/^application\/json/);
      expect(received[0].body).toEqual({ customer_key: 'user_7', amount_cents: 4900, transaction_id: 'cs_test_1', currency: 'USD' });
    } finally {
      api.close();
    }
  });

  it('a CommonJS controller, required and handed to the router by reference, records the lead with clickIdFrom(req)', async () => {
    const received: unknown[] = [];
    const api: Server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        received.push({ url: req.url, body: JSON.parse(raw) });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ success: true, message: 'Lead tracked successfully' }));
      });
    });
    await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
    try {
      mkdirSync(join(app, 'controllers'), { recursive: true });
      writeFileSync(
        join(app, 'controllers/auth.cjs'),
        `const { Affitor, clickIdFrom } = require('affitor-tracker/server');
const affitor = new Affitor({ apiKey: 'affitor_consumer_key', apiUrl: process.env.API_URL });
exports.signup = async (req, res) => {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const user = { id: 'user_cjs', email: JSON.parse(raw).email };
  const lead = await affitor.trackLead({ customerExternalId: user.id, email: user.email, clickId: clickIdFrom(req) });
  res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: user.id, lead: lead.ok }));
};
`,
      );
      const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/`;
      const stdout = await runInApp(
        'router.cjs',
        `const http = require('node:http');
const auth = require('./controllers/auth.cjs');
const server = http.createServer(auth.signup);
server.listen(0, '127.0.0.1', async () => {
  const answer = await fetch('http://127.0.0.1:' + server.address().port + '/signup', {
    method: 'POST', headers: { cookie: 'theme=dark; affitor_click_id=cust_1_1715000000000' }, body: JSON.stringify({ email: 'cjs@example.com' }),
  });
  console.log(JSON.stringify({ status: answer.status, body: await answer.json() }));
  server.close();
});
`,
        { API_URL: apiUrl },
      );
      expect(JSON.parse(stdout)).toEqual({ status: 201, body: { id: 'user_cjs', lead: true } });
      expect(received).toEqual([
        { url: '/api/v1/track/lead', body: { customer_key: 'user_cjs', click_id: 'cust_1_1715000000000', email: 'cjs@example.com' } },
      ]);
    } finally {
      api.close();
    }
  });

  it('affitor-tracker/stripe fills metadata and subscription_data.metadata for a subscription checkout, and maps events', async () => {
    const stdout = await runInApp(
      'stripe-check.mjs',
      `import * as stripe from 'affitor-tracker/stripe';
const params = stripe.withAffitorCheckout(
  { mode: 'subscription', line_items: [{ price: 'price_1', quantity: 1 }], metadata: { order: 'o_1' } },
  { clickId: 'cust_1_1715000000000', customerKey: 'user_7', programId: 12 },
);
console.log(JSON.stringify({
  params,
  ignored: stripe.mapStripeEvent({ id: 'evt_1', type: 'customer.created', data: { object: { id: 'cus_1' } } }),
}));
`,
    );
    const out = JSON.parse(stdout);
    expect(out.ignored).toEqual({ action: 'ignore', reason: 'unhandled_event' });
    expect(out.params).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_1', quantity: 1 }],
      metadata: { order: 'o_1', affitor_click_id: 'cust_1_1715000000000', affitor_customer_key: 'user_7', program_id: '12' },
      subscription_data: {
        metadata: { affitor_click_id: 'cust_1_1715000000000', affitor_customer_key: 'user_7', program_id: '12' },
      },
    });
  });

  it('affitor-tracker/paddle verifies a signed notification with WebCrypto and maps it to a sale', async () => {
    const stdout = await runInApp(
      'paddle-check.mjs',
      `import { createHmac } from 'node:crypto';
import * as paddle from 'affitor-tracker/paddle';
const secret = 'pdl_ntfset_consumer';
const rawBody = JSON.stringify({
  event_id: 'evt_1', event_type: 'transaction.completed',
  data: { id: 'txn_1', status: 'completed', origin: 'web', custom_data: paddle.affitorCustomData({ clickId: 'cust_1_1715000000000' }),
    details: { totals: { grand_total: '4900', currency_code: 'EUR' } } },
});
const ts = Math.floor(Date.now() / 1000);
const signature = 'ts=' + ts + ';h1=' + createHmac('sha256', secret).update(ts + ':' + rawBody).digest('hex');
const event = await paddle.verifyPaddleWebhook(rawBody, signature, secret);
const bad = await paddle.verifyPaddleWebhook(rawBody, signature, 'wrong').catch((e) => e instanceof paddle.WebhookSignatureError);
console.log(JSON.stringify({ mapped: paddle.mapPaddleEvent(event), bad }));
`,
    );
    expect(JSON.parse(stdout)).toEqual({
      mapped: {
        action: 'sale',
        input: { clickId: 'cust_1_1715000000000', amount: 4900, currency: 'EUR', invoiceId: 'txn_1', saleType: 'payment' },
        idempotencyKey: 'paddle:evt_1',
      },
      bad: true,
    });
  });

  it('affitor-tracker/lemonsqueezy verifies X-Signature with WebCrypto and maps a renewal', async () => {
    const stdout = await runInApp(
      'lemonsqueezy-check.mjs',
      `import { createHmac } from 'node:crypto';
import * as ls from 'affitor-tracker/lemonsqueezy';
const rawBody = JSON.stringify({
  meta: { event_name: 'subscription_payment_success', custom_data: { affitor_customer_key: 'user_7' } },
  data: { type: 'subscription-invoices', id: '55', attributes: { subscription_id: 9, billing_reason: 'renewal', status: 'paid', currency: 'USD', total: 2900 } },
});
const event = await ls.verifyLemonSqueezyWebhook(rawBody, createHmac('sha256', 'secret').update(rawBody).digest('hex'), 'secret');
console.log(JSON.stringify(ls.mapLemonSqueezyEvent(event)));
`,
    );
    expect(JSON.parse(stdout)).toEqual({
      action: 'sale',
      input: { customerExternalId: 'user_7', amount: 2900, currency: 'USD', invoiceId: 'subscription_invoice_55', isRecurring: true, saleType: 'subscription', subscriptionId: '9' },
      idempotencyKey: 'lemonsqueezy:subscription_payment_success:55',
    });
  });

  it('affitor-tracker/polar verifies Standard Webhooks signatures with WebCrypto and maps a refund', async () => {
    const stdout = await runInApp(
      'polar-check.mjs',
      `import { createHmac } from 'node:crypto';
import * as polar from 'affitor-tracker/polar';
const rawBody = JSON.stringify({ type: 'refund.created', data: { id: 'r_1', status: 'succeeded', amount: 1000, tax_amount: 200, order_id: 'o_1' } });
const id = 'msg_1';
const ts = String(Math.floor(Date.now() / 1000));
const signature = 'v1,' + createHmac('sha256', 'polar_whs_1').update(id + '.' + ts + '.' + rawBody).digest('base64');
const event = await polar.verifyPolarWebhook(rawBody, { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature }, 'polar_whs_1');
console.log(JSON.stringify(polar.mapPolarEvent(event)));
`,
    );
    expect(JSON.parse(stdout)).toEqual({ action: 'refund', input: { invoiceId: 'o_1', refundAmountCents: 1200 }, idempotencyKey: 'polar:refund:r_1' });
  });

  it('importing affitor-tracker in Node is SSR-safe: no throw, init() and loadAffitor() give null', async () => {
    const stdout = await runInApp(
      'ssr-check.mjs',
      `import * as affitor from 'affitor-tracker';
console.log(JSON.stringify({
  exports: Object.keys(affitor).sort(),
  init: affitor.init({ programId: 12 }),
  loaded: await affitor.loadAffitor(12),
  clickId: affitor.getClickId(),
  clickIds: affitor.getClickIds(),
  tracker: affitor.getTracker(),
  signup: await affitor.signup('user_7', 'a@example.com'),
}));
`,
    );
    const out = JSON.parse(stdout);
    expect(out.exports).toEqual(
      expect.arrayContaining(['AffitorTracker', 'getClickId', 'getClickIds', 'getData', 'getTracker', 'init', 'loadAffitor', 'signup', 'trackClick']),
    );
    expect(out).toMatchObject({ init: null, loaded: null, clickId: null, clickIds: [], tracker: null });
    expect(out.signup).toBeUndefined();
  });

  it('serves the script file as affitor-tracker/affitor-tracker.js, byte for byte the build', async () => {
    const stdout = await runInApp(
      'script-check.mjs',
      `import { fileURLToPath } from 'node:url';
console.log(fileURLToPath(import.meta.resolve('affitor-tracker/affitor-tracker.js')));
`,
    );
    const resolved = stdout.trim();
    expect(resolved.startsWith(join(app, 'node_modules/affitor-tracker/'))).toBe(true);
    expect(readFileSync(resolved)).toEqual(readFileSync(join(repo, 'dist/affitor-tracker.js')));
  });

  it('bundlers drop an unused library import (sideEffects) but keep an imported script file', async () => {
    // esbuild resolves from the consumer project, as a user's bundler would.
    const bundle = async (contents: string) => {
      const result = await build({
        stdin: { contents, resolveDir: app },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        logLevel: 'silent',
      });
      return result.outputFiles[0].text;
    };
    expect(await bundle(`import 'affitor-tracker'; import 'affitor-tracker/server'; import 'affitor-tracker/stripe'; import 'affitor-tracker/paddle'; import 'affitor-tracker/lemonsqueezy'; import 'affitor-tracker/polar';`)).toBe('');
    const script = readFileSync(join(app, 'node_modules/affitor-tracker/dist/affitor-tracker.js'), 'utf8');
    expect((await bundle(`import 'affitor-tracker/affitor-tracker.js';`)).length).toBeGreaterThan(script.length / 2);
  });

  it('`npx affitor-tracker --help` prints usage without better-sqlite3 installed', async () => {
    expect(existsSync(join(app, 'node_modules/better-sqlite3'))).toBe(false);
    const { stdout } = await run('npx', ['--no', '--', 'affitor-tracker', '--help'], { cwd: app });
    expect(stdout).toMatch(/usage/i);
    expect(stdout).toContain('sandbox');
  });

  it('`npx affitor-tracker init --dry-run` edits server code with the bundled recast: the lead goes in, untouched lines stay', async () => {
    const project = join(work, 'init-project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'init-project', private: true, type: 'module', dependencies: { express: '^5.0.0' } }));
    const server = "import express from 'express';\nconst app = express();\napp.post('/api/signup', async (req, res) => {\n  const user = { id: 7, email: req.body.email };\n  res.json(user);\n});\napp.listen(3000);\n";
    writeFileSync(join(project, 'server.js'), server);
    const { stdout } = await run('npx', ['--no', '--', 'affitor-tracker', 'init', project, '--dry-run', '--no-install'], { cwd: app });
    expect(stdout).toContain('+import { Affitor, clickIdFromRequest } from \'affitor-tracker/server\';');
    expect(stdout).toMatch(/\+ {2}const affitorLead = await affitor\(\)\?\.trackLead\(\{ customerExternalId: String\(user\.id\), email: user\.email/);
    expect(stdout).toContain(' app.listen(3000);');
    expect(readFileSync(join(project, 'server.js'), 'utf8')).toBe(server); // a dry run writes nothing
  });

  describe('affitor-tracker/react, in a project that has its own react (an optional peer)', () => {
    beforeAll(() => {
      // The project's react, react-dom and React types: linked from this repo's node_modules,
      // as an app would have them installed (no download at test time).
      for (const name of ['react', 'react-dom', '@types/react', 'csstype']) {
        mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
        symlinkSync(join(repo, 'node_modules', name), join(app, 'node_modules', name));
      }
    });

    it('server-renders the provider around its children in Node, through the package exports', async () => {
      const stdout = await runInApp(
        'react-ssr-check.mjs',
        `import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { fileURLToPath } from 'node:url';
import { AffitorProvider, useAffitor } from 'affitor-tracker/react';
import { signup } from 'affitor-tracker';
function Child() {
  const { data, signup: hookSignup } = useAffitor();
  return createElement('p', null, JSON.stringify({ data, sameSignup: hookSignup === signup }));
}
console.log(JSON.stringify({
  html: renderToString(createElement(AffitorProvider, { programId: 12 }, createElement(Child))),
  resolved: fileURLToPath(import.meta.resolve('affitor-tracker/react')),
}));
`,
      );
      const out = JSON.parse(stdout);
      expect(out.html).toBe('<p>{&quot;data&quot;:null,&quot;sameSignup&quot;:true}</p>');
      expect(out.resolved).toBe(join(app, 'node_modules/affitor-tracker/dist/react.js'));
    });
  });

  describe('types resolve from the installed package, and are real (a wrong call is an error)', () => {
    // Uses every entry the way the README does; each @ts-expect-error fails the build if the types
    // were `any` (TS2578: unused directive), so this proves the declarations are checked.
    const usage = `import { init, signup, getClickId, loadAffitor, type AffitorInitOptions } from 'affitor-tracker';
import { Affitor, clickIdFromCookieHeader } from 'affitor-tracker/server';
import { withAffitorCheckout } from 'affitor-tracker/stripe';
import { affitorCustomData, handlePaddleWebhook } from 'affitor-tracker/paddle';
import { handleLemonSqueezyWebhook, lemonSqueezyCheckoutUrl } from 'affitor-tracker/lemonsqueezy';
import { handlePolarWebhook, type PolarEventLike } from 'affitor-tracker/polar';
import { createElement } from 'react';
import { AffitorProvider, useAffitor, type AffitorContextValue } from 'affitor-tracker/react';
import { affitorCreateUser } from 'affitor-tracker/next-auth';
import { clerkSignUpMetadata, handleClerkWebhook } from 'affitor-tracker/clerk';
import { trackSupabaseSignups, type SupabaseClientLike } from 'affitor-tracker/supabase';

const options: AffitorInitOptions = { programId: 12, apiBase: '/affitor' };
init(options);
const clickId: string | null = getClickId();
export const signedUp: Promise<void> = signup('user_7', 'a@example.com');
export const loaded = loadAffitor(12, { apiBase: '/affitor' });

const client = new Affitor({ apiKey: 'affitor_key' });
export const sale = client.trackSale({ customerExternalId: 'user_7', clickId: clickId ?? undefined, amount: 4900, invoiceId: 'cs_1' });
export const fromHeader: string | null = clickIdFromCookieHeader('affitor_click_id=cust_1_2');
export const params = withAffitorCheckout({ mode: 'payment' }, { clickId, customerKey: 'user_7', programId: 12 });

export const paddleOutcome = handlePaddleWebhook({ rawBody: '{}', headers: { 'paddle-signature': 'ts=1;h1=00' }, secret: 'pdl_ntfset_1', affitor: client });
export const customData: Record<string, string> = affitorCustomData({ clickId, customerKey: 'user_7' });
export const lsOutcome = handleLemonSqueezyWebhook({ rawBody: new Uint8Array(), headers: new Headers(), secret: 's', affitor: client, programId: 12 });
export const lsUrl: string = lemonSqueezyCheckoutUrl('https://shop.lemonsqueezy.com/buy/1', { clickId });
export const polarOutcome: Promise<{ event: PolarEventLike | null; httpStatus: 200 | 400 | 500 }> = handlePolarWebhook({ rawBody: '{}', headers: {}, secret: 'polar_whs_1', affitor: client });
// @ts-expect-error the handler needs the request's headers, not a signature string
handlePaddleWebhook({ rawBody: '{}', signature: 'ts=1;h1=00', secret: 'pdl_ntfset_1', affitor: client });
export const provider = createElement(AffitorProvider, { programId: 12, apiBase: '/affitor', debug: true, cookieDomain: '.example.com' });
export function useAttribution(): string | null {
  const value: AffitorContextValue = useAffitor();
  return value.data?.clickId ?? value.getClickId();
}
export const createUser: (message: { user: { id?: string | null; email?: string | null } }) => Promise<void> = affitorCreateUser({ affitor: client, clickFrom: () => new Headers() });
export const unsafeMetadata: { affitor_click_id?: string } = clerkSignUpMetadata();
export const clerkOutcome = handleClerkWebhook({ rawBody: '{}', headers: {}, secret: 'whsec_c2VjcmV0', affitor: client });
declare const supabase: SupabaseClientLike;
export const stopTracking: () => void = trackSupabaseSignups(supabase);
// @ts-expect-error clickFrom is a function returning the click's source (\`cookies\`, not \`cookies()\`)
affitorCreateUser({ affitor: client, clickFrom: new Headers() });
// @ts-expect-error the provider has no 'program' prop (it is programId)
createElement(AffitorProvider, { program: 12 });
// @ts-expect-error amount is a number of cents, not a string
client.trackSale({ customerExternalId: 'user_7', amount: '49.00', invoiceId: 'cs_2' });
// @ts-expect-error signup needs a customer key
signup();
// @ts-expect-error apiKey is required
new Affitor({});
// @ts-expect-error Checkout has no 'subscriptions' mode (a typo would lose every renewal's metadata)
withAffitorCheckout({ mode: 'subscriptions' }, { customerKey: 'user_7' });
`;
    const compilerOptions = {
      strict: true,
      noEmit: true,
      // Check the shipped .d.ts files too, not only their use (TypeScript's own lib files excepted).
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      // No @types/node: the declarations must stand alone for browser and edge projects too.
      types: [],
    };

    beforeAll(() => {
      mkdirSync(join(app, 'src'), { recursive: true });
      writeFileSync(join(app, 'src/usage.ts'), usage);
    });

    for (const [label, moduleOptions] of [
      ['bundler', { module: 'ESNext', moduleResolution: 'Bundler' }],
      ['node16', { module: 'Node16', moduleResolution: 'Node16' }],
    ] as const) {
      it(`moduleResolution ${label}`, async () => {
        const config = `tsconfig.${label}.json`;
        writeFileSync(join(app, config), JSON.stringify({ compilerOptions: { ...compilerOptions, ...moduleOptions }, include: ['src'] }));
        const { exitCode, output } = await run(process.execPath, [tsc, '-p', config], { cwd: app }).then(
          ({ stdout, stderr }) => ({ exitCode: 0, output: stdout + stderr }),
          (error) => ({ exitCode: error.code, output: `${error.stdout}${error.stderr}` }),
        );
        expect(output).toBe('');
        expect(exitCode).toBe(0);
      }, 60_000);
    }
  });

  describe('affitor-tracker/better-auth, in a project with its own better-auth (an optional peer)', () => {
    beforeAll(() => {
      // The project's better-auth, linked from this repo's node_modules like react above.
      symlinkSync(join(repo, 'node_modules/better-auth'), join(app, 'node_modules/better-auth'));
    });

    it("the plugin from the package records a sign-up's lead, with the click of its request, and nothing for a sign-in", async () => {
      const received: { url?: string; headers: IncomingMessage['headers']; body: unknown }[] = [];
      const api: Server = createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk) => (raw += chunk));
        req.on('end', () => {
          received.push({ url: req.url, headers: req.headers, body: JSON.parse(raw) });
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ success: true, message: 'Lead tracked successfully' }));
        });
      });
      await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
      try {
        const stdout = await runInApp(
          'better-auth-check.mjs',
          `import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { Affitor } from 'affitor-tracker/server';
import { affitor } from 'affitor-tracker/better-auth';
const auth = betterAuth({
  baseURL: 'http://localhost:3000',
  secret: 'a-test-secret-that-is-long-enough-for-better-auth-0123456789',
  database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
  emailAndPassword: { enabled: true },
  plugins: [affitor({ affitor: () => new Affitor({ apiKey: 'affitor_consumer_key', apiUrl: process.env.API_URL, retries: 0 }) })],
});
const headers = new Headers({ cookie: 'affitor_click_id=cust_1_1715000000000', origin: 'http://localhost:3000' });
const credentials = { email: 'ann@example.com', password: 'correct horse battery' };
const { user } = await auth.api.signUpEmail({ body: { ...credentials, name: 'Ann' }, headers });
await auth.api.signInEmail({ body: credentials, headers });
console.log(JSON.stringify({ userId: user.id }));
`,
          { API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/` },
        );
        const { userId } = JSON.parse(stdout) as { userId: string };
        expect(received.map((r) => [r.url, r.headers['idempotency-key'], r.body])).toEqual([
          ['/api/v1/track/lead', `better-auth-lead-${userId}`, expect.objectContaining({ customer_key: userId, email: 'ann@example.com', click_id: 'cust_1_1715000000000' })],
        ]);
      } finally {
        api.close();
      }
    });

    it('its declarations check against better-auth\'s own', async () => {
      // better-auth's declarations need Node's and Bun's types (skipLibCheck); the plugin's use in
      // betterAuth's options is what is checked.
      mkdirSync(join(app, 'auth'), { recursive: true });
      writeFileSync(
        join(app, 'auth/auth.ts'),
        `import { betterAuth } from 'better-auth';
import { Affitor } from 'affitor-tracker/server';
import { affitor } from 'affitor-tracker/better-auth';

export const auth = betterAuth({
  plugins: [affitor({ affitor: () => new Affitor({ apiKey: 'affitor_key' }), onError: (error, account) => console.warn(error.message, account.customerKey) })],
});
// @ts-expect-error the plugin takes the client as an option ({ affitor }), not the client itself
affitor(new Affitor({ apiKey: 'affitor_key' }));
`,
      );
      const compilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], module: 'Node16', moduleResolution: 'Node16' };
      writeFileSync(join(app, 'tsconfig.better-auth.json'), JSON.stringify({ compilerOptions, include: ['auth'] }));
      const { exitCode, output } = await run(process.execPath, [tsc, '-p', 'tsconfig.better-auth.json'], { cwd: app }).then(
        ({ stdout, stderr }) => ({ exitCode: 0, output: stdout + stderr }),
        (error) => ({ exitCode: error.code, output: `${error.stdout}${error.stderr}` }),
      );
      expect(output).toBe('');
      expect(exitCode).toBe(0);
    }, 60_000);
  });
});
