// Verdicts come from the sandbox's rows only: a sale row with the journey's transaction id and the
// expected partner, and the click rows whose affiliate_url carries the journey's key.

/** The journey key (`j=`) of a click's affiliate_url, or null. */
export function journeyOfUrl(url) {
  try {
    return new URL(url).searchParams.get('j');
  } catch {
    return null;
  }
}

/**
 * @param {Array<{id: string, partner: string, invoiceId: string, customerKey: string, checkout: any, error: string|null}>} records journeys run on one sandbox
 * @param {{events: any[], sales: any[], customers: any[]}} state that sandbox's `/sandbox/state`
 * @returns per journey id: `{aborted, attributed, leadBound, salePartner, clickRows, duplicateClicks, reason}`. A journey
 *   is `aborted` when the harness could not drive it to the checkout (an error, typically a timeout on
 *   an overloaded machine) and no sale exists: it measured nothing about attribution.
 */
export function judge(records, state) {
  const sales = new Map(state.sales.map((s) => [s.transaction_id, s]));
  /** journey id → its stored click rows (protocol §10.19 retries store none, so each row is a click Affitor counts). */
  const clicks = new Map();
  for (const e of state.events) {
    if (e.type !== 'click' || e.is_test || e.http_status !== 200 || !e.click_id) continue;
    const id = journeyOfUrl(e.affiliate_url);
    if (id) clicks.set(id, (clicks.get(id) ?? []).concat(e));
  }
  /** customer_key → customer row: did the signup bind the customer to the journey's click? */
  const byKey = new Map(state.customers.filter((c) => c.customer_key).map((c) => [c.customer_key, c]));
  /** customer_key → that key's lead answers, e.g. `400 Customer not found… (click_id null)`. */
  const leads = new Map();
  for (const e of state.events) {
    if (e.type !== 'lead' || typeof e.request?.customer_key !== 'string') continue;
    const answer = `${e.http_status}${e.response?.error ? ` ${e.response.error}` : ''} (click_id ${e.request.click_id ?? 'null'})`;
    leads.set(e.request.customer_key, (leads.get(e.request.customer_key) ?? []).concat(answer));
  }
  const out = new Map();
  for (const r of records) {
    const sale = sales.get(r.invoiceId);
    const rows = clicks.get(r.id) ?? [];
    const clickRows = rows.length;
    const attributed = !!sale && sale.partner_code === r.partner && sale.commission_id != null;
    const aborted = !!r.error && !sale;
    // Secondary: the browser lead reached the partner's customer (else the sale was saved by the
    // server's click-id fallback from the Cookie header).
    const leadBound = byKey.get(r.customerKey)?.partner_code === r.partner;
    let reason = null;
    if (!attributed) {
      if (r.error) reason = `journey error: ${r.error}`;
      else if (!sale) reason = `no sale row (checkout: ${r.checkout ? `${r.checkout.status} ${r.checkout.error ?? ''}`.trim() : 'none'}; click rows: ${clickRows})`;
      else reason = `sale attributed to ${sale.partner_code ?? 'nobody'} (commission ${sale.commission_id ?? 'none'})`;
    }
    out.set(r.id, { aborted, attributed, leadBound, salePartner: sale?.partner_code ?? null, clickRows, duplicateClicks: Math.max(0, clickRows - 1), reason,
      // Evidence for duplicates: which page loads (session ids) made which customers (click ids).
      clickEvidence: rows.map((e) => `${e.session_id}→${e.click_id}`).join(', '),
      leadEvidence: (leads.get(r.customerKey) ?? ['no lead arrived']).join(', ') });
  }
  return out;
}
