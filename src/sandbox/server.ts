// The sandbox HTTP server: the Affitor-compatible tracking API, the built script, the demo storefront
// and its backend, the live console (server-sent events) and the admin JSON API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Affitor, clickIdFromCookieHeader } from '../server/index.js';
import { BackgroundCheckpointer, GroupCommit, MEMORY, openDatabase, type Db } from './db.js';
import { Admin, DEFAULT_API_KEY, DEFAULT_PROGRAM_ID, SettingsError, validatePartner, validateSettings, type PartnerInput, type ProgramSettings } from './admin.js';
import { Faults, type Fault } from './faults.js';
import { TrackingApi, type Activity, type EventType, type RequestContext, type TrackResult } from './tracking.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DB_FILE = '.affitor-sandbox.db';
/** Tracking bodies are small; 100 KB leaves room for line items and long URLs. */
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024;
/** Bodies above this are not even drained: the connection is closed after the 413. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
const ACTIVITY_KEPT = 300;
const SSE_HEARTBEAT_MS = 15_000;

const FAILED: Record<EventType, string> = {
  click: 'Click tracking failed',
  lead: 'Lead tracking failed',
  sale: 'Sale tracking failed',
  refund: 'Refund tracking failed',
};

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** SQLite file, or ':memory:' for a throwaway run. Default: ./.affitor-sandbox.db */
  db?: string;
  programId?: number;
  apiKey?: string;
  partners?: PartnerInput[];
  settings?: Partial<ProgramSettings>;
  bodyLimitBytes?: number;
  /** Clock for the tracking rules (tests). */
  now?: () => number;
}

/** One line of the live feed: a tracking decision, or a sandbox-side action (fault, settings). */
export type FeedItem = (Activity & { kind: 'activity' }) | { kind: 'admin'; at: number; explanation: string };

export interface RunningSandbox {
  /** Base URL on loopback, e.g. http://127.0.0.1:8787 (what tests and the demo backend call). */
  url: string;
  port: number;
  programId: number;
  apiKey: string;
  dbFile: string;
  admin: Admin;
  faults: Faults;
  /** Called for every feed item (the CLI prints them). Returns an unsubscribe function. */
  onFeed(listener: (item: FeedItem) => void): () => void;
  /** Stops accepting requests, lets in-flight ones finish, ends SSE streams, closes the database. */
  close(): Promise<void>;
}

/** Where the package's files live, whether this runs from src/ (tests), dist/ (clone) or node_modules. */
function locateFiles(): { publicDir: string; distDir: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  let root = here;
  for (let dir = here; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'affitor-tracker') {
      root = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return { publicDir: join(here, 'public'), distDir: join(root, 'dist') };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(payload);
}

/** Reads the body as a JSON object. Empty → {}. Throws HttpError 413 / 400 with a clear message. */
function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > DRAIN_LIMIT_BYTES) {
      reject(new HttpError(413, `Request body too large (limit ${limit} bytes)`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT_BYTES) req.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    req.on('error', reject);
    // A body past DRAIN_LIMIT_BYTES destroys the request before 'end'; settle anyway.
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(413, `Request body too large (limit ${limit} bytes)`));
    });
    req.on('end', () => {
      if (size > limit) return reject(new HttpError(413, `Request body too large (limit ${limit} bytes)`));
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        return reject(new HttpError(400, `Malformed JSON body: ${(err as Error).message}`));
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return reject(new HttpError(400, 'Request body must be a JSON object'));
      }
      resolve(parsed as Record<string, unknown>);
    });
  });
}

/** Rule 21: what production answers for the tracking API. */
const TRACK_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
};

/** Admin and demo routes are for pages on this machine only: a site elsewhere must not reset your data. */
function loopbackCors(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  try {
    const host = new URL(origin).hostname;
    if (host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]') {
      return {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        Vary: 'Origin',
      };
    }
  } catch {
    // not a URL: no CORS headers
  }
  return {};
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The pages run no inline code: everything is in /assets, which keeps them honest under a strict CSP.
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const dbFile = options.db ?? DEFAULT_DB_FILE;
  const programId = options.programId ?? DEFAULT_PROGRAM_ID;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const db: Db = await openDatabase(dbFile);
  let admin: Admin;
  try {
    admin = Admin.setup(db, { programId, apiKey, partners: options.partners ?? [], settings: options.settings ?? {} });
  } catch (err) {
    db.close();
    throw err;
  }
  const api = new TrackingApi(db, options.now);
  // File databases: WAL checkpoints run on a worker thread, off the request path (see db.ts).
  const checkpointer = dbFile === MEMORY ? null : new BackgroundCheckpointer(dbFile);
  const writes = new GroupCommit(db, checkpointer ? () => checkpointer.noteCommit() : undefined);
  const faults = new Faults();
  const files = locateFiles();
  const feedListeners = new Set<(item: FeedItem) => void>();
  const recentFeed: FeedItem[] = [];
  const sseClients = new Set<ServerResponse>();
  let ownUrl = '';

  function publish(item: FeedItem): void {
    recentFeed.push(item);
    if (recentFeed.length > ACTIVITY_KEPT) recentFeed.shift();
    for (const listener of feedListeners) {
      try {
        listener(item);
      } catch {
        // a broken listener must not break tracking
      }
    }
    if (sseClients.size > 0) {
      const frame = `data: ${JSON.stringify(item)}\n\n`;
      for (const client of sseClients) client.write(frame);
    }
  }
  const adminNote = (explanation: string) => publish({ kind: 'admin', at: Date.now(), explanation });

  // -------------------------------------------------------------------------------------------
  // /api/v1/track/*

  async function track(endpoint: EventType, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault: Fault | null = faults.take(endpoint);
    if (fault?.mode === '503') {
      adminNote(`fault injected: ${endpoint} answered 503 (${fault.count} more to go)`);
      sendJson(res, 503, { error: 'Service unavailable (sandbox fault injection)' }, { ...TRACK_CORS, 'Retry-After': '1' });
      return;
    }
    if (fault?.mode === 'drop') {
      adminNote(`fault injected: ${endpoint} connection dropped before processing (${fault.count} more to go)`);
      req.socket.destroy();
      return;
    }
    if (fault?.mode === 'delay') {
      adminNote(`fault injected: ${endpoint} delayed ${fault.delayMs} ms (${fault.count} more to go)`);
      await new Promise((r) => setTimeout(r, fault.delayMs));
    }
    const body = await readJsonBody(req, bodyLimit);
    const ctx: RequestContext = {
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
      cookieHeader: req.headers.cookie,
    };
    let result: TrackResult;
    try {
      result = await writes.run(() => api[endpoint](body, ctx));
    } catch (err) {
      adminNote(`${endpoint} failed inside the sandbox: ${(err as Error).message}`);
      sendJson(res, 500, { error: FAILED[endpoint] }, TRACK_CORS);
      return;
    }
    if (fault?.mode === 'drop_after') {
      adminNote(`fault injected: ${endpoint} stored, then connection dropped without an answer (${fault.count} more to go)`);
      req.socket.destroy();
    } else {
      sendJson(res, result.status, result.body, TRACK_CORS);
    }
    publish({ kind: 'activity', ...result.activity });
  }

  // -------------------------------------------------------------------------------------------
  // /sandbox/* (admin JSON API and the console's event stream)

  function stateOf(limit: number): Record<string, unknown> {
    return { ...admin.state(limit), api_key: apiKey, faults: faults.snapshot(), feed: recentFeed, url: ownUrl };
  }

  async function adminRoute(path: string, url: URL, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/sandbox/state') {
      const limit = Math.min(Math.max(Number.parseInt(url.searchParams.get('limit') ?? '200', 10) || 0, 0), 10_000);
      sendJson(res, 200, stateOf(limit), cors);
      return;
    }
    if (method === 'GET' && path === '/sandbox/faults') return sendJson(res, 200, faults.snapshot(), cors);
    if (method === 'GET' && path === '/sandbox/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', ...cors });
      res.write('retry: 1000\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (method !== 'POST' && method !== 'DELETE') throw new HttpError(404, 'Not found');
    // A cross-site form can POST text/plain without a preflight; requiring JSON forces one.
    if (method === 'POST' && !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      throw new HttpError(415, 'Sandbox admin requests need Content-Type: application/json');
    }
    const body = method === 'POST' ? await readJsonBody(req, bodyLimit) : {};
    if (method === 'POST' && path === '/sandbox/faults') {
      faults.configure(body);
      adminNote(`faults set: ${JSON.stringify(faults.snapshot())}`);
      return sendJson(res, 200, faults.snapshot(), cors);
    }
    if (method === 'POST' && path === '/sandbox/program') {
      const program = admin.updateSettings(validateSettings(body));
      adminNote(`program settings changed: ${JSON.stringify(body)}`);
      return sendJson(res, 200, program, cors);
    }
    if (method === 'POST' && path === '/sandbox/partners') {
      const partner = admin.upsertPartner(validatePartner(body));
      adminNote(`partner ${partner.code} saved (${partner.status})`);
      return sendJson(res, 200, partner, cors);
    }
    if (method === 'DELETE' && path.startsWith('/sandbox/partners/')) {
      const code = decodeURIComponent(path.slice('/sandbox/partners/'.length));
      if (!admin.deletePartner(code)) throw new HttpError(404, `No partner ${code} in program ${programId}`);
      adminNote(`partner ${code} removed`);
      return sendJson(res, 200, { ok: true }, cors);
    }
    if (method === 'POST' && path === '/sandbox/shift') {
      const { click_id: clickId, days } = body;
      if (typeof clickId !== 'string' || typeof days !== 'number' || !Number.isFinite(days) || Math.abs(days) > 3650) {
        throw new HttpError(400, 'Expected {"click_id": "<id>", "days": <number of days to move the click into the past>}');
      }
      if (!admin.shiftClick(clickId, days)) throw new HttpError(404, `No customer with click_id ${clickId}`);
      adminNote(`click ${clickId} moved ${days} days into the past`);
      return sendJson(res, 200, { ok: true }, cors);
    }
    if (method === 'POST' && path === '/sandbox/reset') {
      admin.reset();
      faults.clear();
      recentFeed.length = 0;
      adminNote('all tracked data deleted (programs and partners kept), faults cleared');
      return sendJson(res, 200, { ok: true }, cors);
    }
    throw new HttpError(404, 'Not found');
  }

  // -------------------------------------------------------------------------------------------
  // /demo/* — the storefront's "backend": records sales and refunds with the server client, as an
  // integrator's server would (the API key never reaches the browser).

  async function demoRoute(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new HttpError(404, 'Not found');
    const body = await readJsonBody(req, bodyLimit);
    const client = new Affitor({ apiKey, apiUrl: ownUrl });
    if (path === '/demo/checkout') {
      const customerKey = typeof body.customer_key === 'string' && body.customer_key ? body.customer_key : undefined;
      const amount = typeof body.amount_cents === 'number' ? body.amount_cents : 4900;
      const invoiceId = `demo_${randomUUID()}`;
      const clickId = clickIdFromCookieHeader(req.headers.cookie) ?? undefined;
      if (!customerKey && !clickId) throw new HttpError(400, 'Sign up first (or arrive through a partner link): there is no customer to charge');
      const result = await client.trackSale({
        customerExternalId: customerKey,
        clickId,
        amount,
        invoiceId,
        currency: 'USD',
        productId: typeof body.product_id === 'string' ? body.product_id : undefined,
      });
      return sendJson(res, 200, { transaction_id: invoiceId, result });
    }
    if (path === '/demo/refund') {
      if (typeof body.transaction_id !== 'string') throw new HttpError(400, 'Expected {"transaction_id": "<the sale id>"}');
      const result = await client.trackRefund({
        invoiceId: body.transaction_id,
        refundAmountCents: typeof body.refund_amount_cents === 'number' ? body.refund_amount_cents : undefined,
      });
      return sendJson(res, 200, { result });
    }
    throw new HttpError(404, 'Not found');
  }

  // -------------------------------------------------------------------------------------------
  // Pages and files

  function servePage(name: 'index.html' | 'console.html', req: IncomingMessage, res: ServerResponse): void {
    const host = req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : new URL(ownUrl).host;
    const html = readFileSync(join(files.publicDir, name), 'utf8')
      .replaceAll('{{PROGRAM_ID}}', String(programId))
      .replaceAll('{{API_BASE}}', escapeAttribute(`http://${host}`));
    res.writeHead(200, PAGE_HEADERS);
    res.end(html);
  }

  function serveFile(file: string, type: string, res: ServerResponse, extraHeaders: Record<string, string> = {}): void {
    if (!existsSync(file)) throw new HttpError(404, 'Not found');
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...extraHeaders });
    res.end(readFileSync(file));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path.startsWith('/api/v1/track/')) {
      const endpoint = path.slice('/api/v1/track/'.length) as EventType;
      if (!(endpoint in FAILED)) return sendJson(res, 404, { error: 'Not found' }, TRACK_CORS);
      if (method === 'OPTIONS') {
        res.writeHead(204, TRACK_CORS);
        res.end();
        return;
      }
      if (method !== 'POST') return sendJson(res, 405, { error: 'Method not allowed: use POST' }, { ...TRACK_CORS, Allow: 'POST, OPTIONS' });
      try {
        await track(endpoint, req, res);
      } catch (err) {
        if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message }, { ...TRACK_CORS, Connection: err.status === 413 ? 'close' : 'keep-alive' });
        throw err;
      }
      return;
    }

    if (path.startsWith('/sandbox/') || path.startsWith('/demo/')) {
      const cors = loopbackCors(req);
      if (method === 'OPTIONS') {
        res.writeHead(204, cors);
        res.end();
        return;
      }
      try {
        if (path.startsWith('/demo/')) await demoRoute(path, req, res);
        else await adminRoute(path, url, req, res, cors);
      } catch (err) {
        if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message }, cors);
        if (err instanceof SettingsError) return sendJson(res, 400, { error: err.message }, cors);
        throw err;
      }
      return;
    }

    if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 404, { error: 'Not found' });
    // The built scripts as Affitor serves them: /js/affitor-tracker.js, its .plus variant, their maps.
    const script = /^\/js\/(affitor-tracker(?:\.plus)?\.js(?:\.map)?)$/.exec(path);
    if (script) {
      const file = join(files.distDir, script[1]);
      if (!existsSync(file)) {
        return sendJson(res, 404, { error: `The built script is missing (${file}). Run \`npm run build\` first.` });
      }
      return serveFile(file, path.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8', res, {
        'Access-Control-Allow-Origin': '*',
      });
    }
    if (path === '/' || path === '/index.html') return servePage('index.html', req, res);
    if (path === '/console') return servePage('console.html', req, res);
    const asset = /^\/assets\/([a-z0-9-]+)(\.js|\.css|\.svg)$/.exec(path);
    if (asset) return serveFile(join(files.publicDir, asset[1] + asset[2]), ASSET_TYPES[asset[2]], res);
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    sendJson(res, 404, { error: 'Not found' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message });
      // The last line of defence: no input may crash the sandbox.
      adminNote(`internal error on ${req.method} ${req.url}: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal sandbox error' });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err) => {
    await checkpointer?.close();
    db.close();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
  const host = options.host ?? DEFAULT_HOST;
  const loopback = host === '0.0.0.0' || host === '::' || host === 'localhost' ? '127.0.0.1' : host;
  ownUrl = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`;

  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': keep-alive\n\n');
  }, SSE_HEARTBEAT_MS);
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  return {
    url: ownUrl,
    port,
    programId,
    apiKey,
    dbFile: dbFile === MEMORY ? MEMORY : dbFile,
    admin,
    faults,
    onFeed(listener) {
      feedListeners.add(listener);
      return () => feedListeners.delete(listener);
    },
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        for (const client of sseClients) client.end();
        sseClients.clear();
        await new Promise<void>((resolve) => {
          // In-flight requests (e.g. a delayed one) finish and commit; idle keep-alive sockets go now.
          const force = setTimeout(() => server.closeAllConnections(), 5000);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await checkpointer?.close();
        db.close();
      })();
      return closing;
    },
  };
}
