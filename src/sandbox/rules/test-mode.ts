// Test mode (docs/protocol.md §5.5, protocol §10.18): the event is stored as `is_test` with no side effects and
// answered with its own id.
import { CLICK_ID_COOKIE, pickClickId } from '../../shared/cookies.js';
import type { EventType } from '../endpoints.js';
import type { ProgramRow } from '../schema.js';
import { knownProgramId } from './auth.js';
import type { Rules } from './context.js';
import type { RequestContext, TrackResult } from './event-log.js';
import type { Body } from './values.js';

const LABELS: Readonly<Record<EventType, string>> = { click: 'Test click', lead: 'Test lead', sale: 'Test sale', refund: 'Test refund' };

export function testEvent(rules: Rules, type: EventType, body: Body, extra: Body, keyProgram: ProgramRow | null, ctx: RequestContext): TrackResult {
  const at = rules.now();
  const programId = keyProgram?.id ?? knownProgramId(rules, extra.program_id ?? body.program_id);
  const result = rules.log.record(type, at, 200, {}, {
    body,
    programId,
    isTest: true,
    explanation: explainTestEvent(rules, type, body, programId, ctx),
  });
  const responseBody = { success: true, message: `${LABELS[type]} event tracked successfully`, data: { eventId: result.activity.id, programId, test_mode: true } };
  rules.log.setResponse(result.activity.id!, responseBody);
  return { ...result, body: responseBody };
}

/**
 * A test click is the debug-mode pageview (docs/protocol.md §7). When the page is served by the sandbox
 * itself, its cookies come along, so the console can say why the tracker sent no real click.
 */
function explainTestEvent(rules: Rules, type: EventType, body: Body, programId: number | null, ctx: RequestContext): string {
  const base = `test ${type === 'click' ? 'pageview (debug mode)' : type} for program ${programId ?? 'unknown'}: no side effects`;
  if (type !== 'click' || !ctx.cookieHeader || typeof body.affiliate_url !== 'string') return base;
  let aff: string | null = null;
  try {
    aff = new URL(body.affiliate_url).searchParams.get('aff');
  } catch {
    return base;
  }
  const cookieClickId = pickClickId(ctx.cookieHeader, CLICK_ID_COOKIE);
  if (!aff || !cookieClickId) return base;
  const customer = rules.q.customerByClickId.get(cookieClickId);
  if (customer && customer.partner_code === aff) {
    return `${base}; no re-track: same partner ${aff} (the visitor already has click_id ${customer.click_id})`;
  }
  return base;
}
