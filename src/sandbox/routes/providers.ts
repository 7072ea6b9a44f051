// /demo/provider: the storefront's simulated Paddle, Lemon Squeezy and Polar checkouts. Each step
// builds the webhook the provider would send (a first payment, a renewal, a refund), signs it with
// that provider's scheme and a demo secret, and hands the raw body and headers to the provider's
// real handler (`handle…Webhook`) — verify, map, record — exactly as an integrator's webhook route.
import { createHmac, randomUUID } from 'node:crypto';
import { handleLemonSqueezyWebhook } from '../../lemonsqueezy/index.js';
import { handlePaddleWebhook } from '../../paddle/index.js';
import { handlePolarWebhook } from '../../polar/index.js';
import { Affitor, clickIdFromCookieHeader } from '../../server/index.js';
import { affitorCustomData } from '../../webhooks/custom-data.js';
import type { WebhookHandlerOptions } from '../../webhooks/handler.js';
import { HttpError, readJsonBody, sendJson } from '../http/io.js';
import type { Handler } from './context.js';

const PRICE_CENTS = 2900;
const SECRET = 'demo_webhook_secret';
type Step = 'sale' | 'renewal' | 'refund';
interface Demo {
  step: Step;
  custom: Record<string, string>;
  /** The subscription (renewal) or the sale (refund) the step continues. */
  subscriptionId: string;
  transactionId: string;
}
type Delivery = Pick<WebhookHandlerOptions, 'rawBody' | 'headers'> & { transactionId: string; subscriptionId: string };
type Outcome = Awaited<ReturnType<typeof handlePaddleWebhook>>;

const now = () => Math.floor(Date.now() / 1000);
const hmac = (data: string, encoding: 'hex' | 'base64') => createHmac('sha256', SECRET).update(data).digest(encoding);

function paddle({ step, custom, subscriptionId, transactionId }: Demo): Delivery {
  const sub = subscriptionId || `sub_${randomUUID().replace(/-/g, '').slice(0, 26)}`;
  const txn = step === 'refund' ? transactionId : `txn_${randomUUID().replace(/-/g, '').slice(0, 26)}`;
  const data =
    step === 'refund'
      ? { id: `adj_${randomUUID().replace(/-/g, '').slice(0, 26)}`, action: 'refund', type: 'full', status: 'approved', transaction_id: txn, reason: 'Demo refund', totals: { total: String(PRICE_CENTS), currency_code: 'USD' } }
      : { id: txn, status: 'completed', origin: step === 'renewal' ? 'subscription_recurring' : 'web', subscription_id: sub, custom_data: custom, currency_code: 'USD', details: { totals: { grand_total: String(PRICE_CENTS), currency_code: 'USD' } } };
  const rawBody = JSON.stringify({ event_id: `evt_${randomUUID().replace(/-/g, '').slice(0, 26)}`, event_type: step === 'refund' ? 'adjustment.updated' : 'transaction.completed', occurred_at: new Date().toISOString(), data });
  const ts = now();
  return { rawBody, headers: { 'paddle-signature': `ts=${ts};h1=${hmac(`${ts}:${rawBody}`, 'hex')}` }, transactionId: txn, subscriptionId: sub };
}

function lemonSqueezy({ step, custom, subscriptionId, transactionId }: Demo): Delivery {
  const sub = subscriptionId || String(Math.floor(Math.random() * 1_000_000));
  const id = String(Math.floor(Math.random() * 1_000_000_000));
  const paid = { status: 'paid', currency: 'USD', total: PRICE_CENTS, refunded_amount: 0 };
  const body =
    step === 'sale'
      ? { meta: { event_name: 'order_created', custom_data: custom }, data: { type: 'orders', id, attributes: paid } }
      : step === 'renewal'
        ? { meta: { event_name: 'subscription_payment_success', custom_data: custom }, data: { type: 'subscription-invoices', id, attributes: { ...paid, subscription_id: sub, billing_reason: 'renewal' } } }
        : transactionId.startsWith('subscription_invoice_')
          ? { meta: { event_name: 'subscription_payment_refunded', custom_data: custom }, data: { type: 'subscription-invoices', id: transactionId.slice('subscription_invoice_'.length), attributes: { ...paid, subscription_id: sub, billing_reason: 'renewal', status: 'refunded', refunded_amount: PRICE_CENTS } } }
          : { meta: { event_name: 'order_refunded', custom_data: custom }, data: { type: 'orders', id: transactionId, attributes: { ...paid, status: 'refunded', refunded_amount: PRICE_CENTS } } };
  const rawBody = JSON.stringify(body);
  const transaction = step === 'refund' ? transactionId : step === 'renewal' ? `subscription_invoice_${id}` : id;
  return { rawBody, headers: { 'x-event-name': body.meta.event_name, 'x-signature': hmac(rawBody, 'hex') }, transactionId: transaction, subscriptionId: sub };
}

function polar({ step, custom, subscriptionId, transactionId }: Demo): Delivery {
  const sub = subscriptionId || randomUUID();
  const orderId = step === 'refund' ? transactionId : randomUUID();
  const body =
    step === 'refund'
      ? { type: 'refund.created', timestamp: new Date().toISOString(), data: { id: randomUUID(), status: 'succeeded', reason: 'customer_request', amount: PRICE_CENTS, tax_amount: 0, order_id: orderId } }
      : {
          type: 'order.paid',
          timestamp: new Date().toISOString(),
          data: { id: orderId, status: 'paid', paid: true, billing_reason: step === 'renewal' ? 'subscription_cycle' : 'subscription_create', total_amount: PRICE_CENTS, currency: 'usd', subscription_id: sub, metadata: custom },
        };
  const rawBody = JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const ts = String(now());
  return {
    rawBody,
    headers: { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${hmac(`${id}.${ts}.${rawBody}`, 'base64')}` },
    transactionId: orderId,
    subscriptionId: sub,
  };
}

const PROVIDERS = {
  paddle: { build: paddle, handle: handlePaddleWebhook },
  lemonsqueezy: { build: lemonSqueezy, handle: handleLemonSqueezyWebhook },
  polar: { build: polar, handle: handlePolarWebhook },
} as const;

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export const provider: Handler = async (sandbox, { req, res }) => {
  const body = await readJsonBody(req, sandbox.bodyLimit);
  const name = text(body.provider);
  const step = text(body.step);
  if (!(name in PROVIDERS)) throw new HttpError(400, 'Expected "provider": "paddle", "lemonsqueezy" or "polar"');
  if (step !== 'sale' && step !== 'renewal' && step !== 'refund') throw new HttpError(400, 'Expected "step": "sale", "renewal" or "refund"');
  if (step !== 'sale' && !text(body.subscription_id)) throw new HttpError(400, 'Buy first: a renewal or refund continues the last purchase');
  const clickId = clickIdFromCookieHeader(req.headers.cookie);
  const custom = affitorCustomData({ clickId, customerKey: text(body.customer_key) || undefined, programId: sandbox.programId });
  const { build, handle } = PROVIDERS[name as keyof typeof PROVIDERS];
  const delivery = build({ step, custom, subscriptionId: text(body.subscription_id), transactionId: text(body.transaction_id) });
  const affitor = new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.ownUrl() });
  const outcome: Outcome = await (handle as typeof handlePaddleWebhook)({ rawBody: delivery.rawBody, headers: delivery.headers, secret: SECRET, affitor, programId: sandbox.programId });
  sendJson(res, 200, {
    transaction_id: delivery.transactionId,
    subscription_id: delivery.subscriptionId,
    webhook: { headers: delivery.headers, body: JSON.parse(delivery.rawBody as string) as unknown },
    outcome: { http_status: outcome.httpStatus, mapped: outcome.mapped, duplicate: outcome.duplicate, result: outcome.result, error: outcome.error },
  });
};
