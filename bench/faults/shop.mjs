// The merchant: a small Node server for http://shop.test:PORT that serves the pages of a journey
// (landing, a second page, signup) with the tracker tag pointing at the sandbox, and acts as the
// merchant's backend the way the docs tell integrators to build it:
// - every HTML response re-issues the affitor cookies with `refreshAffitorCookies` (Safari's cap);
// - `POST /api/checkout` records the sale with the server client, using the customer key and the
//   click id read from the request's own Cookie header.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Affitor, clickIdFromCookieHeader, refreshAffitorCookies } from '../../dist/server.js';

const TRACKER_FILE = fileURLToPath(new URL('../../dist/affitor-tracker.js', import.meta.url));
// Consent mode is in its own script: the main one given consent "required" tracks nothing.
const CONSENT_TRACKER_FILE = fileURLToPath(new URL('../../dist/affitor-tracker.consent.js', import.meta.url));
// What the main script loads from beside itself when a page needs more than a plain visit.
const CORE_FILE = fileURLToPath(new URL('../../dist/affitor-tracker.core.js', import.meta.url));
export const SHOP_HOST = 'shop.test';
/**
 * The `domain=` the script's probe settles on for http://shop.test (protocol §4.3: the broadest
 * candidate that sticks). The refresh must use the same, or it would create a second cookie.
 */
export const SHOP_COOKIE_DOMAIN = '.shop.test';
/** Site configuration the bench sets per browser context, read by the server to vary the tag. */
export const JOURNEY_COOKIE = 'bench_journey';
export const CONSENT_COOKIE = 'bench_consent';
export const SALE_AMOUNT_CENTS = 4900;

const PAGES = {
  '/': 'Landing',
  '/pricing': 'Pricing',
  '/signup': 'Sign up',
};

/**
 * @param {{port: number, apiKey: string, programId: number, url: string}} sandbox a started sandbox
 * @param {{refresh?: boolean}} [options] `refresh: false` leaves out the Safari refresh (a control run)
 */
export async function startShop(sandbox, { refresh = true } = {}) {
  const tracker = readFileSync(TRACKER_FILE);
  const consentTracker = readFileSync(CONSENT_TRACKER_FILE);
  const scripts = { '/affitor-tracker.js': tracker, '/affitor-tracker.consent.js': consentTracker, '/affitor-tracker.core.js': readFileSync(CORE_FILE) };
  const affitor = new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.url });
  const apiBase = `http://api.test:${sandbox.port}`;
  /** journey id → cookie name → Date.now() of the last Set-Cookie this server sent for it. */
  const serverWrites = new Map();

  function page(title, consentRequired) {
    const consent = consentRequired ? ' data-affitor-consent="required"' : '';
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
<script src="${consentRequired ? '/affitor-tracker.consent.js' : '/affitor-tracker.js'}" data-affitor-program-id="${sandbox.programId}" data-affitor-api-base="${apiBase}"${consent}></script>
</head><body><h1>${title}</h1><p><a href="/pricing">Pricing</a> · <a href="/signup">Sign up</a></p></body></html>`;
  }

  async function readJson(req) {
    let text = '';
    for await (const chunk of req) text += chunk;
    return JSON.parse(text);
  }

  async function checkout(req, res) {
    const { customerKey, invoiceId } = await readJson(req);
    const clickId = clickIdFromCookieHeader(req.headers.cookie);
    const result = await affitor.trackSale({
      customerExternalId: customerKey,
      clickId: clickId ?? undefined,
      amount: SALE_AMOUNT_CENTS,
      currency: 'USD',
      invoiceId,
    });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ clickId, status: result.status, ok: result.ok, error: result.error ?? null, data: result.data }));
  }

  function serve(req, res) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/api/checkout') return checkout(req, res);
    if (scripts[path]) {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      return res.end(scripts[path]);
    }
    const title = PAGES[path];
    if (!title) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    const cookies = req.headers.cookie ?? '';
    if (refresh) refreshAffitorCookies(req, res, { domain: SHOP_COOKIE_DOMAIN });
    const journey = new RegExp(`(?:^|;\\s*)${JOURNEY_COOKIE}=([^;]+)`).exec(cookies)?.[1];
    const issued = res.getHeader('set-cookie');
    if (journey && issued) {
      const writes = serverWrites.get(journey) ?? new Map();
      for (const cookie of [].concat(issued)) writes.set(cookie.slice(0, cookie.indexOf('=')), Date.now());
      serverWrites.set(journey, writes);
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.writeHead(200);
    res.end(page(title, new RegExp(`(?:^|;\\s*)${CONSENT_COOKIE}=required`).test(cookies)));
  }

  const server = http.createServer((req, res) => {
    Promise.resolve(serve(req, res)).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err?.stack ?? err));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    origin: `http://${SHOP_HOST}:${port}`,
    /** Cookie name → time of the last Set-Cookie sent to this journey's browser. */
    serverWrites: (journey) => serverWrites.get(journey) ?? new Map(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
