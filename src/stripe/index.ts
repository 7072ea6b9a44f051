// `affitor-tracker/stripe`: Checkout metadata that survives renewals, and a self-hosted webhook
// mapper/handler. No runtime dependency on the `stripe` package.
//
// Hosted or self-hosted, never both: if Affitor's Stripe connection (Connect) is set up, it records
// sales itself — use only `withAffitorCheckout` then, or every sale is counted twice.
export { withAffitorCheckout } from './checkout';
export type { AffitorCheckoutIds } from './checkout';
export { checkoutSaleTransactionId, mapStripeEvent } from './mapper';
export type { IgnoreReason, MapOptions, StripeMapping } from './mapper';
export { StripeSignatureError, verifyStripeWebhook } from './signature';
export type { VerifyOptions } from './signature';
export { handleStripeWebhook, invoiceTransactionIdResolver } from './handler';
export type { ResolveTransactionId, StripeInvoicePaymentsClient, StripeWebhookOptions, StripeWebhookOutcome } from './handler';
export { CLIENT_REFERENCE_PREFIX, clickIdFromClientReference, clientReferenceFromClickId } from '../shared/stripe-reference';
export type { ChargeLike, CheckoutSessionLike, InvoiceLike, StripeEventLike } from './types';
