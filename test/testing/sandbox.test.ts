// affitor-tracker/testing's sandbox: real HTTP into startTestSandbox, with our own server client as
// an app's backend would use it; the readers and the assertions' messages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Affitor } from '../../src/server/index.js';
import { AttributionAssertionError, startTestSandbox, type TestSandbox } from '../../src/testing/index.js';

let sandbox: TestSandbox;
let affitor: Affitor;

async function click(partner: string): Promise<string> {
  const res = await fetch(`${sandbox.url}/api/v1/track/click`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ affiliate_url: `http://shop.test/?aff=${partner}` }),
  });
  const body = (await res.json()) as { click_id: string };
  return body.click_id;
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  affitor = new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.url, retries: 0 });
});
afterAll(() => sandbox.stop());
beforeEach(() => sandbox.reset());

describe('startTestSandbox', () => {
  it('starts on a free port with a random key and the two demo partners; two run side by side, each with its own data', async () => {
    await using other = await startTestSandbox({ partners: ['ACME'], apiKey: 'affitor_test_known' });
    expect(other.port).not.toBe(sandbox.port);
    expect(other.apiKey).toBe('affitor_test_known');
    expect(other.partners).toEqual(['ACME']);
    expect(sandbox.partners).toEqual(['PARTNER_A', 'PARTNER_B']);
    expect(sandbox.apiKey).toMatch(/^affitor_test_/);
    await click('PARTNER_A');
    expect(await sandbox.clicks()).toHaveLength(1);
    expect(await other.clicks()).toEqual([]);
  });

  it('reads a whole journey back: click, lead, sale, refund', async () => {
    const clickId = await click('PARTNER_A');
    await affitor.trackLead({ clickId, customerExternalId: 'user_42', email: 'jane@example.com' });
    await affitor.trackSale({ customerExternalId: 'user_42', amount: 4900, invoiceId: 'in_1', currency: 'USD' });
    await affitor.trackRefund({ invoiceId: 'in_1', refundAmountCents: 900 });

    expect(await sandbox.clicks()).toEqual([expect.objectContaining({ clickId, partner: 'PARTNER_A', affiliateUrl: 'http://shop.test/?aff=PARTNER_A' })]);
    expect(await sandbox.leads()).toEqual([expect.objectContaining({ clickId, partner: 'PARTNER_A', customerKey: 'user_42', email: 'j***@example.com', provisional: false })]);
    expect(await sandbox.sales()).toEqual([
      expect.objectContaining({ transactionId: 'in_1', clickId, customerKey: 'user_42', partner: 'PARTNER_A', amountCents: 4900, currency: 'USD', commissionCents: 1960 }),
    ]);
    expect(await sandbox.refunds()).toEqual([expect.objectContaining({ transactionId: 'in_1', refundAmountCents: 900, deductionCents: 360 })]);
    const journey = await sandbox.expectJourney({ partner: 'PARTNER_A', email: 'jane@example.com' });
    expect(journey).toMatchObject({ clickId, partner: 'PARTNER_A', customerKey: 'user_42', status: 'conversion' });
    expect(journey.refunds).toHaveLength(1);
    await sandbox.expectLead({ customerKey: 'user_42', partner: 'PARTNER_A' });
    await sandbox.expectSale({ transactionId: 'in_1', partner: 'PARTNER_A', amountCents: 4900 });
    await sandbox.expectRefund({ transactionId: 'in_1', refundAmountCents: 900 });
    expect((await sandbox.requests()).map((r) => `${r.endpoint} ${r.status}`)).toEqual(['click 200', 'lead 200', 'sale 200', 'refund 200']);
  });

  it('a lead credited to another partner: the message names who got it and the last lead request', async () => {
    const clickId = await click('PARTNER_B');
    await affitor.trackLead({ clickId, customerExternalId: 'user_42' });
    const failure = await sandbox.expectLead({ customerKey: 'user_42', partner: 'PARTNER_A' }, { timeout: 0 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AttributionAssertionError);
    expect((failure as Error).message).toBe(
      `lead for user_42 expected with the click of PARTNER_A; got one with the click of PARTNER_B (${clickId}) — ` +
        `the last lead request was answered 200: lead: ${clickId} click → lead for PARTNER_B, key user_42 (sent {"click_id":"${clickId}","customer_key":"user_42"})`,
    );
  });

  it('no lead at all: says so, with the rejected request the app did send', async () => {
    await affitor.trackLead({ clickId: 'cust_1_404', customerExternalId: 'user_42' });
    await expect(sandbox.expectLead({ customerKey: 'user_42', partner: 'PARTNER_A' }, { timeout: 0 })).rejects.toThrow(
      'lead for user_42 expected with the click of PARTNER_A; got none — the last lead request was answered 400: rejected: no customer for click_id cust_1_404',
    );
    await expect(sandbox.expectSale({ transactionId: 'in_9' }, { timeout: 0 })).rejects.toThrow(
      'sale in_9 expected; got none — no sale request reached the sandbox (it received 0 click requests, 1 lead request, 0 sale requests, 0 refund requests)',
    );
  });

  it('a sale recorded without attribution fails a journey, step by step', async () => {
    const clickId = await click('PARTNER_A');
    await affitor.trackLead({ clickId, customerExternalId: 'user_42' });
    await affitor.trackSale({ customerExternalId: 'user_7', amount: 1000, invoiceId: 'in_2' });
    await expect(sandbox.expectJourney({ partner: 'PARTNER_A', customerKey: 'user_42' }, { timeout: 0 })).rejects.toThrow(
      `journey for user_42 expected: click of PARTNER_A → lead → a sale, all credited to PARTNER_A; got click ✓ (${clickId} from PARTNER_A), lead ✓, sales ✗ (0 sales for this customer) — the last sale request was answered 400`,
    );
  });

  it('waits for a record that arrives after the assertion started, and resolves as it is recorded', async () => {
    // Far beyond the test's own timeout: only the recorded request can settle it in time.
    const waiting = sandbox.expectClick({ partner: 'PARTNER_B' }, { timeout: 600_000 });
    const clickId = await click('PARTNER_B');
    await expect(waiting).resolves.toMatchObject({ clickId, partner: 'PARTNER_B' });
  });

  it('gives up after the timeout with the mismatch, and its stack points at the test', async () => {
    const started = Date.now();
    const failure = (await sandbox.expectClick({ partner: 'PARTNER_A' }, { timeout: 200 }).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(failure.message).toContain('click from PARTNER_A expected; got none — no click request reached the sandbox');
    expect(failure.stack).toContain('sandbox.test.ts');
  });

  it('stop() ends it: the port refuses connections; a second stop() is harmless', async () => {
    const other = await startTestSandbox();
    await other.stop();
    await other.stop();
    await expect(fetch(`${other.url}/api/v1/track/click`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
