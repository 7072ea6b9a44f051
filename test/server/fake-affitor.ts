// A real HTTP server on 127.0.0.1 that answers /api/v1/track/* like Affitor's production API
// (docs/protocol.md §5) — which documents no Idempotency-Key, so this server ignores it: Bearer
// auth, the documented validation strings, sales deduplicated by transaction_id (409 on a repeat),
// a repeated lead refused by the status rule, refunds looked up by the sale's transaction_id and
// applied every time. Faults can be queued per request to exercise the client's timeout and retry
// logic over real sockets. (The key-honouring side is tested against the real sandbox.)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const API_KEY = 'affitor_test_key_123';

/** What the fake answers on `GET /api/v1/programs/me/readiness` (docs/protocol.md §12.4). */
export const READINESS = {
  program_id: 1,
  state: 'ready',
  integration_verified: false,
  blocker: 'live',
  gates: {
    profile: { status: 'pass' },
    economics: { status: 'pass' },
    payout: { status: 'pass', mode: 'manual' },
    tracking: { status: 'pass', checked_at: '2026-01-01T00:00:00.000Z' },
    live: { status: 'fail', test_chain: { click: 'attributed', lead: 'pending', sale: 'pending' }, next_action: 'Record a test sale' },
  },
  last_event_at: { click: '2026-01-01T00:00:00.000Z', lead: null, sale: null },
  counts_24h: { clicks: 1, leads: 0, sales: 0 },
  key_rotated_at: null,
  poll: { retry_after_seconds: 30 },
} as const;

export interface RecordedRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** ms since the server started; for asserting retry pauses. */
  at: number;
}

export type Fault =
  /** Answer with this status (and headers/body) instead of processing the request. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Close the socket without any answer; `afterProcessing` first records the request's effect. */
  | { drop: true; afterProcessing?: boolean }
  /** Process normally, then wait this long before answering. */
  | { delayMs: number };

export interface FakeAffitor {
  url: string;
  requests: RecordedRequest[];
  /** transaction_id → sale body, one entry per recorded sale. */
  sales: Map<string, Record<string, unknown>>;
  refunds: Record<string, unknown>[];
  /** Queue faults for the next requests, in order. */
  fault(...faults: Fault[]): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

export async function startFakeAffitor(): Promise<FakeAffitor> {
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const sales = new Map<string, Record<string, unknown>>();
  const refunds: Record<string, unknown>[] = [];
  /** Customers (by click_id or customer_key) whose status is already `lead`. */
  const leads = new Set<string>();
  const faults: Fault[] = [];
  let saleSeq = 0;

  /** Applies the request's effect and returns the answer Affitor would give. */
  function process(path: string, auth: string | undefined, body: Record<string, unknown>): [number, unknown] {
    const authorized = auth === `Bearer ${API_KEY}`;
    if (path.split('?')[0] === '/api/v1/programs/me/readiness') {
      if (!authorized) return [401, { error: { code: 'unauthorized', message: 'Invalid API token' } }];
      return [200, READINESS];
    }
    const endpoint = path.replace('/api/v1/track/', '');
    if (endpoint === 'click') {
      if (typeof body.affiliate_url !== 'string') return [400, { error: 'affiliate_url is required' }];
      return [200, { success: true, click_id: `cust_1_${Date.now()}`, partner_code: 'PARTNER123', cookie_window_days: 60 }];
    }
    if (endpoint === 'lead') {
      if (auth !== undefined && !authorized) return [401, { error: 'Invalid API token' }];
      if (!body.click_id && !body.customer_key) return [400, { error: 'click_id or customer_key is required' }];
      const customer = String(body.click_id ?? body.customer_key);
      if (leads.has(customer)) return [400, { error: 'Customer status cannot be updated to lead. Current status: lead' }];
      leads.add(customer);
      return [200, { success: true, message: 'Lead tracked successfully' }];
    }
    if (!authorized) return [401, { error: 'Invalid API token' }];
    if (endpoint === 'sale') {
      const id = body.transaction_id;
      if (typeof id !== 'string' || !id) return [400, { error: 'transaction_id is required and must be a string' }];
      if (!Number.isInteger(body.amount_cents) || (body.amount_cents as number) < 1) {
        return [400, { error: 'amount_cents is required and must be a positive integer' }];
      }
      if (sales.has(id)) return [409, { error: 'Duplicate transaction_id. This sale has already been recorded.' }];
      sales.set(id, body);
      saleSeq++;
      return [200, { success: true, sale_id: saleSeq, commission_id: saleSeq, message: 'Sale tracked successfully' }];
    }
    if (endpoint === 'refund') {
      const id = body.transaction_id;
      if (typeof id !== 'string' || !id) return [400, { error: 'transaction_id is required' }];
      if (!sales.has(id)) return [404, { error: 'Sale not found for transaction_id' }];
      refunds.push(body);
      return [200, { success: true, status: body.refund_amount_cents ? 'refunded' : 'reversed', deductionAmount: 1, commission_id: 1 }];
    }
    return [404, { error: 'Not found' }];
  }

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        // recorded as {} — the client always sends JSON, so a test would see it
      }
      const path = req.url || '';
      requests.push({ path, method: req.method || '', headers: req.headers, body, at: Date.now() - started });
      const fault = faults.shift();
      if (fault && 'status' in fault) {
        res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }));
        return;
      }
      if (fault && 'drop' in fault) {
        if (fault.afterProcessing) process(path, req.headers.authorization, body);
        req.socket.destroy();
        return;
      }
      const [status, answer] = process(path, req.headers.authorization, body);
      const delay = fault && 'delayMs' in fault ? fault.delayMs : 0;
      setTimeout(() => {
        if (!res.destroyed) json(res, status, answer);
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sales,
    refunds,
    fault: (...f) => {
      faults.push(...f);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
