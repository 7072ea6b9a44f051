// `affitor-tracker/stripe`: Checkout metadata that survives renewals, and a self-hosted webhook
// mapper/handler. No runtime dependency on the `stripe` package.
//
// Hosted or self-hosted, never both: if Affitor's Stripe connection (Connect) is set up, it records
// sales itself — use only `withAffitorCheckout` then, or every sale is counted twice.
export { withAffitorCheckout } from './checkout.js';
export type { AffitorCheckoutIds } from './checkout.js';
export { checkoutSaleTransactionId, mapStripeEvent } from './mapper.js';
export type { IgnoreReason, MapOptions, StripeMapping } from './mapper.js';
export { StripeSignatureError, verifyStripeWebhook } from './signature.js';
export { WebCryptoUnavailableError } from '../webhooks/signature-error.js';
export type { VerifyOptions } from './signature.js';
export { handleStripeWebhook, invoiceTransactionIdResolver } from './handler.js';
export type { ResolveTransactionId, StripeInvoicePaymentsClient, StripeWebhookOptions, StripeWebhookOutcome } from './handler.js';
export { CLIENT_REFERENCE_PREFIX, clickIdFromClientReference, clientReferenceFromClickId } from '../shared/stripe-reference.js';
export type { ChargeLike, CheckoutSessionLike, InvoiceLike, StripeEventLike } from './types.js';
