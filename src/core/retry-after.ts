// When a failed answer asks to be tried again (docs/protocol.md §3.4): a 429 or 503 may say so in
// its body or its `Retry-After` header. The retry loop (transport.ts) waits at least that long.

/** The `Retry-After` header, where the answer has headers (users' fetch stand-ins often have none). */
export function retryAfterHeader(res: Response): string | null {
  try {
    return res.headers.get('Retry-After');
  } catch (e) {
    return null;
  }
}

/**
 * How long the server asked us to wait, in ms: the body's `retry_after_seconds`, else `Retry-After`
 * in seconds or as an HTTP date (one already past asks for no wait). Undefined when neither says
 * anything readable.
 */
export function askedWait(body: Record<string, unknown> | undefined, header: string | null): number | undefined {
  const seconds = body && typeof body.retry_after_seconds == 'number' ? body.retry_after_seconds : Number(header || NaN);
  if (seconds >= 0) return seconds * 1000;
  const date = Date.parse(header!);
  return date ? Math.max(0, date - Date.now()) : undefined;
}
