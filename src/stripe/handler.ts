// One call for a self-hosted Stripe webhook route: verify, map, record (the runner every provider
// handler shares, src/webhooks/handler.ts), and say how to answer Stripe.
import type { TimestampOptions } from '../webhooks/crypto.js';
import { runWebhook, type WebhookAffitor, type WebhookOutcome } from '../webhooks/handler.js';
import { idOf, mapStripeEvent, refundDetails, type StripeMapping } from './mapper.js';
import { verifyStripeWebhook } from './signature.js';
import type { ChargeLike, StripeEventLike } from './types.js';

/** Returns the refunded sale's `transaction_id`, or null/undefined when it is not an Affitor sale. */
export type ResolveTransactionId = (charge: ChargeLike) => string | null | undefined | Promise<string | null | undefined>;

export interface StripeWebhookOptions extends Pick<TimestampOptions, 'toleranceSeconds'> {
  /** The exact request body (string or bytes), not parsed JSON. */
  rawBody: string | Uint8Array;
  /** The `Stripe-Signature` header. */
  signature: string | null | undefined;
  /** The endpoint's signing secret, `whsec_…`. */
  secret: string;
  /**
   * A server client (`new Affitor({apiKey})`); only `trackSale` and `trackRefund` are used, each
   * under the idempotency key `stripe:<event.id>:<call>`, so a redelivered event is recognised by
   * an API that honours `Idempotency-Key`.
   */
  affitor: WebhookAffitor;
  /**
   * Your program id: events whose metadata names another `program_id` are ignored (`other_program`).
   * @default undefined, no event is ignored for its program
   */
  programId?: string | number;
  /**
   * Consulted for a `charge.refunded` only when the charge's own ids (its invoice, its
   * PaymentIntent) are not a recorded sale — in practice: subscription charges on Stripe API
   * 2025-03-31+ (Basil removed `Charge.invoice`), and sales recorded under `session.id` by other code.
   * @default undefined, only the charge's own ids are tried (see {@link invoiceTransactionIdResolver})
   */
  resolveTransactionId?: ResolveTransactionId;
}

/** The same outcome as every provider handler's, with Stripe's event and mapping. */
export type StripeWebhookOutcome = WebhookOutcome<StripeEventLike, StripeMapping>;

const idempotencyKey = (event: StripeEventLike, call: string) => (event.id ? { idempotencyKey: `stripe:${event.id}:${call}` } : {});

/**
 * Verifies a Stripe webhook, maps it (see `mapStripeEvent`) and records the sale or refund under
 * the idempotency key `stripe:<event.id>:…`. Never throws: answer Stripe with `outcome.httpStatus`
 * — 500 only when a redelivery can help and cannot apply the call twice (sales repeat as 409, full
 * refunds as `skipped`; a partial refund whose answer was lost is not redelivered unless the
 * client's `honoursIdempotencyKey` says the API recognises the key).
 *
 * **Use this only for a self-hosted webhook.** If your Stripe account is connected to Affitor
 * (Stripe Connect, `npx affitor setup stripe`), Affitor already records these sales; doing it here
 * too counts every sale twice, and no 409 will catch it. With Connect, only set the metadata
 * (`withAffitorCheckout`).
 */
export function handleStripeWebhook(options: StripeWebhookOptions): Promise<StripeWebhookOutcome> {
  return runWebhook(
    () => verifyStripeWebhook(options.rawBody, options.signature, options.secret, { toleranceSeconds: options.toleranceSeconds }),
    (event) => mapStripeEvent(event, { programId: options.programId }),
    async (mapped, event, outcome) => {
      if (mapped.action === 'sale') {
        outcome.sent = mapped.input;
        outcome.result = await options.affitor.trackSale(mapped.input, idempotencyKey(event, 'sale'));
      } else if (mapped.action === 'refund' || mapped.reason === 'unresolved_transaction_id') {
        await refund(options, event, mapped, outcome);
      }
    },
  );
}

/** Tries the charge's own ids in order, moving on only on 404, then the resolver. */
async function refund(options: StripeWebhookOptions, event: StripeEventLike, mapped: StripeMapping, outcome: StripeWebhookOutcome) {
  const charge = event.data.object as ChargeLike;
  const base = refundDetails(charge, event.data.previous_attributes as { amount_refunded?: unknown } | null);
  const tried = new Set<string>();
  const attempt = async (invoiceId: string) => {
    tried.add(invoiceId);
    outcome.sent = { ...base, invoiceId };
    // One key per candidate: each is a different request, and a key names one request.
    outcome.result = await options.affitor.trackRefund(outcome.sent, idempotencyKey(event, `refund:${invoiceId}`));
    return outcome.result.status !== 404;
  };
  if (mapped.action === 'refund') {
    for (const id of [mapped.input.invoiceId as string, ...mapped.fallbackInvoiceIds]) if (await attempt(id)) return;
  }
  const resolved = options.resolveTransactionId ? await options.resolveTransactionId(charge) : null;
  if (resolved && !tried.has(resolved)) await attempt(resolved);
}

/** The part of a `stripe` client that {@link invoiceTransactionIdResolver} uses. */
export interface StripeInvoicePaymentsClient {
  invoicePayments: {
    list(params: { payment: { type: 'payment_intent'; payment_intent: string }; limit?: number }): PromiseLike<{
      data: { invoice: string | { id?: string } }[];
    }>;
  };
}

/**
 * A `resolveTransactionId` for subscription refunds on Stripe API 2025-03-31+, where a Charge no
 * longer names its invoice: asks Stripe which invoice the charge's PaymentIntent paid (one
 * `GET /v1/invoice_payments` call, made only after the PaymentIntent itself was not a sale).
 * Returns null for a PaymentIntent that paid no invoice.
 *
 * ```ts
 * resolveTransactionId: invoiceTransactionIdResolver(stripe) // stripe = new Stripe(key)
 * ```
 */
export function invoiceTransactionIdResolver(stripe: StripeInvoicePaymentsClient): ResolveTransactionId {
  return async (charge) => {
    const paymentIntent = idOf(charge.payment_intent);
    if (!paymentIntent) return null;
    const { data } = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: paymentIntent }, limit: 1 });
    const invoice = data[0]?.invoice;
    return (typeof invoice === 'string' ? invoice : invoice?.id) || null;
  };
}
