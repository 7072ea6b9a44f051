// The HMAC-SHA256 verification every provider's webhook scheme is built on (Stripe, Paddle,
// Lemon Squeezy, Polar), with WebCrypto so it runs unchanged in Node, Deno, Bun, Cloudflare
// Workers and Vercel Edge. Each provider's module only says what is signed and how the header
// encodes the signatures.
import { WebCryptoUnavailableError, WebhookSignatureError } from './signature-error.js';

const encoder = new TextEncoder();

/**
 * WebCrypto, global in Node ≥ 19, Deno, Bun, Workers and browsers. No `node:crypto` fallback on
 * purpose: that import would break edge bundlers, and Node 18 (end of life) can enable the global.
 */
function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new WebCryptoUnavailableError(
      'WebCrypto is unavailable (globalThis.crypto.subtle): use Node ≥ 19, or run Node 18 with --experimental-global-webcrypto.',
    );
  }
  return subtle;
}

/** The body as bytes; a parsed object is refused with what to do instead. */
export function rawBodyBytes(rawBody: unknown): Uint8Array<ArrayBuffer> {
  if (typeof rawBody === 'string') return encoder.encode(rawBody);
  if (rawBody instanceof Uint8Array) return new Uint8Array(rawBody);
  throw new WebhookSignatureError(
    'The body must be the raw request body (string or bytes), not parsed JSON: use express.raw({ type: "application/json" }) or `await request.text()`.',
  );
}

/** The bytes of `parts` joined, strings UTF-8 encoded: the message a provider signed. */
export function signedMessage(...parts: (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  const binary = atob(base64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** How a provider writes a timestamped header: Stripe `t=<unix>,v1=<hex>`, Paddle `ts=<unix>;h1=<hex>`. */
export interface TimestampedScheme {
  header: string;
  separator: string;
  timestampKey: string;
  signatureKey: string;
}

/**
 * The timestamp and every well-formed hex signature of a timestamped header (several while the
 * provider rotates a secret); throws naming the expected form when either is missing.
 */
export function parseTimestampedHeader(value: string, scheme: TimestampedScheme): { timestamp: number; signatures: Uint8Array<ArrayBuffer>[] } {
  let timestamp = NaN;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of value.split(scheme.separator)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    if (key === scheme.timestampKey) timestamp = /^\d+$/.test(text) ? Number(text) : NaN;
    else if (key === scheme.signatureKey) {
      const bytes = hexToBytes(text);
      if (bytes) signatures.push(bytes);
    }
  }
  if (!Number.isFinite(timestamp) || signatures.length === 0) {
    const { header, separator, timestampKey, signatureKey } = scheme;
    throw new WebhookSignatureError(`Malformed ${header} header: expected "${timestampKey}=<timestamp>${separator}${signatureKey}=<signature>".`);
  }
  return { timestamp, signatures };
}

/**
 * True when any of `signatures` is HMAC-SHA256(key, message). Several signatures arrive while a
 * provider rotates its secret. The comparison is WebCrypto's HMAC verify, which is constant-time.
 */
export async function anyHmacSha256Matches(
  key: string | Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>,
  signatures: Uint8Array<ArrayBuffer>[],
): Promise<boolean> {
  const subtle = subtleCrypto();
  const keyBytes = typeof key === 'string' ? encoder.encode(key) : key;
  const cryptoKey = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  let valid = false;
  // Every signature is checked (no early exit), so timing does not say which one matched.
  for (const signature of signatures) {
    if (await subtle.verify('HMAC', cryptoKey, signature, message)) valid = true;
  }
  return valid;
}

/** The age check of the timestamped schemes (Stripe, Paddle, Polar). */
export interface TimestampOptions {
  /**
   * Maximum age of the signature's timestamp, in seconds, either way: an older capture is refused
   * as a replay. The value of Stripe's libraries and of Standard Webhooks.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * Clock, ms since epoch (tests).
   * @default Date.now()
   */
  now?: number;
}

/** Throws unless `timestamp` (unix seconds) is within the tolerance of the clock. */
export function checkTimestamp(header: string, timestamp: number, options: TimestampOptions): void {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const age = Math.floor((options.now ?? Date.now()) / 1000) - timestamp;
  if (Math.abs(age) > toleranceSeconds) {
    throw new WebhookSignatureError(
      `${header} timestamp is ${age >= 0 ? `${age} s old` : `${-age} s in the future`}, outside the ${toleranceSeconds} s ` +
        "tolerance: a replayed event, or this server's clock is wrong.",
    );
  }
}

/** The signed body parsed as a JSON object, or a clear error naming what was expected. */
export function parseSignedJson<T extends object>(body: Uint8Array, isEvent: (value: Partial<T>) => boolean, expected: string): T {
  let value: unknown = null;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    // reported below
  }
  // Only the provider can sign, so this guards against a misrouted endpoint, not an attacker.
  if (!value || typeof value !== 'object' || !isEvent(value as Partial<T>)) throw new WebhookSignatureError(`The signed body is not ${expected}.`);
  return value as T;
}
