// A real HTTP server for the shop's pages: fixture HTML registered per test, the built
// dist/affitor-tracker.js (a snapshot taken when the server starts, i.e. once per test) and small assets.
// Pages are reached as http://shop.test:PORT/... ; the browser maps every name to loopback, so
// the same server also answers http://www.shop.test:PORT, http://localhost:PORT, http://127.0.0.1:PORT.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** AFFITOR_TRACKER_FILE serves another build instead (e.g. a deliberately broken one, to see a spec fail). */
export const TRACKER_FILE = resolve(process.cwd(), process.env.AFFITOR_TRACKER_FILE || 'dist/affitor-tracker.js');
/** Served at this path; fixtures' tags point here. */
export const TRACKER_PATH = '/affitor-tracker.js';
/** The consent-mode variant, served beside the main script (consent specs use it). */
export const CONSENT_TRACKER_PATH = '/affitor-tracker.consent.js';
/** The debug extras every script variant fetches from beside itself in debug mode. */
export const DEBUG_EXTRAS_PATH = '/affitor-tracker.debug.js';
/** The core the main script fetches from beside itself when a page needs more than a plain visit. */
export const CORE_PATH = '/affitor-tracker.core.js';
/** The single-file variant: the main script and the core in one file. */
export const SINGLE_TRACKER_PATH = '/affitor-tracker.single.js';
/** A host script placed after the tracker on every fixture page: proves the page's own later code still runs. */
export const HOST_SCRIPT_PATH = '/host-after.js';

export interface Served {
  body: string | Buffer | (() => string | Buffer);
  contentType?: string;
  headers?: Record<string, string>;
  status?: number;
  /** Answers this much later (a slow file). */
  delayMs?: number;
}

export interface PagesServer {
  /** `http://shop.test:PORT` */
  origin: string;
  port: number;
  /** Full URL on the shop origin, or on another host name (`localhost`, `www.shop.test`, ...). */
  url(pathAndQuery: string, host?: string): string;
  /** Serve `served` at `path` (query string ignored when matching). */
  serve(path: string, served: Served): void;
  /** Paths of every request, in order (with query). */
  requests: { path: string; host: string; time: number }[];
  close(): Promise<void>;
}

export function readTracker(): Buffer {
  try {
    return readFileSync(TRACKER_FILE);
  } catch {
    throw new Error(`${TRACKER_FILE} is missing: run \`npm run build\` first (npm test builds it).`);
  }
}

/** The core the main script loads from beside itself (dist/affitor-tracker.core.js). */
export const readCore = (): Buffer => readFileSync(resolve(process.cwd(), 'dist' + CORE_PATH));

/**
 * The tracker as built now. Read once per server (so once per test): a rebuild running meanwhile
 * (build.mjs first deletes dist/) cannot swap the file under a test halfway. If it is missing, wait
 * a few seconds for such a rebuild to finish before failing with the clear error.
 */
async function trackerSnapshot(): Promise<Buffer> {
  for (let waited = 0; ; waited += 250) {
    try {
      return readFileSync(TRACKER_FILE);
    } catch {
      if (waited >= 15_000) return readTracker();
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function startPagesServer(options: { host?: string } = {}): Promise<PagesServer> {
  const host = options.host ?? 'shop.test';
  const routes = new Map<string, Served>();
  const requests: PagesServer['requests'] = [];
  const sockets = new Set<Socket>();
  routes.set(TRACKER_PATH, { body: await trackerSnapshot(), contentType: 'text/javascript' });
  // The files beside it, from the same build: the main script pins the core's bytes by integrity.
  for (const path of [CORE_PATH, SINGLE_TRACKER_PATH, CONSENT_TRACKER_PATH, DEBUG_EXTRAS_PATH]) {
    routes.set(path, { body: readFileSync(resolve(process.cwd(), 'dist' + path)), contentType: 'text/javascript' });
  }
  // An empty favicon keeps the browser's automatic request from logging a 404 to the console.
  routes.set('/favicon.ico', { body: '', contentType: 'image/x-icon' });
  routes.set(HOST_SCRIPT_PATH, {
    body: 'window.__hostAfter = (window.__hostAfter || 0) + 1;',
    contentType: 'text/javascript',
  });

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const full = req.url ?? '/';
    requests.push({ path: full, host: req.headers.host ?? '', time: Date.now() });
    const served = routes.get(full.split('?')[0]);
    if (!served) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end(`no fixture at ${full}`);
    }
    if (served.delayMs) await new Promise((r) => setTimeout(r, served.delayMs));
    let body: string | Buffer;
    try {
      body = typeof served.body === 'function' ? served.body() : served.body;
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      return res.end(String(e));
    }
    res.writeHead(served.status ?? 200, {
      'Content-Type': served.contentType ?? 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...served.headers,
    });
    res.end(body);
  };
  const server = http.createServer((req, res) => void answer(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${port}`,
    port,
    url: (p, h = host) => `http://${h}:${port}${p}`,
    serve: (path, served) => void routes.set(path, served),
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
