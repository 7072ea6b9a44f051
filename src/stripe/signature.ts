// Stripe webhook signature verification with WebCrypto, so it runs unchanged in Node, Deno, Bun,
// Cloudflare Workers and Vercel Edge. Scheme: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, where
// v1 = HMAC-SHA256(secret, `${t}.${rawBody}`).
import type { StripeEventLike } from './types.js';

export class StripeSignatureError extends Error {
  override name = 'StripeSignatureError';
}

export interface VerifyOptions {
  /** Maximum age of the signature's timestamp, in seconds (default 300, as Stripe's libraries). */
  toleranceSeconds?: number;
  /** Clock, ms since epoch (tests). */
  now?: number;
}

const encoder = new TextEncoder();

/**
 * WebCrypto, global in Node ≥ 19, Deno, Bun, Workers and browsers. No `node:crypto` fallback on
 * purpose: that import would break edge bundlers, and Node 18 (end of life) can enable the global.
 */
function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new StripeSignatureError(
      'WebCrypto is unavailable (globalThis.crypto.subtle): use Node ≥ 19, or run Node 18 with --experimental-global-webcrypto.',
    );
  }
  return subtle;
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Verifies a Stripe webhook and returns the parsed event; throws {@link StripeSignatureError}
 * saying what is wrong. `rawBody` must be the exact bytes Stripe sent: re-serialised JSON never
 * verifies (Express: `express.raw({ type: 'application/json' })`; Fetch: `await request.text()`).
 * The comparison is WebCrypto's HMAC verify, which is constant-time.
 */
export async function verifyStripeWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string,
  options: VerifyOptions = {},
): Promise<StripeEventLike> {
  if (!secret) throw new StripeSignatureError('No webhook signing secret: pass the endpoint\'s `whsec_…` secret (Stripe Dashboard → Webhooks, or `stripe listen`).');
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new StripeSignatureError(
      'The body must be the raw request body (string or bytes), not parsed JSON: use express.raw({ type: "application/json" }) or `await request.text()`.',
    );
  }
  if (!signatureHeader) throw new StripeSignatureError('No Stripe-Signature header: pass the request\'s `stripe-signature` header.');
  let timestamp = NaN;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of signatureHeader.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = /^\d+$/.test(value) ? Number(value) : NaN;
    else if (key === 'v1') {
      const bytes = hexToBytes(value);
      if (bytes) signatures.push(bytes);
    }
  }
  if (!Number.isFinite(timestamp) || signatures.length === 0) {
    throw new StripeSignatureError('Malformed Stripe-Signature header: expected "t=<timestamp>,v1=<signature>".');
  }
  const tolerance = options.toleranceSeconds ?? 300;
  const age = Math.floor((options.now ?? Date.now()) / 1000) - timestamp;
  if (Math.abs(age) > tolerance) {
    throw new StripeSignatureError(
      `Stripe-Signature timestamp is ${age >= 0 ? `${age} s old` : `${-age} s in the future`}, outside the ${tolerance} s ` +
        "tolerance: a replayed event, or this server's clock is wrong.",
    );
  }
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const subtle = subtleCrypto();
  const key = await subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  let valid = false;
  for (const signature of signatures) {
    if (await subtle.verify('HMAC', key, signature, signed)) valid = true;
  }
  if (!valid) {
    throw new StripeSignatureError(
      'No signature matches the body: check the signing secret (each endpoint, and `stripe listen`, has its own whsec_…) and that the body is the exact raw bytes Stripe sent.',
    );
  }
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  let event: Partial<StripeEventLike> | null = null;
  try {
    event = JSON.parse(text);
  } catch {
    // reported below
  }
  // Only Stripe can sign, so this guards against a misrouted endpoint, not an attacker.
  if (!event || typeof event.type !== 'string' || typeof event.data?.object !== 'object' || !event.data.object) {
    throw new StripeSignatureError('The signed body is not a Stripe event (expected JSON with `type` and `data.object`).');
  }
  return event as StripeEventLike;
}
