// Which pages may read the tracking API's answers: all of them, as in production.

/** docs/protocol.md §10.21: what production answers for the tracking API. */
export const TRACK_CORS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
  // Retry-After is not a CORS-safelisted response header: without this a page on another origin
  // cannot read when a 429/503 asks to be tried again (docs/protocol.md §3.4).
  'Access-Control-Expose-Headers': 'Retry-After',
};
