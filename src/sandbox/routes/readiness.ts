// GET /api/v1/programs/me/readiness[?force_recheck=true] (docs/protocol.md §12.4). Every reading is
// computed afresh, so force_recheck changes nothing here; both forms count against one rate limit.
import { sendJson } from '../http/io.js';
import type { Handler, SandboxParts } from './context.js';

/** Readings per program per minute; a poller that waits poll.retry_after_seconds never reaches it. */
export const READINGS_PER_MINUTE = 30;

/** The typed error envelope of this endpoint (unlike the tracking endpoints' `{error: string}`). */
function typedError(code: 'unauthorized' | 'rate_limited', message: string, retryAfterSeconds?: number) {
  return { error: { code, message, ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }) } };
}

/** The reading for this Authorization header: its status, body and headers (the HTTP route, and the MSW handlers of affitor-tracker/testing). */
export function readinessAnswer(
  sandbox: Pick<SandboxParts, 'readiness' | 'readinessLimit'>,
  authorization: string | undefined,
): { status: number; body: unknown; headers: Record<string, string> } {
  const program = sandbox.readiness.programFor(authorization);
  if (!program) {
    return { status: 401, body: typedError('unauthorized', 'Invalid API token: send Authorization: Bearer <the program API key>'), headers: {} };
  }
  const retryAfter = sandbox.readinessLimit.take(program.id);
  if (retryAfter !== null) {
    const message = `More than ${READINGS_PER_MINUTE} readiness readings in a minute: wait poll.retry_after_seconds between readings`;
    return { status: 429, body: typedError('rate_limited', message, retryAfter), headers: { 'Retry-After': String(retryAfter) } };
  }
  return { status: 200, body: sandbox.readiness.compute(program), headers: {} };
}

export const readiness: Handler = (sandbox, { req, res, cors }) => {
  const answer = readinessAnswer(sandbox, req.headers.authorization);
  sendJson(res, answer.status, answer.body, { ...cors, ...answer.headers });
};
