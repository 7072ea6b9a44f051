// A real HTTP server playing Affitor's tracking API for browser tests and the bench.
// It records every request (preflights included) and answers like protocol §5.1/protocol §5.2, with CORS
// like the sandbox (protocol §10.21), so a page on another origin pays a real preflight.
// Faults are queued per endpoint, so a test says "the next 2 clicks answer 503" and nothing else.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export type Endpoint = 'click' | 'lead' | 'sale' | 'refund';

export interface RecordedRequest {
  /** Arrival order across all requests to this server, from 1. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** `click` for `/api/v1/track/click` etc.; null for any other path. */
  endpoint: Endpoint | null;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body; undefined when the body is empty or not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** Date.now() when the body had fully arrived. */
  time: number;
  /** What the server answered, once it has: status and body (JSON parsed, or the raw text); 'dropped' for a drop. */
  response?: { status: number; body: unknown } | 'dropped';
}

/**
 * How to answer one POST. Everything is optional: `{}` is the normal answer.
 * - `status` with no `body` answers `{"error":"Injected <status>"}`.
 * - `body` as a string is sent raw as text/html (a non-JSON 2xx); otherwise JSON.
 * - `drop` destroys the socket without any answer (what the browser sees as a network error).
 * - `delayMs` waits before answering or dropping.
 * - `hold` keeps the request open until `api.release()`.
 * - `cookieWindowDays` changes a normal click answer's `cookie_window_days`.
 * - `headers` adds response headers (e.g. `Retry-After`, which CORS exposes to the page).
 */
export interface Fault {
  status?: number;
  body?: unknown;
  drop?: boolean;
  delayMs?: number;
  hold?: boolean;
  cookieWindowDays?: number;
  headers?: Record<string, string>;
}

export const faults = {
  status: (status: number): Fault => ({ status }),
  drop: (): Fault => ({ drop: true }),
  delay: (delayMs: number): Fault => ({ delayMs }),
  hold: (): Fault => ({ hold: true }),
  /** protocol §5.1: a 2xx without `click_id` (inactive link). */
  inactiveLink: (): Fault => ({ body: { success: false, message: 'Referral link is inactive' } }),
  nonJson: (): Fault => ({ body: '<html>gateway says hi</html>' }),
  windowDays: (cookieWindowDays: number): Fault => ({ cookieWindowDays }),
  /** A 429 (or another status) whose `Retry-After` asks for `seconds`. */
  retryAfter: (seconds: number, status = 429): Fault => ({ status, headers: { 'Retry-After': String(seconds) } }),
};

export interface ApiServer {
  /** `http://api.test:PORT` (every host name maps to loopback in the browser). */
  origin: string;
  port: number;
  /** Every request in arrival order, OPTIONS included. */
  requests: RecordedRequest[];
  /** POSTs to one endpoint, in arrival order. */
  posts(endpoint: Endpoint): RecordedRequest[];
  /** Preflights (OPTIONS) to one endpoint. */
  preflights(endpoint: Endpoint): RecordedRequest[];
  /** Answer the next `times` POSTs to `endpoint` with `fault` (after any already queued). */
  respond(endpoint: Endpoint, fault: Fault, times?: number): void;
  /** Answer every later POST to `endpoint` with `fault` once the queue is empty. */
  respondAlways(endpoint: Endpoint, fault: Fault | null): void;
  /** Answer every request held by a `hold` fault (normally, or with `fault`). */
  release(fault?: Fault): void;
  /** Resolves once `count` POSTs to `endpoint` have arrived in total; rejects after `timeoutMs`. */
  waitFor(endpoint: Endpoint, count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** `cookie_window_days` of normal click answers (default 60). */
  cookieWindowDays: number;
  /** Click ids handed out so far, oldest first. */
  clickIds: string[];
  close(): Promise<void>;
}

const TRACK_PATH = /^\/api\/v1\/track\/(click|lead|sale|refund)$/;
// `Connection: close` on every answer: Chromium silently resends a request whose REUSED socket
// closes without an answer, which would turn an injected drop into an invisible success.
const CORS = {
  Connection: 'close',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
  // As the sandbox (src/sandbox/http/cors.ts): the page may read when a 429/503 asks to be tried again.
  'Access-Control-Expose-Headers': 'Retry-After',
};

export async function startApiServer(options: { host?: string } = {}): Promise<ApiServer> {
  const host = options.host ?? 'api.test';
  const requests: RecordedRequest[] = [];
  const queued: Record<Endpoint, Fault[]> = { click: [], lead: [], sale: [], refund: [] };
  const always: Partial<Record<Endpoint, Fault>> = {};
  const held: Array<(fault?: Fault) => void> = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let clickCounter = 0;
  let seq = 0;

  function normalAnswer(endpoint: Endpoint, body: any, fault: Fault): { status: number; body: unknown } {
    const testMode = body && typeof body === 'object' && body.additional_data && body.additional_data.test_mode === true;
    if (testMode) {
      // protocol §5.1/§5.2 test answers: no click_id, so the tracker must write no cookies.
      const programId = Number(body.additional_data.program_id);
      return {
        status: 200,
        body: {
          success: true,
          message: `Test ${endpoint} event tracked successfully`,
          data: { eventId: seq, programId: Number.isFinite(programId) ? programId : null, test_mode: true },
        },
      };
    }
    if (endpoint === 'click') {
      let partner: string | null = null;
      try {
        partner = new URL(body.affiliate_url).searchParams.get('aff');
      } catch {
        partner = null;
      }
      if (!body || typeof body.affiliate_url !== 'string') return { status: 400, body: { error: 'affiliate_url is required' } };
      if (!partner) return { status: 400, body: { error: 'No aff parameter found in affiliate_url' } };
      const clickId = `cust_1_${++clickCounter}`;
      api.clickIds.push(clickId);
      return {
        status: 200,
        body: {
          success: true,
          click_id: clickId,
          partner_code: partner,
          cookie_window_days: fault.cookieWindowDays ?? api.cookieWindowDays,
        },
      };
    }
    if (endpoint === 'lead') return { status: 200, body: { success: true, message: 'Lead tracked successfully' } };
    return { status: 200, body: { success: true } };
  }

  function send(res: http.ServerResponse, status: number, body: unknown, record?: RecordedRequest, headers: Record<string, string> = {}) {
    if (record) record.response = { status, body };
    if (res.destroyed) return;
    const isText = typeof body === 'string';
    res.writeHead(status, { ...CORS, 'Content-Type': isText ? 'text/html' : 'application/json', ...headers });
    res.end(isText ? body : JSON.stringify(body));
  }

  async function answer(endpoint: Endpoint, record: RecordedRequest, res: http.ServerResponse) {
    const fault = queued[endpoint].shift() ?? always[endpoint] ?? {};
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    let final = fault;
    if (fault.hold) final = (await new Promise<Fault | undefined>((r) => held.push(r))) ?? {};
    if (final.drop) {
      record.response = 'dropped';
      res.socket?.destroy();
      return;
    }
    if (final.body !== undefined) return send(res, final.status ?? 200, final.body, record, final.headers);
    if (final.status) return send(res, final.status, { error: `Injected ${final.status}` }, record, final.headers);
    const normal = normalAnswer(endpoint, record.body, final);
    send(res, normal.status, normal.body, record);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const match = TRACK_PATH.exec(path);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const record: RecordedRequest = {
        seq: ++seq,
        method: req.method ?? '',
        path,
        endpoint: match ? (match[1] as Endpoint) : null,
        headers: req.headers,
        rawBody,
        body,
        time: Date.now(),
      };
      requests.push(record);
      for (const wake of waiters) wake();
      if (!match) return send(res, 404, { error: 'Not found' });
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        return res.end();
      }
      if (req.method !== 'POST') return send(res, 405, { error: 'Method not allowed' });
      answer(record.endpoint!, record, res).catch(() => res.socket?.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const posts = (endpoint: Endpoint) => requests.filter((r) => r.endpoint === endpoint && r.method === 'POST');

  const api: ApiServer = {
    origin: `http://${host}:${port}`,
    port,
    requests,
    posts,
    preflights: (endpoint) => requests.filter((r) => r.endpoint === endpoint && r.method === 'OPTIONS'),
    respond(endpoint, fault, times = 1) {
      for (let i = 0; i < times; i++) queued[endpoint].push(fault);
    },
    respondAlways(endpoint, fault) {
      if (fault) always[endpoint] = fault;
      else delete always[endpoint];
    },
    release(fault) {
      for (const wake of held.splice(0)) wake(fault);
    },
    waitFor(endpoint, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = posts(endpoint);
          if (got.length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(got);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `Expected ${count} POST(s) to /api/v1/track/${endpoint} within ${timeoutMs} ms, got ${posts(endpoint).length}.\n` +
                describeRequests(requests),
            ),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    cookieWindowDays: 60,
    clickIds: [],
    async close() {
      api.release({ drop: true });
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return api;
}

/** One line per request, for failure messages. */
export function describeRequests(requests: RecordedRequest[]): string {
  if (requests.length === 0) return '  (no requests)';
  return requests.map((r) => `  #${r.seq} ${r.method} ${r.path} ${r.rawBody.slice(0, 300)}`).join('\n');
}
