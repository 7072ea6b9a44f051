// POST /api/v1/track/refund (docs/protocol.md §5.4; protocol §10.12, §10.13).
import { authenticate, unauthorized } from './auth.js';
import type { Rules } from './context.js';
import type { RequestContext, TrackResult } from './event-log.js';
import { formatCents, positiveInteger, text, type Body } from './values.js';

export function refund(rules: Rules, body: Body, ctx: RequestContext): TrackResult {
  const { q, log } = rules;
  const at = rules.now();
  const program = authenticate(rules, ctx.authorization, true);
  if (!program || program === 'invalid') return unauthorized(rules, 'refund', at, body);
  const reject = (status: number, message: string, explanation: string) =>
    log.record('refund', at, status, { error: message }, { body, programId: program.id, explanation });

  const transactionId = text(body.transaction_id);
  if (!transactionId) return reject(400, 'transaction_id is required', 'rejected: no transaction_id');
  const requested = body.refund_amount_cents;
  const isFull = requested === undefined || requested === null || requested === 0;
  const partialCents = isFull ? null : positiveInteger(requested);
  if (!isFull && partialCents === null) {
    return reject(400, 'refund_amount_cents must be a non-negative integer', 'rejected: bad refund_amount_cents');
  }
  const sale = q.saleInProgram.get(transactionId, program.id);
  if (!sale) {
    return reject(404, 'Sale not found for transaction_id', `rejected: no sale ${transactionId} in program ${program.id}`);
  }
  const commission = sale.is_test ? undefined : q.commissionBySale.get(sale.id);
  const reason = text(body.refund_reason);
  const saleFields = { body, programId: program.id, isTest: sale.is_test === 1 };
  if (!commission || commission.amount_cents === 0) {
    q.insertRefund.run(sale.id, null, partialCents, 0, 'no_commission', reason, at);
    return log.record('refund', at, 200, { success: true, status: 'no_commission', message: 'Sale has no commission to reverse' }, {
      ...saleFields,
      explanation: `refund of ${transactionId}: ${sale.is_test ? 'test sale' : 'sale'} has no commission to reverse`,
    });
  }
  if (commission.status === 'reversed') {
    return log.record('refund', at, 200, { success: true, status: 'skipped', reason: 'already reversed', commission_id: commission.id }, {
      ...saleFields,
      explanation: `refund of ${transactionId} skipped: commission ${commission.id} already reversed`,
    });
  }
  const remaining = commission.amount_cents - commission.reversed_cents;
  // docs/protocol.md §10.13: proportional deduction, rounded to cents, capped at what is left.
  const deduction =
    partialCents === null ? remaining : Math.min(remaining, Math.round((commission.amount_cents * partialCents) / sale.amount_cents));
  const reversedCents = commission.reversed_cents + deduction;
  const status = reversedCents >= commission.amount_cents ? 'reversed' : 'refunded';
  q.reverseCommission.run(reversedCents, status, commission.id);
  q.insertRefund.run(sale.id, commission.id, partialCents, deduction, status, reason, at);
  return log.record('refund', at, 200, { success: true, status, deductionAmount: deduction / 100, commission_id: commission.id }, {
    ...saleFields,
    explanation: `refund of ${transactionId} (${partialCents === null ? 'full' : formatCents(partialCents)}): commission ${commission.id} ${status}, −${formatCents(deduction)}`,
  });
}
