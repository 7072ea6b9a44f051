// POST /api/v1/track/<endpoint>: fault injection (docs/protocol.md §10.22), the Idempotency-Key
// (protocol §10.23), then the endpoint's rules inside the group commit, then the answer and the feed.
import type { EventType } from '../endpoints.js';
import { FAILURE_MESSAGES } from '../endpoints.js';
import { TRACK_CORS } from '../http/cors.js';
import { readJsonBody, sendJson } from '../http/io.js';
import { sleep } from '../../shared/sleep.js';
import { idempotencyKeyOf, type KeyedOutcome } from '../idempotency.js';
import type { RequestContext, TrackResult } from '../tracking.js';
import type { Call, SandboxParts } from './context.js';

const KEY_REUSED = 'Idempotency-Key was already used with a different request';

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
  const body = await readJsonBody(req, sandbox.bodyLimit);
  const key = idempotencyKeyOf(req.headers['idempotency-key']);
  const ctx: RequestContext = {
    authorization: req.headers.authorization,
    userAgent: req.headers['user-agent'],
    cookieHeader: req.headers.cookie,
  };
  const apply = async (write: (work: () => TrackResult) => TrackResult) => {
    if (fault?.mode === 'delay') {
      // Slow processing: the request is read, then applied after the delay even if its client has
      // given up by then ("applied after the client timed out"), and a repeat with the same
      // Idempotency-Key arriving meanwhile waits for it.
      feed.note(`fault injected: ${endpoint} delayed ${fault.delayMs} ms (${fault.count} more to go)`);
      await sleep(fault.delayMs);
    }
    return sandbox.writes.run(() => write(() => sandbox.api.track(endpoint, body, ctx)));
  };

  let outcome: KeyedOutcome;
  try {
    outcome =
      key === null
        ? { kind: 'applied', result: await apply((work) => work()) }
        : await sandbox.idempotency.run({ endpoint, authorization: ctx.authorization, key, body }, apply);
  } catch (err) {
    feed.note(`${endpoint} failed inside the sandbox: ${(err as Error).message}`);
    sendJson(res, 500, { error: FAILURE_MESSAGES[endpoint] }, TRACK_CORS);
    return;
  }

  const answer = (status: number, answerBody: Record<string, unknown>, headers: Record<string, string> = {}) => {
    if (fault?.mode === 'drop_after') {
      feed.note(`fault injected: ${endpoint} processed, then connection dropped without an answer (${fault.count} more to go)`);
      req.socket.destroy();
    } else {
      sendJson(res, status, answerBody, { ...TRACK_CORS, ...headers });
    }
  };
  if (outcome.kind === 'applied') {
    answer(outcome.result.status, outcome.result.body);
    feed.publish({ kind: 'activity', ...outcome.result.activity });
    return;
  }
  const status = outcome.kind === 'replayed' ? outcome.answer.status : 422;
  if (outcome.kind === 'replayed') answer(status, outcome.answer.body, { 'Idempotent-Replayed': 'true' });
  else answer(422, { error: KEY_REUSED });
  feed.publish({
    kind: 'activity',
    id: null,
    at: Date.now(),
    type: endpoint,
    httpStatus: status,
    programId: null,
    clickId: null,
    partnerCode: null,
    isTest: false,
    explanation:
      outcome.kind === 'replayed'
        ? `repeat with Idempotency-Key ${JSON.stringify(key)}: the first answer (${status}) replayed, nothing applied`
        : `rejected: Idempotency-Key ${JSON.stringify(key)} was first used with a different body (422), nothing applied`,
  });
}
