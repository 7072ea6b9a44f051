// The one error every webhook verifier of this package throws (Stripe's `StripeSignatureError` is
// the same class under its older name).

/** A webhook that is not provably from the provider: answer it 400, never process it. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}
