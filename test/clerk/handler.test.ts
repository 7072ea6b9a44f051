// handleClerkWebhook end to end on the real sandbox, with deliveries signed by `svix`: the lead of
// a Clerk sign-up, its redeliveries, and the failures Clerk must (or must not) redeliver.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleClerkWebhook } from '../../src/clerk/index';
import { providerSandbox, type ProviderSandbox } from '../webhooks/sandbox';
import { CLERK_SECRET, clerkEvent, signClerk } from './fixtures';

let sb: ProviderSandbox;
beforeEach(async () => {
  sb = await providerSandbox();
});
afterEach(() => sb.close());

const signUp = () => clerkEvent('user.created', { unsafe_metadata: { affitor_click_id: sb.clickId } });

function deliver(event: object, id = 'msg_2signup') {
  const { rawBody, headers } = signClerk(event, { id });
  return handleClerkWebhook({ rawBody, headers, secret: CLERK_SECRET, affitor: sb.affitor });
}

describe('user.created → one lead', () => {
  it('records the lead attributed to the landing\'s partner; redeliveries add nothing', async () => {
    const first = await deliver(signUp());
    expect(first).toMatchObject({
      httpStatus: 200,
      duplicate: false,
      mapped: { action: 'lead' },
      sent: { customerExternalId: 'user_2abcUSER', email: 'new.user@example.com', clickId: sb.clickId },
      result: { ok: true },
    });
    for (let i = 0; i < 2; i++) expect(await deliver(signUp())).toMatchObject({ httpStatus: 200, retryable: false, duplicate: true, result: { replayed: true } });
    const leads = await sb.leads();
    expect(leads.map((c) => [c.click_id, c.partner_code, c.customer_key, c.email_masked, c.status])).toEqual([
      [sb.clickId, 'PARTNER_A', 'user_2abcUSER', expect.stringMatching(/^n.*@example\.com$/), 'lead'],
    ]);
    // The redeliveries carry the first delivery's key (from svix-id): answered from its stored answer.
    expect(await sb.calls('lead')).toHaveLength(1);
  });

  it('other events and a sign-up without a click are answered 200 and send nothing', async () => {
    expect(await deliver(clerkEvent('user.created'), 'msg_a')).toMatchObject({ httpStatus: 200, mapped: { action: 'ignore', reason: 'no_attribution_metadata' }, sent: null });
    const updated = clerkEvent('user.updated', { unsafe_metadata: { affitor_click_id: sb.clickId } });
    expect(await deliver(updated, 'msg_b')).toMatchObject({ httpStatus: 200, mapped: { action: 'ignore', reason: 'unhandled_event' }, result: null });
    expect(await sb.calls('lead')).toHaveLength(0);
  });
});

describe('failures', () => {
  it('a bad signature is answered 400 and sends nothing', async () => {
    const { rawBody, headers } = signClerk(signUp(), { secret: 'whsec_' + Buffer.from('someone-else').toString('base64') });
    const out = await handleClerkWebhook({ rawBody, headers, secret: CLERK_SECRET, affitor: sb.affitor });
    expect(out).toMatchObject({ httpStatus: 400, event: null, result: null, error: expect.stringMatching(/No signature matches/) });
    expect(await sb.calls('lead')).toHaveLength(0);
  });

  it('sandbox 503 and a lost answer → 500 (Clerk redelivers); the redelivery records the lead once', async () => {
    await sb.fault('lead', '503');
    expect(await deliver(signUp())).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 503 } });
    await sb.fault('lead', 'drop_after');
    expect(await deliver(signUp())).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 0 } });
    expect(await deliver(signUp())).toMatchObject({ httpStatus: 200, retryable: false, duplicate: true });
    expect(await sb.leads()).toHaveLength(1);
  });

  it('a click id the API does not know is a final answer (200, with the error), not a redelivery', async () => {
    const forged = clerkEvent('user.created', { unsafe_metadata: { affitor_click_id: 'not-a-click' } });
    expect(await deliver(forged)).toMatchObject({ httpStatus: 200, retryable: false, result: { ok: false, status: 400 }, error: expect.stringMatching(/Customer not found/) });
    expect(await sb.leads()).toHaveLength(0);
  });

  it('a throwing client (a wrapper of your own) → 500, so Clerk redelivers', async () => {
    const { rawBody, headers } = signClerk(signUp());
    const out = await handleClerkWebhook({ rawBody, headers, secret: CLERK_SECRET, affitor: { trackLead: () => Promise.reject(new Error('wrapper down')) } });
    expect(out).toMatchObject({ httpStatus: 500, retryable: true, error: 'wrapper down' });
  });
});
