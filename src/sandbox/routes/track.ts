// POST /api/v1/track/<endpoint>: fault injection (protocol §10 rule 22), then the endpoint's rules
// inside the group commit, then the answer and the feed.
import type { EventType } from '../endpoints.js';
import { FAILURE_MESSAGES } from '../endpoints.js';
import { TRACK_CORS } from '../http/cors.js';
import { readJsonBody, sendJson } from '../http/io.js';
import type { RequestContext, TrackResult } from '../tracking.js';
import type { Call, SandboxParts } from './context.js';

export async function track(sandbox: SandboxParts, endpoint: EventType, { req, res }: Call): Promise<void> {
  const { faults, feed } = sandbox;
  const fault = faults.take(endpoint);
  if (fault?.mode === '503') {
    feed.note(`fault injected: ${endpoint} answered 503 (${fault.count} more to go)`);
    sendJson(res, 503, { error: 'Service unavailable (sandbox fault injection)' }, { ...TRACK_CORS, 'Retry-After': '1' });
    return;
  }
  if (fault?.mode === 'drop') {
    feed.note(`fault injected: ${endpoint} connection dropped before processing (${fault.count} more to go)`);
    req.socket.destroy();
    return;
  }
  if (fault?.mode === 'delay') {
    feed.note(`fault injected: ${endpoint} delayed ${fault.delayMs} ms (${fault.count} more to go)`);
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  }
  const body = await readJsonBody(req, sandbox.bodyLimit);
  const ctx: RequestContext = {
    authorization: req.headers.authorization,
    userAgent: req.headers['user-agent'],
    cookieHeader: req.headers.cookie,
  };
  let result: TrackResult;
  try {
    result = await sandbox.writes.run(() => sandbox.api.track(endpoint, body, ctx));
  } catch (err) {
    feed.note(`${endpoint} failed inside the sandbox: ${(err as Error).message}`);
    sendJson(res, 500, { error: FAILURE_MESSAGES[endpoint] }, TRACK_CORS);
    return;
  }
  if (fault?.mode === 'drop_after') {
    feed.note(`fault injected: ${endpoint} stored, then connection dropped without an answer (${fault.count} more to go)`);
    req.socket.destroy();
  } else {
    sendJson(res, result.status, result.body, TRACK_CORS);
  }
  feed.publish({ kind: 'activity', ...result.activity });
}
