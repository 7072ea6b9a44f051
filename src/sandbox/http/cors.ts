// Which pages may read the tracking API's answers: all of them, as in production.

/** docs/protocol.md §10.21: what production answers for the tracking API. */
export const TRACK_CORS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '86400',
};
