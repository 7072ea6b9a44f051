// Idempotency-Key (docs/protocol.md §10.23): a lead, sale, refund or click sent again with the same
// key gets the first answer instead of being applied again. The first final answer is stored in the
// same SQLite transaction as the call's own writes, so "applied" and "remembered" cannot come apart,
// not even across a crash; a repeat that arrives while the first is still running waits for it.
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import type { EventType } from './endpoints.js';
import { HttpError } from './http/io.js';
import { DAY_MS } from './rules/values.js';
import type { TrackResult } from './tracking.js';

/** How long a key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = DAY_MS;
const PRINTABLE_ASCII_KEY = /^[\x20-\x7E]{1,255}$/;

export interface StoredAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What became of a keyed call: applied now, the first answer replayed, or the key reused for another body. */
export type KeyedOutcome = { kind: 'applied'; result: TrackResult } | { kind: 'replayed'; answer: StoredAnswer } | { kind: 'mismatch' };

/** The header's key, null without one; HttpError 400 when it is not 1–255 printable ASCII characters. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !PRINTABLE_ASCII_KEY.test(header)) {
    throw new HttpError(400, 'Idempotency-Key must be 1-255 printable ASCII characters');
  }
  return header;
}

/** The body with object keys sorted at every level, so key order and whitespace do not make a body "different". */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class IdempotencyKeys {
  private readonly find;
  private readonly save;
  /** Scopes whose first call is running, and a promise that settles when it has. */
  private readonly running = new Map<string, Promise<void>>();
  /** The call's writes and the stored answer, in one transaction (a savepoint inside the group commit). */
  private readonly applyAndRemember: (scope: string, fingerprint: string, apply: () => TrackResult) => TrackResult;

  constructor(
    db: Db,
    private readonly now: () => number,
  ) {
    this.find = db.prepare<[string, number], { fingerprint: string; status: number; body: string }>(
      'SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = ? AND created_at >= ?',
    );
    this.save = db.prepare('INSERT OR REPLACE INTO idempotency_keys (scope, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?)');
    db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(now() - IDEMPOTENCY_WINDOW_MS);
    this.applyAndRemember = db.transaction((scope: string, fingerprint: string, apply: () => TrackResult) => {
      const result = apply();
      // A 5xx is not remembered: the call did not complete, and a retry may still succeed.
      if (result.status < 500) this.save.run(scope, fingerprint, result.status, JSON.stringify(result.body), this.now());
      return result;
    });
  }

  /**
   * Runs `apply` (which must call `write` with the call's synchronous writes) once per key: per
   * endpoint, Authorization header and key, for IDEMPOTENCY_WINDOW_MS.
   */
  async run(
    call: { endpoint: EventType; authorization: string | undefined; key: string; body: Record<string, unknown> },
    apply: (write: (work: () => TrackResult) => TrackResult) => Promise<TrackResult>,
  ): Promise<KeyedOutcome> {
    const scope = sha256(JSON.stringify([call.endpoint, call.authorization ?? '', call.key]));
    const fingerprint = sha256(canonicalJson(call.body));
    for (let first = this.running.get(scope); first; first = this.running.get(scope)) await first;
    const stored = this.find.get(scope, this.now() - IDEMPOTENCY_WINDOW_MS);
    if (stored) {
      if (stored.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return { kind: 'replayed', answer: { status: stored.status, body: JSON.parse(stored.body) as Record<string, unknown> } };
    }
    let settle!: () => void;
    this.running.set(scope, new Promise<void>((resolve) => (settle = resolve)));
    try {
      const result = await apply((work) => this.applyAndRemember(scope, fingerprint, work));
      return { kind: 'applied', result };
    } finally {
      this.running.delete(scope);
      settle();
    }
  }
}
