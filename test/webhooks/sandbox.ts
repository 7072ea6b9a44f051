// The real sandbox for the provider handler tests: one program (40% commission), one partner, and
// a click whose id the checkouts carry, so sales and refunds are recorded and reversed for real.
import { expect } from 'vitest';
import { Affitor } from '../../src/server/index';
import type { WebhookOutcome } from '../../src/webhooks/handler';
import { sandboxClient, type Client, type Json } from '../sandbox/helpers';

export interface ProviderSandbox {
  client: Client;
  affitor: Affitor;
  /** The sandbox program's API key, for clients a test makes itself. */
  affitorKey: string;
  clickId: string;
  /** The sandbox's sales, oldest first. */
  sales(): Promise<Json[]>;
  /** The sandbox's refunds, oldest first. */
  refunds(): Promise<Json[]>;
  /** The sandbox's customers that became leads, oldest first. */
  leads(): Promise<Json[]>;
  /** Requests that reached the sandbox's tracking endpoint, oldest first. */
  calls(endpoint: 'lead' | 'sale' | 'refund'): Promise<Json[]>;
  /**
   * Every request to `endpoint` the sandbox answered, oldest first, as its console lists them:
   * `calls` leaves out a repeat under an idempotency key, answered from the first answer without
   * applying anything, and this shows it (a lead sent again at each sign-in).
   */
  requests(endpoint: 'lead' | 'sale' | 'refund'): Promise<Json[]>;
  /** Makes the next `count` requests to `endpoint` fail with `mode`. */
  fault(endpoint: 'lead' | 'sale' | 'refund', mode: '503' | 'drop' | 'drop_after', count?: number): Promise<void>;
  close(): Promise<void>;
}

export async function providerSandbox(): Promise<ProviderSandbox> {
  const client = await sandboxClient();
  await client.post('/sandbox/program', { commission_type: 'percentage', commission_rate: 40 });
  await client.post('/sandbox/partners', { code: 'PARTNER_A', status: 'active' });
  const clickId = await client.click('PARTNER_A');
  const affitor = new Affitor({ apiKey: client.sandbox.apiKey, apiUrl: client.sandbox.url, retries: 0 });
  const state = () => client.state();
  return {
    client,
    affitor,
    affitorKey: client.sandbox.apiKey,
    clickId,
    sales: async () => [...(await state()).sales].reverse(),
    refunds: async () => [...(await state()).refunds].reverse(),
    leads: async () => [...(await state()).customers].reverse().filter((c: Json) => c.lead_at !== null),
    calls: async (endpoint) => [...(await state()).events].reverse().filter((e: Json) => e.type === endpoint),
    requests: async (endpoint) => (await state()).feed.filter((item: Json) => item.kind === 'activity' && item.type === endpoint),
    async fault(endpoint, mode, count = 1) {
      const r = await client.post('/sandbox/faults', { [endpoint]: { mode, count } });
      if (r.status !== 200) throw new Error(`fault not set: ${JSON.stringify(r.body)}`);
    },
    close: () => client.sandbox.close(),
  };
}

/** One delivery of a provider event to its handler. */
export type Deliver<Event> = (event: Event) => Promise<WebhookOutcome<unknown>>;

/**
 * A sale event the sandbox first refuses (503), then records but whose answer is lost: both
 * deliveries ask the provider for a redelivery (500), and the redelivery that follows is answered as
 * the duplicate it is, so the sale is recorded once.
 */
export async function expectSaleRecordedOnceThroughFailures<Event>(sb: ProviderSandbox, deliver: Deliver<Event>, event: Event): Promise<void> {
  await sb.fault('sale', '503');
  expect(await deliver(event)).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 503 } });
  await sb.fault('sale', 'drop_after');
  expect(await deliver(event)).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 0 } });
  expect(await deliver(event)).toMatchObject({ httpStatus: 200, retryable: false, duplicate: true });
  expect(await sb.sales()).toHaveLength(1);
}

/**
 * A partial refund recorded but its answer lost may have been applied: it is not handed back for
 * redelivery (which could apply it twice), and a redelivery the provider makes anyway is answered
 * from the first attempt (same key), so the refund is deducted once.
 */
export async function expectPartialRefundAppliedOnce<Event>(sb: ProviderSandbox, deliver: Deliver<Event>, refund: Event, amountCents: number): Promise<void> {
  await sb.fault('refund', 'drop_after');
  expect(await deliver(refund)).toMatchObject({ httpStatus: 200, retryable: false, outcomeUnknown: true, result: { outcomeUnknown: true } });
  expect(await deliver(refund)).toMatchObject({ httpStatus: 200, result: { ok: true } });
  expect((await sb.refunds()).map((r) => r.refund_amount_cents)).toEqual([amountCents]);
}
