// Reading requests and writing answers: the JSON body reader (with its size limit) and the JSON writer.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are not even drained: the connection is closed after the 413. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
/**
 * Deeper JSON is refused before it is parsed: no tracking body needs it, and JSON.stringify (the
 * event log, the console) recurses, so a body nested thousands deep would fail only after it had
 * been applied.
 */
export const MAX_JSON_DEPTH = 32;

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

/** The deepest nesting of objects and arrays in a JSON text, counted without parsing it (strings skipped). */
function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === '}' || c === ']') {
      depth--;
    }
  }
  return deepest;
}

/** The 413 for a body over `limit` bytes. */
export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body too large (limit ${limit} bytes)`);
}

/** Reads the body as a JSON object. Empty → {}. Throws HttpError 413 / 400 with a clear message. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const tooLarge = () => bodyTooLarge(limit);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > DRAIN_LIMIT_BYTES) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
      } else if (size > DRAIN_LIMIT_BYTES) {
        // A body without a Content-Length (chunked) that keeps coming: answer the 413 now and stop
        // reading; the answer's `Connection: close` then ends the connection.
        req.off('data', onData);
        req.pause();
        reject(tooLarge());
      }
    };
    req.on('data', onData);
    req.on('error', reject);
    // A client that goes away mid-body: settle (nobody reads this answer).
    req.on('close', () => {
      if (!req.complete) reject(tooLarge());
    });
    req.on('end', () => {
      if (size > limit) return reject(tooLarge());
      try {
        resolve(parseJsonObject(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/** A request body's text as a JSON object. Empty → {}. Throws HttpError 400 with a clear message. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw new HttpError(400, `JSON body nested too deeply (limit ${MAX_JSON_DEPTH} levels)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `Malformed JSON body: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'Request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
