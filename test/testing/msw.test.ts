// affitor-tracker/testing/msw: a real MSW server (msw/node) in front of our own server client, as a
// unit test of an app's sign-up route would use it.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Affitor, clickIdFromRequest } from '../../src/server/index.js';
import { affitorHandlers } from '../../src/testing/msw.js';

const affitor = affitorHandlers({ apiKey: 'affitor_test_unit' });
const server = setupServer(...affitor.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  server.resetHandlers();
  await affitor.reset();
});
afterAll(async () => {
  server.close();
  await affitor.close();
});

/** The app's sign-up route: the user is created, then the lead is sent with the visitor's click id. */
async function signUpRoute(request: Request): Promise<Response> {
  const { userId, email } = (await request.json()) as { userId: string; email: string };
  const client = new Affitor({ apiKey: 'affitor_test_unit' });
  await client.trackLead({ clickId: clickIdFromRequest(request), customerExternalId: userId, email });
  return new Response(null, { status: 201 });
}

describe('affitorHandlers', () => {
  it("answers the production API base: a sign-up route's lead is recorded with the visitor's click", async () => {
    const clickId = await affitor.click('PARTNER_A');
    const request = new Request('https://app.example/signup', {
      method: 'POST',
      headers: { cookie: `affitor_click_id=${clickId}` },
      body: JSON.stringify({ userId: 'user_42', email: 'jane@example.com' }),
    });
    expect((await signUpRoute(request)).status).toBe(201);
    await expect(affitor.expectLead({ customerKey: 'user_42', email: 'jane@example.com', partner: 'PARTNER_A' })).resolves.toMatchObject({ clickId });
    expect(await affitor.leads()).toHaveLength(1);
  });

  it('a route that loses the click id: the assertion says what the lead request was answered', async () => {
    const request = new Request('https://app.example/signup', { method: 'POST', body: JSON.stringify({ userId: 'user_42', email: 'j@example.com' }) });
    await signUpRoute(request);
    await expect(affitor.expectLead({ customerKey: 'user_42', partner: 'PARTNER_A' }, { timeout: 0 })).rejects.toThrow(
      'lead for user_42 expected with the click of PARTNER_A; got none — the last lead request was answered 400: rejected: no customer for customer_key user_42',
    );
  });

  it('answers another API base when told, and refuses a wrong key as Affitor does', async () => {
    const staging = affitorHandlers({ apiBase: 'http://affitor.internal:9000/', apiKey: 'k1' });
    server.use(...staging.handlers);
    const res = await fetch('http://affitor.internal:9000/api/v1/track/sale', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer wrong' },
      body: JSON.stringify({ transaction_id: 't1', amount_cents: 100, customer_key: 'u' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await staging.requests()).map((r) => r.status)).toEqual([401]);
    expect(await affitor.requests()).toEqual([]);
    await staging.close();
  });
});
