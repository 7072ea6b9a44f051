// handleStripeWebhook end to end: a body signed by the `stripe` package, verified, mapped, and
// recorded on a real local Affitor-compatible HTTP server (sales deduplicated by transaction_id).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';
import { handleStripeWebhook, type ChargeLike, type StripeWebhookOptions } from '../../src/stripe/index';
import { API_KEY, startFakeAffitor, type FakeAffitor } from '../server/fake-affitor';
import {
  chargeRefunded,
  checkoutSession,
  oldChargeRefunded,
  oldRenewalInvoice,
  renewalInvoice,
  signed,
  subscriptionCheckout,
  WEBHOOK_SECRET,
} from './fixtures';

let api: FakeAffitor;
let affitor: Affitor;
beforeEach(async () => {
  api = await startFakeAffitor();
  affitor = new Affitor({ apiKey: API_KEY, apiUrl: api.url, retries: 0 });
});
afterEach(async () => {
  await api.close();
});

function deliver(event: object, extra: Partial<StripeWebhookOptions> = {}) {
  const { payload, header } = signed(event);
  return handleStripeWebhook({ rawBody: payload, signature: header, secret: WEBHOOK_SECRET, affitor, programId: 1, ...extra });
}

const bodies = (path: string) => api.requests.filter((r) => r.path === `/api/v1/track/${path}`).map((r) => r.body);

describe('sales', () => {
  it('checkout.session.completed → one sale; a redelivery is a duplicate, still one sale, answered 200', async () => {
    const first = await deliver(checkoutSession());
    expect(first).toMatchObject({ httpStatus: 200, duplicate: false, retryable: false, result: { ok: true, code: 'ok' } });
    expect(first.error).toBeUndefined();
    const again = await deliver(checkoutSession());
    expect(again).toMatchObject({ httpStatus: 200, duplicate: true, retryable: false, result: { status: 409 } });
    expect(again.error).toBeUndefined();
    expect(bodies('sale')).toEqual([
      {
        customer_key: 'user_42',
        click_id: 'cust_1_1767225000000',
        amount_cents: 4900,
        transaction_id: 'pi_3OneOffPayment',
        currency: 'USD',
        sale_type: 'payment',
      },
      expect.anything(),
    ]);
    expect(api.sales.size).toBe(1);
  });

  it('a Basil renewal (invoice.paid) and its invoice.payment_succeeded twin record one recurring sale', async () => {
    await deliver(renewalInvoice());
    const twin = await deliver(renewalInvoice({}, 'invoice.payment_succeeded'));
    expect(twin.duplicate).toBe(true);
    expect(api.sales.get('in_1Renewal202602')).toEqual({
      customer_key: 'user_42',
      click_id: 'cust_1_1767225000000',
      amount_cents: 2900,
      transaction_id: 'in_1Renewal202602',
      currency: 'USD',
      sale_type: 'subscription',
      is_recurring: true,
      subscription_id: 'sub_1Monthly',
    });
    expect(api.sales.size).toBe(1);
  });

  it('ignored events send nothing and are answered 200', async () => {
    const out = await deliver(renewalInvoice({ billing_reason: 'subscription_create' }));
    expect(out).toMatchObject({ httpStatus: 200, mapped: { action: 'ignore', reason: 'not_renewal' }, result: null, retryable: false });
    expect(api.requests).toHaveLength(0);
  });
});

describe('refunds without any lookup', () => {
  it('one-off payment, current API: the charge\'s PaymentIntent is the sale key', async () => {
    await deliver(checkoutSession());
    const out = await deliver(chargeRefunded(), { resolveTransactionId: () => { throw new Error('must not be called'); } });
    expect(out).toMatchObject({ httpStatus: 200, result: { ok: true }, sent: { invoiceId: 'pi_3OneOffPayment' } });
    expect(bodies('refund')).toEqual([{ transaction_id: 'pi_3OneOffPayment' }]);
  });

  it('partial refund sends the amount', async () => {
    await deliver(checkoutSession());
    await deliver(chargeRefunded({ amount_refunded: 1500, refunded: false }));
    expect(bodies('refund')).toEqual([{ transaction_id: 'pi_3OneOffPayment', refund_amount_cents: 1500 }]);
  });

  it('renewal, older API: the charge names its invoice — one request', async () => {
    await deliver(oldRenewalInvoice());
    const out = await deliver(oldChargeRefunded());
    expect(out.result).toMatchObject({ ok: true });
    expect(bodies('refund')).toEqual([{ transaction_id: 'in_1OldRenewal', refund_reason: 'requested_by_customer' }]);
  });

  it('older API, one-off with invoice_creation: the invoice is not a sale (404), the PaymentIntent is', async () => {
    await deliver(checkoutSession({ invoice: 'in_receipt' }));
    await deliver(chargeRefunded({ invoice: 'in_receipt' }));
    expect(bodies('refund').map((b) => b.transaction_id)).toEqual(['in_receipt', 'pi_3OneOffPayment']);
    expect(api.refunds).toEqual([{ transaction_id: 'pi_3OneOffPayment' }]);
  });
});

describe('refunds that need resolveTransactionId', () => {
  // Current API, subscription: the sale is keyed by the invoice, and the charge names only its PaymentIntent.
  const basilSubscriptionCharge = () => chargeRefunded({ id: 'ch_3Sub', amount: 2900, amount_refunded: 2900, payment_intent: 'pi_3SubFirst' });

  it('after the PaymentIntent 404s, the resolver\'s id is used', async () => {
    await deliver(subscriptionCheckout());
    const seen: ChargeLike[] = [];
    const out = await deliver(basilSubscriptionCharge(), {
      resolveTransactionId: async (charge) => {
        seen.push(charge);
        return 'in_1FirstInvoice';
      },
    });
    expect(seen.map((c) => c.id)).toEqual(['ch_3Sub']);
    expect(bodies('refund').map((b) => b.transaction_id)).toEqual(['pi_3SubFirst', 'in_1FirstInvoice']);
    expect(out).toMatchObject({ httpStatus: 200, result: { ok: true }, sent: { invoiceId: 'in_1FirstInvoice' } });
  });

  it('without a resolver the 404 is reported, not retried (redelivery cannot help)', async () => {
    const out = await deliver(basilSubscriptionCharge());
    expect(out).toMatchObject({ httpStatus: 200, retryable: false, result: { status: 404, code: 'not_found' }, error: 'Sale not found for transaction_id' });
  });

  it('a charge naming nothing goes straight to the resolver; without one it is ignored', async () => {
    await deliver(checkoutSession());
    const legacy = chargeRefunded({ payment_intent: null });
    expect(await deliver(legacy)).toMatchObject({ mapped: { action: 'ignore', reason: 'unresolved_transaction_id' }, result: null, httpStatus: 200 });
    const out = await deliver(legacy, { resolveTransactionId: () => 'pi_3OneOffPayment' });
    expect(out.result).toMatchObject({ ok: true });
    expect(bodies('refund')).toEqual([{ transaction_id: 'pi_3OneOffPayment' }]);
  });

  it('a throwing resolver (e.g. Stripe API down) asks Stripe to redeliver', async () => {
    const out = await deliver(basilSubscriptionCharge(), { resolveTransactionId: async () => { throw new Error('Stripe API unreachable'); } });
    expect(out).toMatchObject({ httpStatus: 500, retryable: true, error: 'Stripe API unreachable' });
  });
});

describe('failures', () => {
  it('a bad signature is answered 400 and sends nothing', async () => {
    const { payload } = signed(checkoutSession());
    const out = await handleStripeWebhook({ rawBody: payload, signature: 't=1,v1=00', secret: WEBHOOK_SECRET, affitor });
    expect(out).toMatchObject({ httpStatus: 400, event: null, mapped: null, result: null, retryable: false });
    expect(out.error).toMatch(/outside the 300 s tolerance/);
    expect(api.requests).toHaveLength(0);
  });

  it('Affitor 503 → retryable, answer 500 so Stripe redelivers; the redelivery records the sale once', async () => {
    api.fault({ status: 503 });
    expect(await deliver(checkoutSession())).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 503 } });
    expect(await deliver(checkoutSession())).toMatchObject({ httpStatus: 200, result: { ok: true } });
    expect(api.sales.size).toBe(1);
  });

  it('a wrong API key (401) is retryable: fix the key and Stripe\'s redeliveries land', async () => {
    const wrong = new Affitor({ apiKey: 'affitor_wrong', apiUrl: api.url, retries: 0 });
    expect(await deliver(checkoutSession(), { affitor: wrong })).toMatchObject({ httpStatus: 500, retryable: true, error: 'Invalid API token' });
  });

  it('a 403 (the key refused for this program) is retryable too: answered 500, never dropped as final', async () => {
    api.fault({ status: 403, body: JSON.stringify({ error: 'Forbidden' }) });
    expect(await deliver(checkoutSession())).toMatchObject({ httpStatus: 500, retryable: true, error: 'Forbidden', result: { status: 403, code: 'unauthorized' } });
    expect(await deliver(checkoutSession())).toMatchObject({ httpStatus: 200, result: { ok: true } });
    expect(api.sales.size).toBe(1);
  });

  it('a 400 (e.g. unknown customer) is final: answered 200 with the error', async () => {
    api.fault({ status: 400, body: JSON.stringify({ error: 'Customer not found. Provide customer_key or click_id.' }) });
    expect(await deliver(checkoutSession())).toMatchObject({
      httpStatus: 200,
      retryable: false,
      error: 'Customer not found. Provide customer_key or click_id.',
    });
  });

  it('an unreachable API → retryable', async () => {
    const down = await startFakeAffitor();
    await down.close();
    const out = await deliver(checkoutSession(), { affitor: new Affitor({ apiKey: API_KEY, apiUrl: down.url, retries: 0 }) });
    expect(out).toMatchObject({ httpStatus: 500, retryable: true, result: { status: 0, code: 'network_error' } });
  });
});

describe('idempotency keys from the Stripe event', () => {
  it('the sale is sent under stripe:<event.id>:sale, the refund under stripe:<event.id>:refund:<sale key>', async () => {
    await deliver(checkoutSession());
    await deliver(chargeRefunded({ amount_refunded: 1500, refunded: false }));
    const sent = api.requests.map((r) => r.headers['idempotency-key']);
    expect(sent).toEqual(['stripe:evt_checkout_session_completed_1:sale', 'stripe:evt_charge_refunded_1:refund:pi_3OneOffPayment']);
  });

  it('each refund candidate is its own request with its own key', async () => {
    await deliver(checkoutSession({ invoice: 'in_receipt' }));
    await deliver(chargeRefunded({ invoice: 'in_receipt' }));
    expect(api.requests.slice(1).map((r) => r.headers['idempotency-key'])).toEqual([
      'stripe:evt_charge_refunded_1:refund:in_receipt',
      'stripe:evt_charge_refunded_1:refund:pi_3OneOffPayment',
    ]);
  });

  it('a partial refund whose answer was lost is not redelivered (an API ignoring the key would deduct twice)', async () => {
    await deliver(checkoutSession());
    api.fault({ drop: true, afterProcessing: true });
    const out = await deliver(chargeRefunded({ amount_refunded: 1500, refunded: false }), {
      affitor: new Affitor({ apiKey: API_KEY, apiUrl: api.url }),
    });
    expect(out).toMatchObject({ httpStatus: 200, retryable: false, outcomeUnknown: true, result: { status: 0, attempts: 1 } });
    expect(out.error).toMatch(/the partial refund may have been recorded; it is not sent again .* check it in Affitor/);
    expect(api.refunds).toHaveLength(1);
  });

  it('a redirect from apiUrl asks Stripe to redeliver (fix apiUrl meanwhile); nothing was recorded', async () => {
    api.fault({ status: 301, headers: { Location: 'https://elsewhere.test/' }, body: '' });
    expect(await deliver(checkoutSession())).toMatchObject({ httpStatus: 500, retryable: true, result: { code: 'unexpected_response' } });
    expect(api.sales.size).toBe(0);
  });
});
