// withAffitorCheckout: the params shape, and what a real `stripe` client sends to Stripe with them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { withAffitorCheckout } from '../../src/stripe/index';

const ids = { clickId: 'cust_1_1767225000000', customerKey: 42, programId: 7 };
const affitor = { affitor_click_id: 'cust_1_1767225000000', affitor_customer_key: '42', program_id: '7' };

const deepFreeze = <T>(o: T): T => {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
};

describe('withAffitorCheckout', () => {
  it('payment mode: metadata only (Stripe rejects subscription_data there), other keys kept', () => {
    const params = deepFreeze({
      mode: 'payment' as const,
      line_items: [{ price: 'price_1', quantity: 1 }],
      success_url: 'https://shop.example.com/thanks',
      metadata: { order: 'o_1' },
    });
    expect(withAffitorCheckout(params, ids)).toEqual({ ...params, metadata: { order: 'o_1', ...affitor } });
    expect(withAffitorCheckout(params, ids)).not.toHaveProperty('subscription_data');
  });

  it('subscription mode: metadata AND subscription_data.metadata, keeping subscription_data\'s other keys', () => {
    const params = deepFreeze({
      mode: 'subscription' as const,
      line_items: [{ price: 'price_monthly', quantity: 1 }],
      subscription_data: { trial_period_days: 14, metadata: { plan: 'pro' } },
    });
    expect(withAffitorCheckout(params, ids)).toEqual({
      ...params,
      metadata: affitor,
      subscription_data: { trial_period_days: 14, metadata: { plan: 'pro', ...affitor } },
    });
  });

  it('omits empty values (a repeat buyer has no click id), stringifies the rest', () => {
    expect(withAffitorCheckout({ mode: 'subscription' }, { clickId: null, customerKey: 'u1', programId: '' })).toEqual({
      mode: 'subscription',
      metadata: { affitor_customer_key: 'u1' },
      subscription_data: { metadata: { affitor_customer_key: 'u1' } },
    });
  });

  it('a real stripe client sends both metadata maps to Stripe (form-encoded, as Stripe receives them)', async () => {
    let body = '';
    const server = createServer((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'cs_test_1', object: 'checkout.session' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
    const params: Stripe.Checkout.SessionCreateParams = withAffitorCheckout(
      { mode: 'subscription', line_items: [{ price: 'price_1', quantity: 1 }], success_url: 'https://x.test/ok' },
      { clickId: 'cust_1_5', customerKey: 'user_9', programId: 3 },
    );
    await stripe.checkout.sessions.create(params);
    await new Promise<void>((r) => server.close(() => r()));
    const form = new URLSearchParams(body);
    expect(form.get('metadata[affitor_click_id]')).toBe('cust_1_5');
    expect(form.get('metadata[affitor_customer_key]')).toBe('user_9');
    expect(form.get('metadata[program_id]')).toBe('3');
    expect(form.get('subscription_data[metadata][affitor_click_id]')).toBe('cust_1_5');
    expect(form.get('subscription_data[metadata][affitor_customer_key]')).toBe('user_9');
    expect(form.get('subscription_data[metadata][program_id]')).toBe('3');
  });
});
