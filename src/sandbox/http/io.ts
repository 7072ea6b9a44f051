// Reading requests and writing answers: the JSON body reader (with its size limit) and the JSON writer.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are not even drained: the connection is closed after the 413. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/** An answer for the client: its status and the `{error}` message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(payload);
}

/** Reads the body as a JSON object. Empty → {}. Throws HttpError 413 / 400 with a clear message. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
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
