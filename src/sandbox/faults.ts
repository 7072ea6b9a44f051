// Rule 22 fault injection: make the next N requests to an endpoint fail the way real networks do,
// so the tracker's retries (docs/protocol.md §3.4) and the fault benchmark can be exercised against a real server.
import { isTrackEndpoint, TRACK_ENDPOINTS, type EventType } from './endpoints.js';
import { SettingsError } from './admin.js';

/**
 * - `503`: answer 503 without processing (the tracker retries).
 * - `drop`: close the connection without reading or answering (a network error in the browser).
 * - `delay`: wait `delayMs`, then process normally.
 * - `drop_after`: process and store the request, then close the connection without answering: the
 *   client sees a network error although the server recorded it (the case the click dedupe of docs/protocol.md §10.19 exists for).
 */
export type FaultMode = '503' | 'drop' | 'delay' | 'drop_after';
export const FAULT_MODES: FaultMode[] = ['503', 'drop', 'delay', 'drop_after'];
const MAX_DELAY_MS = 60_000;

export interface Fault {
  mode: FaultMode;
  /** Requests still to be hit. */
  count: number;
  delayMs: number;
}

export class Faults {
  private readonly active = new Map<EventType, Fault>();

  /**
   * `{"click": {"mode":"503","count":3}, "lead": null}`: sets (or, with null, clears) per endpoint.
   * Throws SettingsError on bad input and then changes nothing.
   */
  configure(input: unknown): void {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new SettingsError('faults must be a JSON object like {"click":{"mode":"503","count":3}}');
    }
    const next = new Map(this.active);
    for (const [endpoint, raw] of Object.entries(input as Record<string, unknown>)) {
      if (!isTrackEndpoint(endpoint)) throw new SettingsError(`unknown endpoint "${endpoint}" (use ${TRACK_ENDPOINTS.join(', ')})`);
      if (raw === null) {
        next.delete(endpoint);
        continue;
      }
      const { mode, count = 1, delayMs = 3000 } = (raw ?? {}) as Record<string, unknown>;
      if (!FAULT_MODES.includes(mode as FaultMode)) throw new SettingsError(`fault mode must be one of ${FAULT_MODES.join(', ')}`);
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 1_000_000) {
        throw new SettingsError('fault count must be an integer from 0 to 1000000');
      }
      if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
        throw new SettingsError(`delayMs must be an integer from 0 to ${MAX_DELAY_MS}`);
      }
      if (count === 0) next.delete(endpoint);
      else next.set(endpoint, { mode: mode as FaultMode, count, delayMs });
    }
    this.active.clear();
    for (const [k, v] of next) this.active.set(k, v);
  }

  /** The fault to apply to this request, if any; counts it down. */
  take(endpoint: EventType): Fault | null {
    const fault = this.active.get(endpoint);
    if (!fault) return null;
    fault.count -= 1;
    if (fault.count <= 0) this.active.delete(endpoint);
    return { ...fault };
  }

  clear(): void {
    this.active.clear();
  }

  snapshot(): Partial<Record<EventType, Fault>> {
    return Object.fromEntries([...this.active].map(([k, v]) => [k, { ...v }]));
  }
}
