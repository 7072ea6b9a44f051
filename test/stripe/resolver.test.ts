// invoiceTransactionIdResolver with a real `stripe` client talking to a local fake of Stripe's
// GET /v1/invoice_payments, inside the full webhook handler flow.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';
import { handleStripeWebhook, invoiceTransactionIdResolver } from '../../src/stripe/index';
import { API_KEY, startFakeAffitor, type FakeAffitor } from '../server/fake-affitor';
import { chargeRefunded, checkoutSession, signed, subscriptionCheckout, WEBHOOK_SECRET } from './fixtures';

let api: FakeAffitor;
let stripeApi: Server;
let stripeQueries: string[];
let stripe: Stripe;

beforeEach(async () => {
  api = await startFakeAffitor();
  stripeQueries = [];
  stripeApi = createServer((req, res) => {
    const url = new URL(req.url || '', 'http://x');
    stripeQueries.push(`${req.method} ${url.pathname} ${decodeURIComponent(url.search)}`);
    const pi = url.searchParams.get('payment[payment_intent]');
    const data = pi === 'pi_3SubFirst'
      ? [{ id: 'inpay_1', object: 'invoice_payment', invoice: 'in_1FirstInvoice', payment: { type: 'payment_intent', payment_intent: pi } }]
      : [];
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', url: '/v1/invoice_payments', has_more: false, data }));
  });
  await new Promise<void>((r) => stripeApi.listen(0, '127.0.0.1', r));
  const { port } = stripeApi.address() as AddressInfo;
  stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
});
afterEach(async () => {
  await api.close();
  await new Promise<void>((r) => stripeApi.close(() => r()));
});

const deliver = (event: object) => {
  const { payload, header } = signed(event);
  return handleStripeWebhook({
    rawBody: payload,
    signature: header,
    secret: WEBHOOK_SECRET,
    affitor: new Affitor({ apiKey: API_KEY, apiUrl: api.url }),
    resolveTransactionId: invoiceTransactionIdResolver(stripe),
  });
};

it('a Basil subscription refund: PaymentIntent 404 → one Stripe lookup → the invoice-keyed sale is refunded', async () => {
  await deliver(subscriptionCheckout());
  const out = await deliver(chargeRefunded({ amount: 2900, amount_refunded: 2900, payment_intent: 'pi_3SubFirst' }));
  expect(out).toMatchObject({ httpStatus: 200, result: { ok: true }, sent: { invoiceId: 'in_1FirstInvoice' } });
  expect(stripeQueries).toEqual(['GET /v1/invoice_payments ?payment[type]=payment_intent&payment[payment_intent]=pi_3SubFirst&limit=1']);
  expect(api.refunds).toEqual([{ transaction_id: 'in_1FirstInvoice' }]);
});

it('a one-off refund makes no Stripe call at all', async () => {
  await deliver(checkoutSession());
  await deliver(chargeRefunded());
  expect(stripeQueries).toEqual([]);
  expect(api.refunds).toEqual([{ transaction_id: 'pi_3OneOffPayment' }]);
});
