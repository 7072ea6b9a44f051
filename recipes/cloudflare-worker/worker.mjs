// First-party proxy for Affitor as a Cloudflare Worker: serves the tracker script and
// /api/v1/track/* from your own domain, so blockers that list third-party tracking hosts do not
// see it, and the browser sends no CORS preflight.
//
// wrangler.toml:
//   name = "affitor-proxy"
//   main = "worker.mjs"
//   compatibility_date = "2025-01-01"
//   routes = [{ pattern = "example.com/affitor/*", zone_name = "example.com" }]
//   [vars]
//   AFFITOR_API_URL = "https://api.affitor.com"   # optional; the default
//   AFFITOR_BASE_PATH = "/affitor"                # optional; must match the route
// Page:
//   <script src="/affitor/js/affitor-tracker.js" data-affitor-program-id="123"
//     data-affitor-api-base="/affitor"></script>
//
// The same handler works as a Next.js App Router route handler
// (app/affitor/[...path]/route.js: `export const GET = (r) => worker.fetch(r, {}); export const POST = GET;`).

/** Paths forwarded upstream. A closed list keeps the Worker from relaying the rest of the API. */
// The script, the core it loads from beside itself and debug mode's extras; the track endpoints.
const FORWARDED_PATH = /^\/(js\/affitor-tracker(\.core|\.debug)?\.js|api\/v1\/track\/(click|lead|sale|refund))$/;

/** Request headers worth passing on. Cookie is deliberately absent: the browser sends your site's
 * cookies (sessions included) to this same-origin path, and they must not leave your domain. */
const REQUEST_HEADERS = ['content-type', 'authorization', 'user-agent', 'accept', 'accept-language'];

/** Response headers passed back: the body's type, caching for the script, and Retry-After so the
 * tracker's retry timing still follows the API. */
const RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified', 'retry-after'];

export default {
  /**
   * @param {Request} request
   * @param {{ AFFITOR_API_URL?: string, AFFITOR_BASE_PATH?: string }} env
   * @returns {Promise<Response>}
   */
  async fetch(request, env) {
    const upstream = (env.AFFITOR_API_URL || 'https://api.affitor.com').replace(/\/+$/, '');
    const basePath = (env.AFFITOR_BASE_PATH || '/affitor').replace(/\/+$/, '');
    const url = new URL(request.url);
    const path = url.pathname.startsWith(basePath + '/') ? url.pathname.slice(basePath.length) : '';
    if (!FORWARDED_PATH.test(path)) return Response.json({ error: 'Not found' }, { status: 404 });

    const headers = new Headers();
    for (const name of REQUEST_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    // Cloudflare puts the visitor's address in CF-Connecting-IP; the API would otherwise see only
    // Cloudflare's. Outside Cloudflare (e.g. a Next.js route handler) keep the incoming chain.
    const clientIp = request.headers.get('cf-connecting-ip') ?? request.headers.get('x-forwarded-for');
    if (clientIp) headers.set('x-forwarded-for', clientIp);

    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    let upstreamResponse;
    let body;
    try {
      upstreamResponse = await fetch(upstream + path + url.search, {
        method: request.method,
        headers,
        // Buffered: track bodies are a few hundred bytes, and a buffer needs no streaming options.
        body: hasBody ? await request.arrayBuffer() : undefined,
        redirect: 'manual',
      });
      body = await upstreamResponse.arrayBuffer();
    } catch {
      // 502 is retryable for the tracker, so a blip here does not lose the click or lead.
      return Response.json({ error: 'Affitor proxy: upstream unreachable' }, { status: 502 });
    }

    const responseHeaders = new Headers();
    for (const name of RESPONSE_HEADERS) {
      const value = upstreamResponse.headers.get(name);
      if (value !== null) responseHeaders.set(name, value);
    }
    // These statuses (and HEAD answers) must not carry a body; `new Response` throws otherwise.
    const bodiless = request.method === 'HEAD' || [101, 204, 205, 304].includes(upstreamResponse.status);
    return new Response(bodiless ? null : body, { status: upstreamResponse.status, headers: responseHeaders });
  },
};
