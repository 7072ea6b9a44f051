// The real sandbox for the provider handler tests: one program (40% commission), one partner, and
// a click whose id the checkouts carry, so sales and refunds are recorded and reversed for real.
import { Affitor } from '../../src/server/index';
import { sandboxClient, type Client, type Json } from '../sandbox/helpers';

export interface ProviderSandbox {
  client: Client;
  affitor: Affitor;
  clickId: string;
  /** The sandbox's sales, oldest first. */
  sales(): Promise<Json[]>;
  /** The sandbox's refunds, oldest first. */
  refunds(): Promise<Json[]>;
  /** Requests that reached the sandbox's tracking endpoint, oldest first. */
  calls(endpoint: 'sale' | 'refund'): Promise<Json[]>;
  /** Makes the next `count` requests to `endpoint` fail with `mode`. */
  fault(endpoint: 'sale' | 'refund', mode: '503' | 'drop' | 'drop_after', count?: number): Promise<void>;
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
    clickId,
    sales: async () => [...(await state()).sales].reverse(),
    refunds: async () => [...(await state()).refunds].reverse(),
    calls: async (endpoint) => [...(await state()).events].reverse().filter((e: Json) => e.type === endpoint),
    async fault(endpoint, mode, count = 1) {
      const r = await client.post('/sandbox/faults', { [endpoint]: { mode, count } });
      if (r.status !== 200) throw new Error(`fault not set: ${JSON.stringify(r.body)}`);
    },
    close: () => client.sandbox.close(),
  };
}
