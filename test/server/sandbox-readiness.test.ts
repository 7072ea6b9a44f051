// readiness() against the real sandbox over HTTP (docs/protocol.md §12.4): the typed result in both
// construction forms, and the typed error envelope on a wrong key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Affitor, AffitorApiError } from '../../src/server/index';
import { sandboxClient, type Client } from '../sandbox/helpers';

let sb: Client;
beforeEach(async () => {
  sb = await sandboxClient();
});
afterEach(async () => {
  await sb.sandbox.close();
});

describe('readiness against the sandbox', () => {
  it('the string-key form resolves to the report; the click the sandbox saw is in it', async () => {
    await sb.click();
    const report = await new Affitor(sb.sandbox.apiKey, { apiBase: sb.sandbox.url }).readiness({ forceRecheck: true });
    expect(report.program_id).toBe(sb.sandbox.programId);
    expect(['draft', 'configuring', 'ready', 'integration_verified', 'live_verified']).toContain(report.state);
    expect(report.counts_24h.clicks).toBeGreaterThanOrEqual(1);
    expect(typeof report.poll.retry_after_seconds).toBe('number');
  });

  it('the object form gives a result object with the same data', async () => {
    const r = await new Affitor({ apiKey: sb.sandbox.apiKey, apiUrl: sb.sandbox.url }).readiness();
    expect(r).toMatchObject({ ok: true, status: 200, code: 'ok' });
    expect(r.data?.program_id).toBe(sb.sandbox.programId);
  });

  it('a wrong key: AffitorApiError from the typed envelope (code unauthorized), and the same in the object form', async () => {
    const err = await new Affitor('affitor_wrong_key', { apiBase: sb.sandbox.url }).readiness().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AffitorApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await new Affitor({ apiKey: 'affitor_wrong_key', apiUrl: sb.sandbox.url }).readiness()).toMatchObject({
      ok: false,
      status: 401,
      code: 'unauthorized',
      errorCode: 'unauthorized',
    });
  });
});
