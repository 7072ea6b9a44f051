// The Svix / Standard Webhooks signature scheme (Polar, and Clerk through Svix): three headers —
// the message id, its unix timestamp, and `v1,<base64>[ v1,<base64>…]` — each signature being
// HMAC-SHA256(key, `${id}.${timestamp}.${body}`). Several signatures arrive during a secret
// rotation; other versions (`v1a,…`) are skipped. Providers differ only in the header prefix
// (`svix-` or `webhook-`) and in how the secret becomes the key.
import { anyHmacSha256Matches, base64ToBytes, checkTimestamp, rawBodyBytes, signedMessage, type TimestampOptions } from './crypto.js';
import { headerValue, type WebhookHeaders } from './handler.js';
import { WebhookSignatureError } from './signature-error.js';

export interface StandardSignature {
  /** `svix` (Clerk) or `webhook` (Standard Webhooks, Polar). */
  headerPrefix: 'svix' | 'webhook';
  /** The HMAC key. */
  key: string | Uint8Array<ArrayBuffer>;
  /** The end of the "no signature matches" error: what to check, in the provider's words. */
  secretHint: string;
}

/**
 * Verifies the signature headers over the exact body; returns the body's bytes and the message id
 * (the provider's id of this event, the same on every redelivery). Throws {@link WebhookSignatureError}.
 */
export async function verifyStandardSignature(
  rawBody: unknown,
  headers: WebhookHeaders,
  scheme: StandardSignature,
  options: TimestampOptions,
): Promise<{ body: Uint8Array<ArrayBuffer>; id: string }> {
  const body = rawBodyBytes(rawBody);
  const [idName, timestampName, signatureName] = ['id', 'timestamp', 'signature'].map((part) => `${scheme.headerPrefix}-${part}`);
  const id = headerValue(headers, idName);
  const timestamp = headerValue(headers, timestampName);
  const signatureHeader = headerValue(headers, signatureName);
  if (!id || !timestamp || !signatureHeader) {
    throw new WebhookSignatureError(`Missing ${idName}, ${timestampName} or ${signatureName} header: pass the request's headers.`);
  }
  if (!/^\d+$/.test(timestamp)) throw new WebhookSignatureError(`Malformed ${timestampName} header: expected unix seconds.`);
  const signatures = signatureHeader
    .split(' ')
    .map((entry) => (entry.startsWith('v1,') ? base64ToBytes(entry.slice(3)) : null))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => !!bytes);
  if (signatures.length === 0) throw new WebhookSignatureError(`Malformed ${signatureName} header: expected "v1,<base64 signature>".`);
  checkTimestamp(timestampName, Number(timestamp), options);
  if (!(await anyHmacSha256Matches(scheme.key, signedMessage(`${id}.${timestamp}.`, body), signatures))) {
    throw new WebhookSignatureError(`No signature matches the body: ${scheme.secretHint}`);
  }
  return { body, id };
}
