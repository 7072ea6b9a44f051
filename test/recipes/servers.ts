// Real HTTP servers for the recipe tests: a recording upstream (to see exactly what a proxy sends)
// and a tiny front server that mounts a node:http handler the way Express or plain Node would.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Running {
  origin: string;
  close(): Promise<void>;
}

export async function listen(handler: RequestListener): Promise<Running & { server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** An upstream that records every request and answers with `reply` (default: 200 `{"ok":true}`). */
export async function recordingUpstream(
  reply: (request: Recorded, res: ServerResponse) => void = (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  },
) {
  const received: Recorded[] = [];
  const running = await listen((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(request);
      reply(request, res);
    });
  });
  return { ...running, received };
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/**
 * What `app.use(prefix, middleware)` does in Express: requests under `prefix` reach the middleware
 * with the prefix stripped from `req.url`; anything it passes on with `next()` falls through (here
 * to a 404 naming the path, so a test can tell "passed on" from "answered").
 */
export function expressStyleMount(prefix: string, middleware: Middleware): RequestListener {
  return (req, res) => {
    const fallThrough = () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`fell through: ${req.url}`);
    };
    const url = req.url ?? '/';
    if (!url.startsWith(prefix + '/')) return fallThrough();
    req.url = url.slice(prefix.length);
    middleware(req, res, fallThrough);
  };
}
