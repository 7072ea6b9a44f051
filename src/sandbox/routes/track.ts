// POST /api/v1/track/<endpoint>: fault injection (docs/protocol.md §10.22), the Idempotency-Key
// (protocol §10.23), then the endpoint's rules inside the group commit, then the answer and the feed.
import type { EventType } from '../endpoints.js';
import { FAILURE_MESSAGES } from '../endpoints.js';
import type { FeedItem } from '../feed.js';
import { TRACK_CORS } from '../http/cors.js';
import { readJsonBody, sendJson } from '../http/io.js';
import { sleep } from '../../shared/sleep.js';
import { idempotencyKeyOf, type KeyedOutcome } from '../idempotency.js';
import type { RequestContext, TrackResult } from '../tracking.js';
import type { Call, SandboxParts } from './context.js';

const KEY_REUSED = 'Idempotency-Key was already used with a different request';

/** The answer to one tracking call, and the feed item that tells of it (null when the sandbox itself failed). */
export interface TrackAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  activity: FeedItem | null;
}

/**
 * One tracking call without its transport (the HTTP route below, and the MSW handlers of
 * affitor-tracker/testing): the rules in the group commit under the Idempotency-Key, or the first
 * answer replayed. `beforeApply` runs after the body is read and before the rules (a delay fault).
 */
export async function answerTrack(
  sandbox: Pick<SandboxParts, 'api' | 'writes' | 'idempotency' | 'feed'>,
  endpoint: EventType,
  body: Record<string, unknown>,
  ctx: RequestContext,
  key: string | null,
  beforeApply?: () => Promise<void>,
): Promise<TrackAnswer> {
  const apply = async (write: (work: () => TrackResult) => TrackResult) => {
    await beforeApply?.();
    return sandbox.writes.run(() => write(() => sandbox.api.track(endpoint, body, ctx)));
  };
  let outcome: KeyedOutcome;
  try {
    outcome =
      key === null
        ? { kind: 'applied', result: await apply((work) => work()) }
        : await sandbox.idempotency.run({ endpoint, authorization: ctx.authorization, key, body }, apply);
  } catch (err) {
    sandbox.feed.note(`${endpoint} failed inside the sandbox: ${(err as Error).message}`);
    return { status: 500, body: { error: FAILURE_MESSAGES[endpoint] }, headers: {}, activity: null };
  }
  if (outcome.kind === 'applied') {
    return { status: outcome.result.status, body: outcome.result.body, headers: {}, activity: { kind: 'activity', ...outcome.result.activity } };
  }
  const status = outcome.kind === 'replayed' ? outcome.answer.status : 422;
  return {
    status,
    body: outcome.kind === 'replayed' ? outcome.answer.body : { error: KEY_REUSED },
    headers: outcome.kind === 'replayed' ? { 'Idempotent-Replayed': 'true' } : {},
    activity: {
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
    },
  };
}

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
  // Slow processing: the request is read, then applied after the delay even if its client has
  // given up by then ("applied after the client timed out"), and a repeat with the same
  // Idempotency-Key arriving meanwhile waits for it.
  const delay =
    fault?.mode === 'delay'
      ? async () => {
          feed.note(`fault injected: ${endpoint} delayed ${fault.delayMs} ms (${fault.count} more to go)`);
          await sleep(fault.delayMs);
        }
      : undefined;
  const answer = await answerTrack(sandbox, endpoint, body, ctx, key, delay);
  if (fault?.mode === 'drop_after' && answer.activity) {
    feed.note(`fault injected: ${endpoint} processed, then connection dropped without an answer (${fault.count} more to go)`);
    req.socket.destroy();
  } else {
    sendJson(res, answer.status, answer.body, { ...TRACK_CORS, ...answer.headers });
  }
  if (answer.activity) feed.publish(answer.activity);
}
