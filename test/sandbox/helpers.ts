// Real-HTTP helpers for the sandbox tests: each test file starts its own in-process sandbox on port 0.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/server';

export type Json = Record<string, any>;

export interface Client {
  sandbox: RunningSandbox;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Json; headers: Headers }>;
  get(path: string): Promise<Json>;
  auth(): Record<string, string>;
  click(partner?: string, extra?: Json): Promise<string>;
  state(): Promise<Json>;
}

export async function sandboxClient(options: SandboxOptions = {}): Promise<Client> {
  const sandbox = await startSandbox({ port: 0, db: ':memory:', ...options });
  const client: Client = {
    sandbox,
    async post(path, body, headers = {}) {
      const res = await fetch(sandbox.url + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async get(path) {
      const res = await fetch(sandbox.url + path);
      return (await res.json()) as Json;
    },
    auth: () => ({ Authorization: `Bearer ${sandbox.apiKey}` }),
    async click(partner = 'PARTNER_A', extra = {}) {
      const r = await client.post('/api/v1/track/click', { affiliate_url: `http://shop.test/landing?aff=${partner}`, ...extra });
      if (r.status !== 200 || typeof r.body.click_id !== 'string') throw new Error(`click failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.click_id as string;
    },
    state: () => client.get('/sandbox/state?limit=10000'),
  };
  return client;
}

/**
 * One sandbox for the whole test file, reset before each test and then given `setup` (the program
 * and partners the file's tests assume). The returned client is filled in before the first test runs.
 */
export function sandboxForEachTest(setup?: (c: Client) => Promise<unknown>): Client {
  const shared = {} as Client;
  beforeAll(async () => {
    Object.assign(shared, await sandboxClient());
  });
  afterAll(() => shared.sandbox.close());
  beforeEach(async () => {
    await shared.post('/sandbox/reset', {});
    await setup?.(shared);
  });
  return shared;
}
