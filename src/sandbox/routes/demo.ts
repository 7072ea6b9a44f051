// /demo/*: the storefront's "backend". It records sales and refunds with the server client, as an
// integrator's server would (the API key never reaches the browser).
import { randomUUID } from 'node:crypto';
import { Affitor, clickIdFromCookieHeader } from '../../server/index.js';
import { HttpError, readJsonBody, sendJson } from '../http/io.js';
import type { Handler, SandboxParts } from './context.js';

const DEMO_PRICE_CENTS = 4900;

function client(sandbox: SandboxParts): Affitor {
  return new Affitor({ apiKey: sandbox.apiKey, apiUrl: sandbox.ownUrl() });
}

export const checkout: Handler = async (sandbox, { req, res }) => {
  const body = await readJsonBody(req, sandbox.bodyLimit);
  const customerKey = typeof body.customer_key === 'string' && body.customer_key ? body.customer_key : undefined;
  const amount = typeof body.amount_cents === 'number' ? body.amount_cents : DEMO_PRICE_CENTS;
  const invoiceId = `demo_${randomUUID()}`;
  const clickId = clickIdFromCookieHeader(req.headers.cookie) ?? undefined;
  if (!customerKey && !clickId) throw new HttpError(400, 'Sign up first (or arrive through a partner link): there is no customer to charge');
  const result = await client(sandbox).trackSale({
    customerExternalId: customerKey,
    clickId,
    amount,
    invoiceId,
    currency: 'USD',
    productId: typeof body.product_id === 'string' ? body.product_id : undefined,
  });
  sendJson(res, 200, { transaction_id: invoiceId, result });
};

export const refund: Handler = async (sandbox, { req, res }) => {
  const body = await readJsonBody(req, sandbox.bodyLimit);
  if (typeof body.transaction_id !== 'string') throw new HttpError(400, 'Expected {"transaction_id": "<the sale id>"}');
  const result = await client(sandbox).trackRefund({
    invoiceId: body.transaction_id,
    refundAmountCents: typeof body.refund_amount_cents === 'number' ? body.refund_amount_cents : undefined,
  });
  sendJson(res, 200, { result });
};
