// Which pages may read the sandbox's answers.
import type { IncomingMessage } from 'node:http';

/** Protocol §10 rule 21: what production answers for the tracking API. */
export const TRACK_CORS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
};

/** Admin and demo routes are for pages on this machine only: a site elsewhere must not reset your data. */
export function loopbackCors(req: IncomingMessage): Record<string, string> {
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
