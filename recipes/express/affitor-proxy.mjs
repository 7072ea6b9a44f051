// First-party proxy for Affitor: serves the tracker script and /api/v1/track/* from your own
// origin, so ad blockers that list third-party tracking hosts do not see it, and the browser
// sends no CORS preflight. Copy this file into your project; it has no dependencies
// (Node 18+: global fetch).
//
// Express:   app.use('/affitor', affitorProxy());             // before any body parser
// Node:      const proxy = affitorProxy({ basePath: '/affitor' });
//            http.createServer((req, res) => {
//              if (req.url.startsWith('/affitor/')) return proxy(req, res);
//              // ...your own routes
//            });
// Page:      <script src="/affitor/js/affitor-tracker.js" data-affitor-program-id="123"
//              data-affitor-api-base="/affitor"></script>

/** Paths forwarded upstream; anything else falls through (`next()`) or is a 404. Keeping the
 * list closed stops the proxy from becoming an open relay to the rest of the Affitor API. */
// The script, the core it loads from beside itself and debug mode's extras; the track endpoints.
const FORWARDED_PATH = /^\/(js\/affitor-tracker(\.core|\.debug)?\.js|api\/v1\/track\/(click|lead|sale|refund))$/;

/** Request headers worth passing on. Cookie is deliberately absent: the browser sends your site's
 * cookies (sessions included) to this same-origin path, and they must not leave your server. */
const REQUEST_HEADERS = ['content-type', 'authorization', 'user-agent', 'accept', 'accept-language'];

/** Response headers passed back: the body's type, caching for the script, and Retry-After so the
 * tracker's retry timing still follows the API. */
const RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified', 'retry-after'];

/**
 * @param {object} [options]
 * @param {string} [options.upstream]  Affitor API origin (default https://api.affitor.com; the
 *   sandbox, e.g. http://localhost:4400, in development)
 * @param {string} [options.basePath]  Prefix to strip when the server does not strip it itself
 *   (plain Node). Express's `app.use('/affitor', …)` strips it already.
 * @param {number} [options.timeoutMs] Upstream timeout; a timeout answers 504 (default 10000)
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void}
 */
export function affitorProxy({ upstream = 'https://api.affitor.com', basePath = '', timeoutMs = 10_000 } = {}) {
  const origin = upstream.replace(/\/+$/, '');
  const prefix = basePath.replace(/\/+$/, '');

  return function affitorProxyMiddleware(req, res, next) {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const path = prefix && url.pathname.startsWith(prefix + '/') ? url.pathname.slice(prefix.length) : url.pathname;
    if (!FORWARDED_PATH.test(path)) {
      if (next) return next();
      return sendJson(res, 404, { error: 'Not found' });
    }
    forward(req, res, `${origin}${path}${url.search}`, timeoutMs).catch((error) => {
      // Only reached if answering the visitor failed (connection gone); nothing left to send.
      res.destroy(error);
    });
  };
}

async function forward(req, res, target, timeoutMs) {
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  // The API sees this server as the client; pass the visitor's address along the usual chain.
  const clientIp = req.socket.remoteAddress;
  if (clientIp) {
    const chain = req.headers['x-forwarded-for'];
    headers.set('x-forwarded-for', typeof chain === 'string' && chain ? `${chain}, ${clientIp}` : clientIp);
  }

  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  let upstreamResponse;
  let body;
  try {
    upstreamResponse = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? await readBody(req) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = Buffer.from(await upstreamResponse.arrayBuffer());
  } catch (error) {
    // 502/504 are retryable for the tracker, so a blip here does not lose the click or lead.
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return sendJson(res, timedOut ? 504 : 502, { error: timedOut ? 'Affitor proxy: upstream timed out' : 'Affitor proxy: upstream unreachable' });
  }

  const responseHeaders = {
    // A HEAD answer has no body here, so its length is the upstream's.
    'content-length': req.method === 'HEAD' ? (upstreamResponse.headers.get('content-length') ?? '0') : String(body.length),
  };
  for (const name of RESPONSE_HEADERS) {
    const value = upstreamResponse.headers.get(name);
    if (value !== null) responseHeaders[name] = value;
  }
  res.writeHead(upstreamResponse.status, responseHeaders);
  res.end(body);
}

/** The raw request body. If a body parser (e.g. `express.json()`) already consumed the stream,
 * its parsed result is re-serialised so the request is not forwarded empty. */
async function readBody(req) {
  if (req.readableEnded && req.body !== undefined) {
    if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return req.body;
    return JSON.stringify(req.body);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function sendJson(res, status, payload) {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
