// Stands in for Next.js's router so the recipe's rewrites can be exercised without installing
// Next.js: the subset of its `source` syntax the recipe uses (literal segments, `:name` for one
// segment, `:name*` for zero or more), destination substitution, and an external-rewrite proxy
// that, like Next's, passes the request headers on and adds X-Forwarded-For.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export interface Rewrite {
  source: string;
  destination: string;
}

function sourcePattern(source: string): RegExp {
  const pattern = source
    .split('/')
    .map((segment) => {
      const param = /^:(\w+)(\*)?$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return param[2] ? `(?<${param[1]}>.*)` : `(?<${param[1]}>[^/]+)`;
    })
    .join('/');
  return new RegExp(`^${pattern}$`);
}

/** The destination URL for `pathname`, or null when no rewrite matches. */
export function applyRewrites(rewrites: Rewrite[], pathname: string): string | null {
  for (const { source, destination } of rewrites) {
    const match = sourcePattern(source).exec(pathname);
    if (match) return destination.replace(/:(\w+)\*?/g, (whole, name: string) => match.groups?.[name] ?? whole);
  }
  return null;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

/** A server that proxies every request matching `rewrites` and answers 404 otherwise. */
export function nextRewriteServer(rewrites: Rewrite[]): RequestListener {
  return (req, res) => void handle(rewrites, req, res);
}

async function handle(rewrites: Rewrite[], req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://next.invalid');
  const destination = applyRewrites(rewrites, url.pathname);
  if (!destination) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return res.end('no rewrite');
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers.set(name, value);
  }
  headers.set('x-forwarded-for', req.socket.remoteAddress ?? '');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const upstream = await fetch(destination + url.search, {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
  });
  const body = Buffer.from(await upstream.arrayBuffer());
  const responseHeaders: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') responseHeaders[name] = value;
  });
  res.writeHead(upstream.status, responseHeaders);
  res.end(body);
}
