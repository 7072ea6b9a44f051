// affitor-tracker/testing/msw: request handlers for MSW (v2) that answer Affitor's API in the test's
// own process, with no server: each request runs the sandbox's own rules (answerTrack,
// readinessAnswer) on an in-memory database, so the answers are the sandbox's, and the same
// readers and assertions as startTestSandbox read what was sent. `msw` is the test's own
// (an optional peer of this entry only).
import { randomBytes } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { DEFAULT_PROGRAM_ID, DEMO_PARTNERS, validatePartner, validateSettings } from '../sandbox/admin.js';
import type { PartnerInput, ProgramSettings } from '../sandbox/schema.js';
import { MEMORY } from '../sandbox/db.js';
import { TRACK_ENDPOINTS, type EventType } from '../sandbox/endpoints.js';
import { TRACK_CORS } from '../sandbox/http/cors.js';
import { bodyTooLarge, HttpError, parseJsonObject } from '../sandbox/http/io.js';
import { idempotencyKeyOf } from '../sandbox/idempotency.js';
import { answerTrack } from '../sandbox/routes/track.js';
import { readinessAnswer } from '../sandbox/routes/readiness.js';
import { DEFAULT_BODY_LIMIT_BYTES, openSandbox, type OpenSandbox } from '../sandbox/server.js';
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { createRecorder, DEFAULT_TIMEOUT_MS, type AttributionRecorder } from './expectations.js';
import { readRecords } from './records.js';

export interface AffitorHandlersOptions {
  /**
   * The API base the code under test calls (its `AFFITOR_API_URL`, `apiUrl` or `apiBase`).
   * @default 'https://api.affitor.com'
   */
  apiBase?: string;
  /**
   * The program's API key: requests with another Bearer key are answered 401, as Affitor does.
   * @default a random `affitor_test_…` key, returned as `apiKey`
   */
  apiKey?: string;
  /** @default 1 */
  programId?: number;
  /**
   * Active partner codes (or `{ code, name?, status? }`).
   * @default ['PARTNER_A', 'PARTNER_B']
   */
  partners?: Array<string | PartnerInput>;
  /** Program settings, e.g. `{ lead_auth: 'server_required' }`. */
  settings?: Partial<ProgramSettings>;
  /**
   * How long `expect…` waits for a matching record, in ms.
   * @default 5000
   */
  timeout?: number;
  /** The clock of the sandbox's rules. */
  now?: () => number;
}

export interface AffitorHandlers extends AttributionRecorder, AsyncDisposable {
  /** For `setupServer(...affitor.handlers)` or `server.use(...affitor.handlers)`. */
  handlers: HttpHandler[];
  apiBase: string;
  apiKey: string;
  programId: number;
  /** The active partner codes. */
  partners: string[];
  /**
   * A click as the tracker sends it on a `?aff=<partner>` landing, recorded directly: the click id
   * a unit test puts in its request's `affitor_click_id` cookie.
   */
  click(partner: string, affiliateUrl?: string): Promise<string>;
  /** Forgets everything recorded; the program, key and partners stay. */
  reset(): Promise<void>;
  /** Closes the in-memory database. */
  close(): Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  HttpResponse.json(body as Record<string, unknown>, { status, headers: { ...TRACK_CORS, 'Cache-Control': 'no-store', ...headers } });

/** Handlers for Affitor's tracking endpoints and readiness reading, answered by the sandbox's rules. */
export function affitorHandlers(options: AffitorHandlersOptions = {}): AffitorHandlers {
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const apiKey = options.apiKey ?? `affitor_test_${randomBytes(12).toString('base64url')}`;
  const partners = (options.partners ?? DEMO_PARTNERS.map((p) => p.code)).map((input) => {
    const partner = validatePartner(input);
    return { ...partner, status: partner.status ?? 'active' };
  });
  const settings = options.settings ? validateSettings(options.settings) : {};
  // MSW handlers are created synchronously; the database opens on first use.
  let opened: Promise<OpenSandbox> | null = null;
  const open = () => (opened ??= openSandbox({ db: MEMORY, programId: options.programId, apiKey, partners, settings, now: options.now }));

  const track = async (endpoint: EventType, request: Request) => {
    const { parts } = await open();
    try {
      const text = await request.text();
      if (Buffer.byteLength(text) > DEFAULT_BODY_LIMIT_BYTES) throw bodyTooLarge(DEFAULT_BODY_LIMIT_BYTES);
      const body = parseJsonObject(text);
      const key = idempotencyKeyOf(request.headers.get('idempotency-key') ?? undefined);
      const answer = await answerTrack(parts, endpoint, body, {
        authorization: request.headers.get('authorization') ?? undefined,
        userAgent: request.headers.get('user-agent') ?? undefined,
        cookieHeader: request.headers.get('cookie') ?? undefined,
      }, key);
      if (answer.activity) parts.feed.publish(answer.activity);
      return json(answer.status, answer.body, answer.headers);
    } catch (err) {
      if (err instanceof HttpError) return json(err.status, { error: err.message });
      throw err;
    }
  };

  const handlers: HttpHandler[] = [
    ...TRACK_ENDPOINTS.flatMap((endpoint) => [
      http.post(`${apiBase}/api/v1/track/${endpoint}`, ({ request }) => track(endpoint, request)),
      http.options(`${apiBase}/api/v1/track/${endpoint}`, () => new HttpResponse(null, { status: 204, headers: TRACK_CORS })),
    ]),
    http.get(`${apiBase}/api/v1/programs/me/readiness`, async ({ request }) => {
      const { parts } = await open();
      const answer = readinessAnswer(parts, request.headers.get('authorization') ?? undefined);
      return json(answer.status, answer.body, answer.headers);
    }),
  ];

  const recorder = createRecorder(
    {
      read: async () => readRecords((await open()).parts.admin.state(Number.MAX_SAFE_INTEGER)),
      onChange: (listener) => {
        let stop: (() => void) | null = null;
        let stopped = false;
        void open().then(({ parts }) => {
          if (!stopped) stop = parts.feed.listen((item) => item.kind === 'activity' && listener());
        });
        return () => {
          stopped = true;
          stop?.();
        };
      },
    },
    options.timeout ?? DEFAULT_TIMEOUT_MS,
  );
  const close = async () => {
    if (opened) await (await opened).close();
  };
  return {
    ...recorder,
    handlers,
    apiBase,
    apiKey,
    programId: options.programId ?? DEFAULT_PROGRAM_ID,
    partners: partners.filter((p) => p.status === 'active').map((p) => p.code),
    async click(partner, affiliateUrl = `https://app.example/?aff=${encodeURIComponent(partner)}`) {
      const { parts } = await open();
      const answer = await answerTrack(parts, 'click', { affiliate_url: affiliateUrl }, { authorization: undefined, userAgent: undefined, cookieHeader: undefined }, null);
      if (answer.activity) parts.feed.publish(answer.activity);
      const clickId = answer.body.click_id;
      if (typeof clickId !== 'string') throw new Error(`no click for ${partner}: the sandbox answered ${answer.status} ${JSON.stringify(answer.body)}`);
      return clickId;
    },
    async reset() {
      (await open()).parts.admin.reset();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
