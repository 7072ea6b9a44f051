// affitor-tracker/testing/msw answers as the sandbox does: the same requests sent to the handlers
// (through a real MSW server) and to a real sandbox over HTTP get the same statuses and bodies, and
// leave the same records, because the handlers run the sandbox's own rules.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox } from '../../src/testing/index.js';
import { affitorHandlers } from '../../src/testing/msw.js';

const affitor = affitorHandlers({ apiKey: 'affitor_test_unit' });
const server = setupServer(...affitor.handlers);
// The real sandbox is called over loopback HTTP: MSW lets what it has no handler for through.
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(async () => {
  server.close();
  await affitor.close();
});

describe('the same answers as the sandbox over HTTP', () => {
  /** Requests whose answers depend only on the rules (no minted click ids or times in them). */
  const calls: Array<{ path: string; body: string; headers?: Record<string, string> }> = [
    { path: '/api/v1/track/click', body: '{"affiliate_url":"https://shop.example/?aff=NOPE"}' },
    { path: '/api/v1/track/click', body: '{"affiliate_url":"not a url"}' },
    { path: '/api/v1/track/click', body: '{"affiliate_url":"https://shop.example/?aff=PARTNER_INACTIVE"}' },
    { path: '/api/v1/track/lead', body: '{}' },
    { path: '/api/v1/track/lead', body: '{"customer_key":"nobody"}' },
    { path: '/api/v1/track/lead', body: '{not json' },
    { path: '/api/v1/track/lead', body: '[1]' },
    { path: '/api/v1/track/sale', body: '{"transaction_id":"t1","amount_cents":100,"customer_key":"nobody"}' },
    { path: '/api/v1/track/sale', body: '{"transaction_id":"t1","amount_cents":100,"customer_key":"nobody"}', headers: { Authorization: 'Bearer KEY' } },
    { path: '/api/v1/track/sale', body: '{"transaction_id":"t2","amount_cents":-5}', headers: { Authorization: 'Bearer KEY' } },
    { path: '/api/v1/track/refund', body: '{"transaction_id":"t1"}', headers: { Authorization: 'Bearer KEY' } },
    { path: '/api/v1/track/refund', body: '{"transaction_id":"t1"}', headers: { Authorization: 'Bearer KEY', 'Idempotency-Key': 'r1' } },
    { path: '/api/v1/track/refund', body: '{"transaction_id":"t1"}', headers: { Authorization: 'Bearer KEY', 'Idempotency-Key': 'r1' } },
    { path: '/api/v1/track/refund', body: '{"transaction_id":"t9"}', headers: { Authorization: 'Bearer KEY', 'Idempotency-Key': 'r1' } },
    { path: '/api/v1/track/refund', body: '{}', headers: { Authorization: 'Bearer KEY', 'Idempotency-Key': 'é' } },
    { path: '/api/v1/track/lead', body: JSON.stringify({ pad: 'x'.repeat(110 * 1024) }) },
  ];

  async function answers(base: string, key: string) {
    const out: Array<{ status: number; body: unknown; replayed: string | null }> = [];
    for (const call of calls) {
      // Sent explicitly: Node's fetch adds its own User-Agent on the wire only, where MSW does not see it.
      const headers = { 'Content-Type': 'application/json', 'User-Agent': 'unit-test', ...call.headers };
      if ('Authorization' in headers) headers.Authorization = `Bearer ${key}`;
      const res = await fetch(base + call.path, { method: 'POST', headers, body: call.body });
      out.push({ status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') });
    }
    return out;
  }

  it('every status and body alike, rejections, replays and limits included', async () => {
    await using sandbox = await startTestSandbox({ apiKey: 'affitor_test_unit' });
    const overHttp = await answers(sandbox.url, sandbox.apiKey);
    const mocked = await answers('https://api.affitor.com', affitor.apiKey);
    expect(mocked).toEqual(overHttp);
    expect(new Set(overHttp.map((a) => a.status))).toEqual(new Set([200, 400, 401, 404, 413, 422]));
    // The records read alike too (times aside).
    const strip = (requests: Array<{ at: number }>) => requests.map(({ at: _at, ...rest }) => rest);
    expect(strip(await affitor.requests())).toEqual(strip(await sandbox.requests()));
  });
});
