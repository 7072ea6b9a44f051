// The event log: every tracked request becomes one `events` row (what the console and the CLI show),
// with the HTTP answer and a one-line explanation of the decision (docs/protocol.md §10.22).
import type { EventType } from '../endpoints.js';
import type { Statements } from './statements.js';
import { maskEmail, type Body } from './values.js';

/** What the console and the CLI show for one request. `id` is null when nothing was stored. */
export interface Activity {
  id: number | null;
  at: number;
  type: EventType;
  httpStatus: number;
  programId: number | null;
  clickId: string | null;
  partnerCode: string | null;
  isTest: boolean;
  explanation: string;
}

export interface TrackResult {
  status: number;
  body: Record<string, unknown>;
  activity: Activity;
}

/** What the HTTP layer passes in besides the JSON body. */
export interface RequestContext {
  authorization: string | undefined;
  userAgent: string | undefined;
  cookieHeader: string | undefined;
}

/** What an event row says besides its type, time and answer. */
export interface EventDetails {
  body: Body;
  explanation: string;
  programId?: number | null;
  customerId?: number;
  clickId?: string | null;
  partnerCode?: string | null;
  isTest?: boolean;
  sessionId?: string | null;
  affiliateUrl?: string;
  ctx?: RequestContext;
}

export class EventLog {
  constructor(private readonly q: Statements) {}

  /** Stores the event row and builds the result the HTTP layer answers with. */
  record(type: EventType, at: number, status: number, responseBody: Record<string, unknown>, details: EventDetails): TrackResult {
    const stored = { ...details.body };
    // docs/protocol.md §10.14–protocol §10.15: the raw email never reaches disk or the console.
    if (typeof stored.email === 'string') stored.email = maskEmail(stored.email);
    if (type === 'click' && stored.user_agent === undefined && details.ctx?.userAgent) stored.user_agent = details.ctx.userAgent;
    const row = {
      at,
      type,
      program_id: details.programId ?? null,
      customer_id: details.customerId ?? null,
      click_id: details.clickId ?? null,
      partner_code: details.partnerCode ?? null,
      is_test: details.isTest ? 1 : 0,
      http_status: status,
      explanation: details.explanation,
      session_id: details.sessionId ?? null,
      affiliate_url: details.affiliateUrl ?? null,
      request: JSON.stringify(stored),
      response: JSON.stringify(responseBody),
    };
    const id = Number(this.q.insertEvent.run(row).lastInsertRowid);
    return {
      status,
      body: responseBody,
      activity: {
        id,
        at,
        type,
        httpStatus: status,
        programId: row.program_id,
        clickId: row.click_id,
        partnerCode: row.partner_code,
        isTest: row.is_test === 1,
        explanation: row.explanation,
      },
    };
  }

  /** Replaces a stored event's answer (test events answer with their own id). */
  setResponse(id: number, responseBody: Record<string, unknown>): void {
    this.q.setEventResponse.run(JSON.stringify(responseBody), id);
  }
}
