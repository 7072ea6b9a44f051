// The route table: every path the sandbox answers, in one list, and the dispatcher that picks the
// route, answers preflights, wrong methods and unknown paths, and turns thrown errors into answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SettingsError } from './admin.js';
import { TRACK_ENDPOINTS } from './endpoints.js';
import { TRACK_CORS } from './http/cors.js';
import { isAllowedHost, isSameOriginOrNone } from './http/guard.js';
import { HttpError, sendJson } from './http/io.js';
import * as admin from './routes/admin.js';
import type { Handler, SandboxParts } from './routes/context.js';
import * as demo from './routes/demo.js';
import * as pages from './routes/pages.js';
import { provider } from './routes/providers.js';
import { readiness } from './routes/readiness.js';
import { track } from './routes/track.js';

type Method = 'GET' | 'POST' | 'DELETE';

interface Route {
  method: Method;
  /** An exact path, or a pattern whose groups become the handler's params. */
  path: string | RegExp;
  handle: Handler;
}

/**
 * - `api`: the Affitor-compatible API, open to every origin as production is (docs/protocol.md §10.21).
 * - `local`: the admin API and the demo backend: written to only by the sandbox's own pages (or by
 *   programs, which send no Origin), so no CORS headers at all.
 * - `files`: pages, assets and the built scripts.
 */
type Surface = 'api' | 'local' | 'files';

export const ROUTES: readonly Route[] = [
  ...TRACK_ENDPOINTS.map((endpoint): Route => ({
    method: 'POST',
    path: `/api/v1/track/${endpoint}`,
    handle: (sandbox, call) => track(sandbox, endpoint, call),
  })),
  { method: 'GET', path: '/api/v1/programs/me/readiness', handle: readiness },
  { method: 'GET', path: '/sandbox/state', handle: admin.getState },
  { method: 'GET', path: '/sandbox/faults', handle: admin.getFaults },
  { method: 'POST', path: '/sandbox/faults', handle: admin.setFaults },
  { method: 'GET', path: '/sandbox/events', handle: admin.streamEvents },
  { method: 'POST', path: '/sandbox/program', handle: admin.setProgram },
  { method: 'POST', path: '/sandbox/partners', handle: admin.savePartner },
  { method: 'DELETE', path: /^\/sandbox\/partners\/(.+)$/, handle: admin.deletePartner },
  { method: 'POST', path: '/sandbox/shift', handle: admin.shiftClick },
  { method: 'POST', path: '/sandbox/reset', handle: admin.reset },
  { method: 'POST', path: '/demo/checkout', handle: demo.checkout },
  { method: 'POST', path: '/demo/refund', handle: demo.refund },
  { method: 'POST', path: '/demo/provider', handle: provider },
  { method: 'GET', path: /^\/js\/(affitor-tracker(?:\.core|\.single|\.consent|\.plus|\.debug)?\.js(?:\.map)?)$/, handle: pages.script },
  { method: 'GET', path: '/', handle: pages.storefront },
  { method: 'GET', path: '/index.html', handle: pages.storefront },
  { method: 'GET', path: '/console', handle: pages.consolePage },
  { method: 'GET', path: /^\/assets\/([a-z0-9-]+)(\.js|\.css|\.svg)$/, handle: pages.asset },
  { method: 'GET', path: '/favicon.ico', handle: pages.favicon },
];

function surfaceOf(path: string): Surface {
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/sandbox/') || path.startsWith('/demo/')) return 'local';
  return 'files';
}

/** Exact paths looked up directly (a Map: inherited names such as `toString` are never keys). */
const EXACT_ROUTES = new Map<string, Route[]>();
for (const route of ROUTES) {
  if (typeof route.path === 'string') EXACT_ROUTES.set(route.path, [...(EXACT_ROUTES.get(route.path) ?? []), route]);
}
const PATTERN_ROUTES = ROUTES.filter((route): route is Route & { path: RegExp } => route.path instanceof RegExp);

/** The routes for this path, each with its decoded params. Throws HttpError 400 on bad percent-encoding. */
function routesFor(path: string): Array<{ route: Route; params: string[] }> {
  const exact = EXACT_ROUTES.get(path);
  if (exact) return exact.map((route) => ({ route, params: [] }));
  const found: Array<{ route: Route; params: string[] }> = [];
  for (const route of PATTERN_ROUTES) {
    const match = route.path.exec(path);
    if (match) found.push({ route, params: match.slice(1).map(decodePathPart) });
  }
  return found;
}

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, `Malformed percent-encoding in the path: ${part}`);
  }
}

/** Refuses what no route may see: a foreign Host, and writes to the local surface from another origin or not in JSON. */
function refusal(sandbox: SandboxParts, surface: Surface, req: IncomingMessage): HttpError | null {
  if (!isAllowedHost(req.headers.host, sandbox.allowedHosts)) {
    return new HttpError(
      403,
      `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed: the sandbox answers localhost, *.localhost, IP addresses ` +
        'and the hosts given with --allowed-host (a guard against DNS rebinding)',
    );
  }
  if (surface !== 'local' || (req.method !== 'POST' && req.method !== 'DELETE')) return null;
  if (!isSameOriginOrNone(req)) {
    return new HttpError(403, `Writes from another origin (${req.headers.origin}) are refused: use the sandbox's own pages, or call it from a program`);
  }
  // A cross-site form can POST text/plain without a preflight; requiring JSON forces one.
  if (req.method === 'POST' && !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return new HttpError(415, 'Sandbox admin and demo requests need Content-Type: application/json');
  }
  return null;
}

export async function dispatch(sandbox: SandboxParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const path = url.pathname;
  const surface = surfaceOf(path);
  const cors: Record<string, string> = surface === 'api' ? { ...TRACK_CORS } : {};
  // HEAD is GET without a body (node:http drops the body).
  const method = req.method === 'HEAD' && surface === 'files' ? 'GET' : (req.method ?? 'GET');
  let candidates: Array<{ route: Route; params: string[] }>;
  try {
    const refused = refusal(sandbox, surface, req);
    if (refused) throw refused;
    candidates = routesFor(path);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    sendJson(res, err.status, { error: err.message }, cors);
    return;
  }
  const chosen = candidates.find(({ route }) => route.method === method);
  if (!chosen) {
    if (method === 'OPTIONS' && (surface === 'local' || (surface === 'api' && candidates.length > 0))) {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (surface === 'api' && candidates.length > 0) {
      const allowed = [...new Set(candidates.map(({ route }) => route.method))].join(', ');
      sendJson(res, 405, { error: `Method not allowed: use ${allowed}` }, { ...cors, Allow: `${allowed}, OPTIONS` });
      return;
    }
    sendJson(res, 404, { error: 'Not found' }, cors);
    return;
  }
  try {
    await chosen.route.handle(sandbox, { req, res, url, params: chosen.params, cors });
  } catch (err) {
    if (err instanceof HttpError) {
      // After a 413 the rest of the body is not read: close the connection rather than parse it as a request.
      sendJson(res, err.status, { error: err.message }, err.status === 413 ? { ...cors, Connection: 'close' } : cors);
      return;
    }
    if (err instanceof SettingsError && surface === 'local') {
      sendJson(res, 400, { error: err.message }, cors);
      return;
    }
    throw err;
  }
}
