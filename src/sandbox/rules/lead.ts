// POST /api/v1/track/lead (docs/protocol.md §5.2; protocol §10.3, §10.5, §10.6, §10.16, §10.17).
import type { CustomerRow } from '../schema.js';
import { authenticate, knownProgramId, unauthorized } from './auth.js';
import type { Rules } from './context.js';
import type { RequestContext, TrackResult } from './event-log.js';
import { testEvent } from './test-mode.js';
import { hashEmail, idText, maskEmail, objectOrEmpty, text, type Body } from './values.js';

/** docs/protocol.md §10.20: the newest click ids kept with a lead, for audit only. */
const MAX_STORED_CLICK_IDS = 20;

export function lead(rules: Rules, body: Body, ctx: RequestContext): TrackResult {
  const { q, log } = rules;
  const at = rules.now();
  const auth = authenticate(rules, ctx.authorization, false);
  if (auth === 'invalid') return unauthorized(rules, 'lead', at, body);
  const extra = objectOrEmpty(body.additional_data);
  if (extra.test_mode === true) return testEvent(rules, 'lead', body, extra, auth, ctx);

  const clickId = idText(body.click_id);
  const key = idText(body.customer_key);
  const reject = (message: string, explanation: string, customer?: CustomerRow) =>
    log.record('lead', at, 400, { error: message }, {
      body,
      explanation,
      customerId: customer?.id,
      clickId: customer?.click_id ?? clickId,
      partnerCode: customer?.partner_code,
      programId: customer?.program_id ?? auth?.id,
    });
  if (!clickId && !key) return reject('click_id or customer_key is required', 'rejected: no click_id or customer_key');

  let customer = clickId ? q.customerByClickId.get(clickId) : undefined;
  if (!customer && key) {
    const scope = auth?.id ?? knownProgramId(rules, body.program_id ?? extra.program_id);
    customer =
      scope !== null
        ? (q.customerByKey.get(scope, key) ?? q.customerByProvisionalKey.get(scope, key))
        : q.customerByKeyAnyProgram.get(key);
  }
  if (!customer) {
    return reject(
      'Customer not found. Provide a valid click_id or customer_key.',
      `rejected: no customer for ${clickId ? `click_id ${clickId}` : `customer_key ${key}`}`,
    );
  }
  if (auth && customer.program_id !== auth.id) {
    return reject('Customer does not belong to this program', `rejected: ${customer.click_id} belongs to program ${customer.program_id}`, customer);
  }
  if (customer.status !== 'click') {
    return reject(
      `Customer status cannot be updated to lead. Current status: ${customer.status}`,
      `repeat lead ignored: ${customer.click_id} is already at ${customer.status} (status never regresses)`,
      customer,
    );
  }
  const program = q.programById.get(customer.program_id)!;
  const email = text(body.email);
  const emailHash = email ? hashEmail(email) : null;
  const emailMasked = email ? maskEmail(email) : null;
  const clickIds = Array.isArray(body.click_ids)
    ? JSON.stringify(body.click_ids.filter((id): id is string => typeof id === 'string').slice(-MAX_STORED_CLICK_IDS))
    : null;
  const who = [key ? `key ${key}` : null, emailMasked].filter(Boolean).join(', ');
  const common = { body, customerId: customer.id, clickId: customer.click_id, partnerCode: customer.partner_code, programId: program.id };

  if (program.lead_auth === 'server_required' && !auth) {
    q.recordProvisionalLead.run(key, emailHash, emailMasked, clickIds, customer.id);
    return log.record(
      'lead',
      at,
      200,
      {
        success: true,
        provisional: true,
        message: 'Lead recorded as provisional. This program requires server-side (Bearer) lead tracking to settle attribution.',
      },
      { ...common, explanation: `provisional lead (lead_auth server_required, no Bearer)${who ? `: ${who}` : ''}; status stays click` },
    );
  }

  let keyNote = '';
  if (key && key !== customer.customer_key) {
    const holder = q.customerByKey.get(customer.program_id, key);
    if (holder && holder.id !== customer.id) {
      if (holder.status === 'conversion') {
        return reject(
          'Customer status cannot be updated to lead. Current status: conversion',
          `rejected: customer_key ${key} belongs to converted customer ${holder.click_id}`,
          customer,
        );
      }
      q.clearKey.run(holder.id);
      keyNote = ` (key taken over from ${holder.click_id})`;
    }
    q.clearProvisionalKey.run(customer.program_id, key, customer.id);
  }
  q.recordLead.run(key ?? customer.customer_key, emailHash, emailMasked, clickIds, at, customer.id);
  return log.record('lead', at, 200, { success: true, message: 'Lead tracked successfully' }, {
    ...common,
    explanation: `lead: ${customer.click_id} click → lead for ${customer.partner_code}${who ? `, ${who}` : ''}${keyNote}`,
  });
}
