// The outbox: where a lead, sale or refund waits when Affitor could not be reached for the whole
// call (its in-call retries included), until `affitor.flush()` — or the client's next call that
// reaches Affitor — sends it again under the same Idempotency-Key. A store is three functions, so it
// can be the process's memory (the default), a file, or a table in the app's own database.
import type { Endpoint, WireBody } from './inputs.js';

/** One call waiting to be sent again. Plain JSON, so any store can keep it as it is. */
export interface OutboxEntry {
  /** The call's `Idempotency-Key`, sent again with every resend; the entry's id in the store. */
  idempotencyKey: string;
  endpoint: Exclude<Endpoint, 'click'>;
  /** The request body exactly as first sent (API field names). */
  body: WireBody;
  /** When the call first failed (ISO 8601). */
  queuedAt: string;
  /**
   * An attempt may have been applied although no answer said so: a resend refused because the lead
   * is already recorded is then the lead recorded, not a failure.
   */
  mayHaveLanded: boolean;
}

/**
 * Where the client keeps calls to send again. Each method may return a promise; a store that
 * throws is reported in the call's result (`queued` stays unset), never thrown to the caller.
 */
export interface OutboxStore {
  /** Keeps `entry`, replacing one with the same `idempotencyKey`. */
  put(entry: OutboxEntry): void | Promise<void>;
  /** Every kept entry, oldest first. */
  list(): readonly OutboxEntry[] | Promise<readonly OutboxEntry[]>;
  /** Forgets the entry with this key (sent, or refused for good). */
  remove(idempotencyKey: string): void | Promise<void>;
}

/**
 * The default store: the client's own memory. It outlives an outage of minutes in a long-running
 * server; it does not outlive the process, so on serverless hosts or across deploys give the client
 * a store in your database (docs/server.md#nothing-lost-the-outbox).
 */
export function memoryOutbox(): OutboxStore {
  const entries = new Map<string, OutboxEntry>();
  return {
    put: (entry) => void entries.set(entry.idempotencyKey, entry),
    list: () => [...entries.values()],
    remove: (key) => void entries.delete(key),
  };
}

/** True when `store` has the three methods of an {@link OutboxStore}. */
export const isOutboxStore = (store: unknown): store is OutboxStore =>
  typeof store === 'object' &&
  store !== null &&
  ['put', 'list', 'remove'].every((method) => typeof (store as Record<string, unknown>)[method] === 'function');

/** What `affitor.flush()` did. */
export interface FlushResult {
  /** Entries Affitor recorded (or had already recorded) and that left the outbox. */
  sent: OutboxEntry[];
  /**
   * Entries Affitor refused for good (a 4xx such as an unknown click): sending them again cannot
   * help, so they left the outbox; each with the answer, to log or fix by hand.
   */
  refused: Array<{ entry: OutboxEntry; error: string; status: number }>;
  /** Entries still waiting (Affitor still unreachable, or the store could not be read or updated). */
  pending: number;
}
