// POST /api/v1/track/click (docs/protocol.md §5.1; protocol §10.1, §10.2, §10.19).
import type { Rules } from './context.js';
import type { RequestContext, TrackResult } from './event-log.js';
import { testEvent } from './test-mode.js';
import { DAY_MS, objectOrEmpty, text, type Body } from './values.js';

/** docs/protocol.md §10.19: a click retried with the same session_id + affiliate_url within this window is a duplicate. */
const CLICK_RETRY_WINDOW_MS = DAY_MS;

/** Mints `cust_<programId>_<ms>`, unique: the ms part moves forward by one when two clicks share a millisecond. */
export class ClickIdMinter {
  private lastMintedMs = 0;

  constructor(private readonly rules: Rules) {}

  mint(programId: number, at: number): string {
    let ms = Math.max(at, this.lastMintedMs + 1);
    while (this.rules.q.clickIdTaken.get(`cust_${programId}_${ms}`)) ms++;
    this.lastMintedMs = ms;
    return `cust_${programId}_${ms}`;
  }
}

export function click(rules: Rules, clickIds: ClickIdMinter, body: Body, ctx: RequestContext): TrackResult {
  const at = rules.now();
  const extra = objectOrEmpty(body.additional_data);
  if (extra.test_mode === true) return testEvent(rules, 'click', body, extra, null, ctx);

  const reject = (message: string, explanation: string, partnerCode: string | null = null) =>
    rules.log.record('click', at, 400, { error: message }, { body, explanation, partnerCode });

  const rawUrl = body.affiliate_url;
  if (rawUrl === undefined || rawUrl === null || rawUrl === '') {
    return reject('affiliate_url is required', 'rejected: no affiliate_url');
  }
  const url = typeof rawUrl === 'string' ? parseHttpUrl(rawUrl) : null;
  if (!url || typeof rawUrl !== 'string') {
    return reject('Invalid affiliate_url', 'rejected: affiliate_url is not an absolute http(s) URL');
  }
  const code = url.searchParams.get('aff');
  if (!code) return reject('No aff parameter found in affiliate_url', 'rejected: affiliate_url has no aff');

  const sessionId = text(body.session_id);
  if (sessionId) {
    const original = rules.q.clickRetry.get(sessionId, rawUrl, at - CLICK_RETRY_WINDOW_MS);
    if (original) {
      // Nothing is stored for a retry; the console still hears about it.
      return {
        status: 200,
        body: JSON.parse(original.response) as Body,
        activity: {
          id: null,
          at,
          type: 'click',
          httpStatus: 200,
          programId: null,
          clickId: original.click_id,
          partnerCode: code,
          isTest: false,
          explanation: `duplicate click (retry) — same ${original.click_id ? 'click_id' : 'response'} returned, nothing stored`,
        },
      };
    }
  }

  const partner = rules.q.partner.get(code);
  if (!partner) return reject('Referral link not found', `rejected: unknown partner code "${code}"`, code);
  const program = rules.q.programById.get(partner.program_id);
  if (partner.status === 'misconfigured' || !program) {
    return reject('Invalid referral link configuration', `rejected: link ${code} is misconfigured`, code);
  }
  const clickFields = { body, partnerCode: code, programId: program.id, sessionId, affiliateUrl: rawUrl, ctx };
  if (partner.status === 'inactive') {
    return rules.log.record('click', at, 200, { success: false, message: 'Referral link is inactive' }, {
      ...clickFields,
      explanation: `link ${code} is inactive: nothing attributed (tracker writes no cookie)`,
    });
  }

  const existingClickId = text(body.existing_click_id);
  const existing = existingClickId ? rules.q.customerByClickId.get(existingClickId) : undefined;
  let customer: { id: number; click_id: string; partner_code: string };
  let explanation: string;
  if (existing && existing.program_id === program.id) {
    if (existing.status === 'conversion') {
      customer = existing;
      explanation = `partner locked after conversion: click from ${code} recorded, customer stays with ${existing.partner_code}`;
    } else {
      rules.q.switchPartner.run(code, at, existing.id);
      customer = { ...existing, partner_code: code };
      explanation =
        existing.partner_code === code
          ? `re-click from ${code}: same customer, same click_id, window restarts`
          : `partner switch: ${existing.partner_code} → ${code} (last click wins), same click_id`;
    }
  } else {
    const clickId = clickIds.mint(program.id, at);
    const inserted = rules.q.insertCustomer.run(program.id, clickId, code, at, at);
    customer = { id: Number(inserted.lastInsertRowid), click_id: clickId, partner_code: code };
    explanation = existingClickId
      ? `new customer from ${code}: existing_click_id ${existingClickId} is unknown or from another program`
      : `new customer from ${code} (first click)`;
  }
  return rules.log.record(
    'click',
    at,
    200,
    { success: true, click_id: customer.click_id, partner_code: customer.partner_code, cookie_window_days: program.cookie_window_days },
    { ...clickFields, customerId: customer.id, clickId: customer.click_id, partnerCode: customer.partner_code, explanation },
  );
}

function parseHttpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
