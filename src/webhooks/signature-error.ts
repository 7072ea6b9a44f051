// The one error every webhook verifier of this package throws for a request that fails the check
// (Stripe's `StripeSignatureError` is the same class under its older name), and the one it throws
// when the server cannot check at all.

/** A webhook that is not provably from the provider: answer it 400, never process it. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/**
 * The server cannot check any signature: WebCrypto (`globalThis.crypto.subtle`) is missing. The
 * server's problem, not the request's: the handlers answer 500, so the provider delivers again once
 * the runtime is fixed.
 */
export class WebCryptoUnavailableError extends Error {
  override name = 'WebCryptoUnavailableError';
}
