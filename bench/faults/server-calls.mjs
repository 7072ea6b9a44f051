// The server side of `npm run bench:faults`: the merchant's backend calls (lead, sale, refund)
// through the server client, and Stripe's deliveries through `handleStripeWebhook`, against a real
// sandbox process whose fault injection loses answers (docs/protocol.md §10.22). Each scenario is
// judged from the sandbox's own rows: applied once, applied twice (double-applied) or not at all
// (lost). The caller's view (what the call resolved to) is reported beside it, not graded by it.
import Stripe from 'stripe';
import { Affitor } from '../../dist/server.js';
import { handleStripeWebhook } from '../../dist/stripe.js';

const WEBHOOK_SECRET = 'whsec_bench_server_faults';
const SALE_CENTS = 4900;
/** Short, so that the `delay` fault outlasts the client's patience without slowing the bench. */
const CLIENT_TIMEOUT_MS = 600;
const LATE_ANSWER_MS = 1500;
/** Stripe redelivers a failed event (5xx) for days; here a few times, then once more regardless (at-least-once). */
const STRIPE_REDELIVERIES = 3;

const stripe = new Stripe('sk_test_bench_unused');

/**
 * @param {{url: string, apiKey: string, programId: number, admin: {setFaults(f: object): Promise<unknown>, state(limit?: number): Promise<any>}}} sandbox
 * @param {{rounds: number, partner: string, runId: string}} options
 */
export async function runServerFaults(sandbox, { rounds, partner, runId }) {
  // The sandbox honours Idempotency-Key (docs/protocol.md §10.23), and the client is told so.
  const affitor = new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.url, timeoutMs: CLIENT_TIMEOUT_MS, honoursIdempotencyKey: true });
  let seq = 0;
  const unique = (prefix) => `${prefix}_${runId}_${++seq}`;

  async function click() {
    const res = await fetch(`${sandbox.url}/api/v1/track/click`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ affiliate_url: `http://shop.test/?aff=${partner}&j=${unique('server')}` }),
    });
    const body = await res.json();
    if (!body.click_id) throw new Error(`bench setup: click failed (${res.status} ${JSON.stringify(body)})`);
    return body.click_id;
  }
  async function saleFor(clickId) {
    const invoiceId = unique('pi');
    const r = await affitor.trackSale({ clickId, amount: SALE_CENTS, invoiceId });
    if (!r.ok) throw new Error(`bench setup: sale failed (${r.status} ${r.error})`);
    return invoiceId;
  }
  const fault = (endpoint, mode) => sandbox.admin.setFaults({ [endpoint]: mode === 'delay' ? { mode, count: 1, delayMs: LATE_ANSWER_MS } : { mode, count: 1 } });

  /** Delivers a signed event as Stripe would: again while the handler answers 500, then once more. */
  async function deliver(event) {
    const payload = JSON.stringify(event);
    const outcomes = [];
    for (let delivery = 0; delivery <= STRIPE_REDELIVERIES; delivery++) {
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const outcome = await handleStripeWebhook({ rawBody: payload, signature: header, secret: WEBHOOK_SECRET, affitor, programId: sandbox.programId });
      outcomes.push(outcome);
      if (outcome.httpStatus !== 500) break;
    }
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    outcomes.push(await handleStripeWebhook({ rawBody: payload, signature: header, secret: WEBHOOK_SECRET, affitor, programId: sandbox.programId }));
    return outcomes;
  }
  const checkoutEvent = (clickId, paymentIntent) => ({
    id: unique('evt'),
    type: 'checkout.session.completed',
    data: {
      object: {
        id: unique('cs'),
        mode: 'payment',
        amount_total: SALE_CENTS,
        currency: 'usd',
        payment_status: 'paid',
        payment_intent: paymentIntent,
        metadata: { affitor_click_id: clickId, program_id: String(sandbox.programId) },
      },
    },
  });
  const refundEvent = (paymentIntent, refundedBefore, refundedNow) => ({
    id: unique('evt'),
    type: 'charge.refunded',
    data: {
      object: { id: unique('ch'), amount: SALE_CENTS, amount_refunded: refundedNow, refunded: refundedNow >= SALE_CENTS, payment_intent: paymentIntent },
      previous_attributes: { amount_refunded: refundedBefore },
    },
  });

  /**
   * Each scenario makes one logical call (or one Stripe event, or two for the two-refunds case) and
   * says what the sandbox must hold afterwards: `expect` is the effect's key and the count of rows.
   */
  const scenarios = [
    ['lead · answer lost after it was applied', 'lead', 'drop_after'],
    ['lead · connection cut before processing', 'lead', 'drop'],
    ['sale · answer lost after it was applied', 'sale', 'drop_after'],
    ['sale · connection cut before processing', 'sale', 'drop'],
    ['sale · answer later than the client waits', 'sale', 'delay'],
    ['full refund · answer lost after it was applied', 'full-refund', 'drop_after'],
    ['partial refund · answer lost after it was applied', 'partial-refund', 'drop_after'],
    ['partial refund · connection cut before processing', 'partial-refund', 'drop'],
    ['partial refund · answer later than the client waits', 'partial-refund', 'delay'],
    ['Stripe: checkout.session.completed redelivered', 'stripe-sale', null],
    ['Stripe: checkout.session.completed, answer lost, redelivered', 'stripe-sale', 'drop_after'],
    ['Stripe: partial charge.refunded redelivered', 'stripe-partial-refund', null],
    ['Stripe: partial charge.refunded, answer lost, redelivered', 'stripe-partial-refund', 'drop_after'],
    ['Stripe: full charge.refunded redelivered', 'stripe-full-refund', null],
    ['Stripe: two partial refunds of one charge, each redelivered', 'stripe-two-refunds', null],
  ];

  const rows = [];
  for (let round = 0; round < rounds; round++) {
    for (const [label, kind, mode] of scenarios) {
      const clickId = await click();
      const check = { label, kind, clickId, told: 'ok' };
      if (kind === 'lead') {
        await fault('lead', mode);
        const r = await affitor.trackLead({ clickId, customerExternalId: unique('user') });
        check.told = r.ok || r.duplicate ? 'ok' : r.code;
      } else if (kind === 'sale') {
        check.invoiceId = unique('pi');
        await fault('sale', mode);
        const r = await affitor.trackSale({ clickId, amount: SALE_CENTS, invoiceId: check.invoiceId });
        check.told = r.ok || r.duplicate ? 'ok' : r.code;
      } else if (kind === 'full-refund' || kind === 'partial-refund') {
        check.invoiceId = await saleFor(clickId);
        check.refunds = [kind === 'full-refund' ? null : 1500];
        await fault('refund', mode);
        const r = await affitor.trackRefund({ invoiceId: check.invoiceId, refundAmountCents: check.refunds[0] ?? undefined });
        check.told = r.ok ? 'ok' : r.code;
      } else if (kind === 'stripe-sale') {
        check.invoiceId = unique('pi');
        if (mode) await fault('sale', mode);
        const outcomes = await deliver(checkoutEvent(clickId, check.invoiceId));
        check.told = outcomes.at(-1).httpStatus === 200 && !outcomes.at(-1).error ? 'ok' : outcomes.at(-1).error;
      } else {
        check.invoiceId = await saleFor(clickId);
        const steps = kind === 'stripe-two-refunds' ? [[0, 1500], [1500, 2500]] : kind === 'stripe-full-refund' ? [[0, SALE_CENTS]] : [[0, 1500]];
        check.refunds = steps.map(([before, now]) => (now >= SALE_CENTS && before === 0 ? null : now - before));
        for (const [before, now] of steps) {
          if (mode) await fault('refund', mode);
          const outcomes = await deliver(refundEvent(check.invoiceId, before, now));
          if (outcomes.at(-1).error) check.told = outcomes.at(-1).error;
        }
      }
      await sandbox.admin.setFaults({ lead: null, sale: null, refund: null });
      rows.push(check);
    }
  }
  // A call abandoned by the client may still be running in the sandbox (the `delay` fault):
  // judged after it had time to finish.
  await new Promise((resolve) => setTimeout(resolve, LATE_ANSWER_MS + 200));
  return judgeServerCalls(rows, await sandbox.admin.state(100_000));
}

/** Per scenario: applied once, twice or more (double-applied), or not at all (lost), read from the sandbox's rows. */
function judgeServerCalls(rows, state) {
  const customers = new Map(state.customers.map((c) => [c.click_id, c]));
  const sales = new Map(state.sales.map((s) => [s.transaction_id, s]));
  const leadsApplied = new Map();
  for (const e of state.events) {
    if (e.type === 'lead' && e.http_status === 200 && e.click_id) leadsApplied.set(e.click_id, (leadsApplied.get(e.click_id) ?? 0) + 1);
  }
  const refundsBySale = new Map();
  for (const r of state.refunds) refundsBySale.set(r.sale_id, (refundsBySale.get(r.sale_id) ?? []).concat(r));
  for (const row of rows) {
    if (row.kind === 'lead') {
      const applied = leadsApplied.get(row.clickId) ?? 0;
      row.doubled = applied > 1;
      row.lost = applied === 0 || customers.get(row.clickId)?.status !== 'lead';
    } else if (row.kind === 'sale' || row.kind === 'stripe-sale') {
      // transaction_id is unique in the sandbox; a second sale would need a second id, so count the customer's sales.
      const sale = sales.get(row.invoiceId);
      row.doubled = (customers.get(row.clickId)?.sales_count ?? 0) > 1;
      row.lost = !sale;
    } else {
      const sale = sales.get(row.invoiceId);
      const stored = (refundsBySale.get(sale?.id) ?? []).map((r) => r.refund_amount_cents ?? null).sort();
      const expected = [...row.refunds].sort();
      row.doubled = stored.length > expected.length;
      row.lost = expected.some((amount) => stored.filter((s) => s === amount).length < expected.filter((e) => e === amount).length);
    }
  }
  return rows;
}

/** The server section's table and its summary line (the line the benchmark prints just above `overall:`). */
export function formatServerReport(rows) {
  const labels = [...new Set(rows.map((r) => r.label))];
  const width = Math.max(...labels.map((l) => l.length), 'server call'.length);
  const lines = [
    `${'server call'.padEnd(width)}  calls  applied once  double-applied  lost  caller told success`,
    `${'-'.repeat(width)}  -----  ------------  --------------  ----  -------------------`,
  ];
  for (const label of labels) {
    const mine = rows.filter((r) => r.label === label);
    const once = mine.filter((r) => !r.doubled && !r.lost).length;
    const told = mine.filter((r) => r.told === 'ok').length;
    lines.push(
      `${label.padEnd(width)}  ${String(mine.length).padStart(5)}  ${String(once).padStart(12)}  ${String(mine.filter((r) => r.doubled).length).padStart(14)}  ${String(mine.filter((r) => r.lost).length).padStart(4)}  ${`${told}/${mine.length}`.padStart(19)}`,
    );
  }
  const untold = rows.filter((r) => r.told !== 'ok');
  for (const r of untold.slice(0, 10)) lines.push(`  told otherwise: ${r.label}: ${r.told}`);
  const summary = `server: ${rows.filter((r) => r.doubled).length} double-applied, ${rows.filter((r) => r.lost).length} lost over ${rows.length} calls`;
  return { table: lines.join('\n'), summary };
}
