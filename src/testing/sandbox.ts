// startTestSandbox: the sandbox in the test's own process, on a free port, in memory, with a known
// key and partners, plus the readers and assertions of expectations.ts. Nothing is shared between
// two of them (own port, own database, own key), so test workers can each run their own.
import { randomBytes } from 'node:crypto';
import { DEMO_PARTNERS, validatePartner, validateSettings } from '../sandbox/admin.js';
import type { PartnerInput, ProgramSettings } from '../sandbox/schema.js';
import { MEMORY } from '../sandbox/db.js';
import { startSandbox } from '../sandbox/server.js';
import { createRecorder, DEFAULT_TIMEOUT_MS, type AttributionRecorder } from './expectations.js';
import { readRecords } from './records.js';

export interface TestSandboxOptions {
  /**
   * The program's API key (what the app's server client sends as `Authorization: Bearer …`).
   * @default a random `affitor_test_…` key, returned as `apiKey`
   */
  apiKey?: string;
  /** @default 1 */
  programId?: number;
  /**
   * Active partner codes (or `{ code, name?, status? }`); `?aff=<code>` links credit them.
   * @default ['PARTNER_A', 'PARTNER_B']
   */
  partners?: Array<string | PartnerInput>;
  /** Program settings, e.g. `{ commission_rate: 30 }` or `{ lead_auth: 'server_required' }`. */
  settings?: Partial<ProgramSettings>;
  /**
   * Port to listen on; a fixed one lets an app started before the tests (Playwright's `webServer`) find it.
   * @default 0, a free port
   */
  port?: number;
  /** Host names answered besides localhost and IP addresses (the sandbox refuses other Host headers). */
  allowedHosts?: string[];
  /**
   * How long `expect…` waits for a matching record, in ms.
   * @default 5000
   */
  timeout?: number;
  /** The clock of the sandbox's rules (windows, timestamps). */
  now?: () => number;
}

export interface TestSandbox extends AttributionRecorder, AsyncDisposable {
  /** Base URL of the API: the app's `AFFITOR_API_URL`, the server client's `baseUrl`, the tag's `data-affitor-api-base`. */
  url: string;
  port: number;
  apiKey: string;
  programId: number;
  /** The active partner codes. */
  partners: string[];
  /**
   * A click as the tracker sends it on a `?aff=<partner>` landing: the click id a test puts in its
   * request's `affitor_click_id` cookie, or hands to the server client.
   */
  click(partner: string, affiliateUrl?: string): Promise<string>;
  /** Forgets everything tracked (clicks, leads, sales, refunds); the program, key and partners stay. */
  reset(): Promise<void>;
  /** Stops the server (in-flight requests finish first) and closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a sandbox for one test (or one test file, with `reset()` between tests). */
export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const partners = (options.partners ?? DEMO_PARTNERS.map((p) => p.code)).map((input) => {
    const partner = validatePartner(input);
    return { ...partner, status: partner.status ?? 'active' };
  });
  const running = await startSandbox({
    port: options.port ?? 0,
    db: MEMORY,
    programId: options.programId,
    apiKey: options.apiKey ?? `affitor_test_${randomBytes(12).toString('base64url')}`,
    partners,
    settings: options.settings ? validateSettings(options.settings) : {},
    allowedHosts: options.allowedHosts,
    now: options.now,
  });
  const recorder = createRecorder(
    {
      // Everything: a test's few rows, never the console's newest-N view.
      read: async () => readRecords(running.admin.state(Number.MAX_SAFE_INTEGER)),
      onChange: (listener) => running.onFeed((item) => item.kind === 'activity' && listener()),
    },
    options.timeout ?? DEFAULT_TIMEOUT_MS,
  );
  const stop = () => running.close();
  return {
    ...recorder,
    url: running.url,
    port: running.port,
    apiKey: running.apiKey,
    programId: running.programId,
    partners: partners.filter((p) => p.status === 'active').map((p) => p.code),
    async click(partner, affiliateUrl = `https://app.example/?aff=${encodeURIComponent(partner)}`) {
      const res = await fetch(`${running.url}/api/v1/track/click`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ affiliate_url: affiliateUrl }),
      });
      const body = (await res.json()) as Record<string, unknown>;
      if (typeof body.click_id !== 'string') throw new Error(`no click for ${partner}: the sandbox answered ${res.status} ${JSON.stringify(body)}`);
      return body.click_id;
    },
    async reset() {
      running.admin.reset();
      running.faults.clear();
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
