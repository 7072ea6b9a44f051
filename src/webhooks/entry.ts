// What every provider entry (`/paddle`, `/lemonsqueezy`, `/polar`) exports besides its own verifier,
// mapper and handler: the checkout custom data, the signature error and the handler's types.
export { affitorCustomData } from './custom-data.js';
export type { AffitorCheckoutIds } from './custom-data.js';
export { WebCryptoUnavailableError, WebhookSignatureError } from './signature-error.js';
export type { IgnoreReason, WebhookAffitor, WebhookHandlerOptions, WebhookHeaders, WebhookMapping, WebhookOutcome } from './handler.js';
