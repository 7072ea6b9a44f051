// The one error the string-key client (`new Affitor(apiKey, {apiBase})`) rejects with, as the
// canonical `affitor-sdk/server` does (docs/protocol.md §12.3). The object-form client never
// rejects on HTTP or network failures; it resolves to the same `AffitorResult` this error carries.
import { errorEnvelope, type AffitorResult } from './responses.js';

export class AffitorApiError extends Error {
  override readonly name = 'AffitorApiError';
  /** HTTP status; 0 when no answer arrived (network failure, timeout). */
  readonly status: number;
  /** The API's own error code (`unauthorized`, `rate_limited`, …) when its body carries one. */
  readonly code?: string;
  /** When the API allows the next attempt: the body's `error.retry_after_seconds`, else `Retry-After`. */
  readonly retryAfterSeconds?: number;
  /** The parsed JSON body, the raw text when it was not JSON, or null. */
  readonly body: unknown;
  /** What the object-form client would have resolved to: `result.code` classifies the failure. */
  readonly result: AffitorResult<unknown>;

  constructor(result: AffitorResult<unknown>, body: unknown) {
    const envelope = errorEnvelope(body);
    // Without an answer, or with one that is not the API's, the client's own explanation is the useful one.
    const fromApi = result.status !== 0 && result.code !== 'unexpected_response';
    super((fromApi ? envelope.message : result.error) || `Request failed with status ${result.status}`);
    this.status = result.status;
    this.code = envelope.code;
    this.retryAfterSeconds = result.retryAfterSeconds ?? envelope.retryAfterSeconds;
    this.body = body;
    this.result = result;
  }
}
