// GET /api/v1/programs/me/readiness[?force_recheck=true] (docs/protocol.md §12.4). Every reading is
// computed afresh, so force_recheck changes nothing here; both forms count against one rate limit.
import { sendJson } from '../http/io.js';
import type { Handler } from './context.js';

/** Readings per program per minute; a poller that waits poll.retry_after_seconds never reaches it. */
export const READINGS_PER_MINUTE = 30;

/** The typed error envelope of this endpoint (unlike the tracking endpoints' `{error: string}`). */
function typedError(code: 'unauthorized' | 'rate_limited', message: string, retryAfterSeconds?: number) {
  return { error: { code, message, ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }) } };
}

export const readiness: Handler = (sandbox, { req, res, cors }) => {
  const program = sandbox.readiness.programFor(req.headers.authorization);
  if (!program) {
    sendJson(res, 401, typedError('unauthorized', 'Invalid API token: send Authorization: Bearer <the program API key>'), cors);
    return;
  }
  const retryAfter = sandbox.readinessLimit.take(program.id);
  if (retryAfter !== null) {
    const message = `More than ${READINGS_PER_MINUTE} readiness readings in a minute: wait poll.retry_after_seconds between readings`;
    sendJson(res, 429, typedError('rate_limited', message, retryAfter), { ...cors, 'Retry-After': String(retryAfter) });
    return;
  }
  sendJson(res, 200, sandbox.readiness.compute(program), cors);
};
