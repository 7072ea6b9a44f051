// Clerk in Chromium, on plain http and on a secure origin: the landing's click id travels with the
// sign-up as `unsafeMetadata` (clerkSignUpMetadata from the built dist/clerk.js, on the shop's
// page), comes back in the `user.created` webhook signed by the `svix` package (standing in for
// Clerk's servers), and the webhook endpoint (node:http + handleClerkWebhook) records the lead in
// the real sandbox: one lead, attributed to the landing's partner; a redelivery adds nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { test, expect, BOTH_ORIGINS, type Page } from '../support/fixtures';
import { readyData } from '../support/tracker';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { Affitor } from '../../src/server/index';
import { handleClerkWebhook } from '../../src/clerk/index';
import { CLERK_SECRET, clerkEvent, signClerk } from '../../test/clerk/fixtures';

type Json = Record<string, any>;

/** Your webhook endpoint, as the guide writes it for Node: the raw body, the request's headers. */
async function webhookEndpoint(affitor: Affitor) {
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const outcome = await handleClerkWebhook({ rawBody: Buffer.concat(chunks), headers: req.headers, secret: CLERK_SECRET, affitor });
    res.writeHead(outcome.httpStatus, { 'Content-Type': 'application/json' }).end(JSON.stringify(outcome));
  };
  const server = http.createServer((req, res) => void answer(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Clerk's side: the user it created, posted to the endpoint as `user.created` (svix-signed). */
async function clerkDelivers(url: string, unsafeMetadata: Json, messageId: string) {
  const { rawBody, headers } = signClerk(clerkEvent('user.created', { id: 'user_2clerkE2E', unsafe_metadata: unsafeMetadata }), { id: messageId });
  const answer = await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: rawBody });
  return { status: answer.status, outcome: (await answer.json()) as Json };
}

let sandbox: RunningSandbox;
test.beforeEach(async () => {
  sandbox = await startSandbox({ port: 0, db: ':memory:', allowedHosts: ['api.test'] });
});
test.afterEach(() => sandbox.close());

const state = async (): Promise<Json> => (await fetch(`${sandbox.url}/sandbox/state`)).json();
const metadataOf = (page: Page) => page.evaluate(() => (window as any).clerkSignUpMetadata());

for (const [origin, host] of BOTH_ORIGINS) {
  test(`${origin}: the sign-up carries the landing's click to Clerk; user.created records one lead for PARTNER_B`, async ({ page, shop }) => {
    shop.serve('/clerk.js', { body: readFileSync('dist/clerk.js'), contentType: 'text/javascript' });
    const signUpPage = shop.page('/sign-up', {
      tag: { apiBase: `http://api.test:${sandbox.port}` },
      body: `<script type="module">import { clerkSignUpMetadata } from '/clerk.js'; window.clerkSignUpMetadata = clerkSignUpMetadata;</script>`,
    });
    const at = (url: string) => url.replace('//shop.test:', `//${host}:`);

    await page.goto(at(signUpPage) + '?aff=PARTNER_B');
    const { clickId } = await readyData(page);
    expect(clickId).toMatch(/\S/);
    await page.waitForFunction(() => typeof (window as any).clerkSignUpMetadata === 'function');
    const unsafeMetadata = await metadataOf(page);
    expect(unsafeMetadata).toEqual({ affitor_click_id: clickId });
    // A later page of the same visit, without the partner link: the same click.
    await page.goto(at(signUpPage));
    await page.waitForFunction(() => typeof (window as any).clerkSignUpMetadata === 'function');
    expect(await metadataOf(page)).toEqual({ affitor_click_id: clickId });

    const endpoint = await webhookEndpoint(new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.url, retries: 0 }));
    try {
      const first = await clerkDelivers(endpoint.url, unsafeMetadata, 'msg_2e2e');
      expect(first).toMatchObject({ status: 200, outcome: { duplicate: false, result: { ok: true } } });
      const again = await clerkDelivers(endpoint.url, unsafeMetadata, 'msg_2e2e');
      expect(again).toMatchObject({ status: 200, outcome: { duplicate: true } });
      const forged = signClerk(clerkEvent('user.created', { unsafe_metadata: unsafeMetadata }), { secret: 'whsec_' + Buffer.from('not-clerk').toString('base64') });
      expect((await fetch(endpoint.url, { method: 'POST', headers: forged.headers, body: forged.rawBody })).status).toBe(400);
    } finally {
      await endpoint.close();
    }
    const leads = (await state()).customers.filter((c: Json) => c.lead_at !== null);
    expect(leads.map((c: Json) => [c.click_id, c.partner_code, c.customer_key])).toEqual([[clickId, 'PARTNER_B', 'user_2clerkE2E']]);
  });
}

test('a visitor from no partner signs up with {} and the webhook records nothing', async ({ page, shop }) => {
  shop.serve('/clerk.js', { body: readFileSync('dist/clerk.js'), contentType: 'text/javascript' });
  await page.goto(shop.page('/sign-up', {
    tag: { apiBase: `http://api.test:${sandbox.port}` },
    body: `<script type="module">import { clerkSignUpMetadata } from '/clerk.js'; window.clerkSignUpMetadata = clerkSignUpMetadata;</script>`,
  }));
  await readyData(page);
  await page.waitForFunction(() => typeof (window as any).clerkSignUpMetadata === 'function');
  expect(await metadataOf(page)).toEqual({});
  const endpoint = await webhookEndpoint(new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.url, retries: 0 }));
  try {
    expect(await clerkDelivers(endpoint.url, {}, 'msg_none')).toMatchObject({ status: 200, outcome: { mapped: { action: 'ignore', reason: 'no_attribution_metadata' } } });
  } finally {
    await endpoint.close();
  }
  expect((await state()).events.filter((e: Json) => e.type === 'lead')).toEqual([]);
});
