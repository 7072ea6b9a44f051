// docs/protocol.md §5 auth: the Bearer program key, and the program ids test events name.
import type { EventType } from '../endpoints.js';
import type { ProgramRow } from '../schema.js';
import type { Rules } from './context.js';
import type { TrackResult } from './event-log.js';
import type { Body } from './values.js';

const INVALID_TOKEN = 'Invalid API token';

/**
 * The key's program, null when no header was sent (only acceptable where auth is optional), or
 * 'invalid'.
 */
export function authenticate(rules: Rules, header: string | undefined, required: boolean): ProgramRow | null | 'invalid' {
  if (header === undefined) return required ? 'invalid' : null;
  if (!header.startsWith('Bearer ')) return 'invalid';
  const token = header.slice('Bearer '.length).trim();
  if (!token) return 'invalid';
  return rules.q.programByKey.get(token) ?? 'invalid';
}

export function unauthorized(rules: Rules, type: EventType, at: number, body: Body): TrackResult {
  return rules.log.record(type, at, 401, { error: INVALID_TOKEN }, { body, explanation: 'rejected: missing or unknown API key (401)' });
}

export function knownProgramId(rules: Rules, value: unknown): number | null {
  const id = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : NaN;
  return Number.isSafeInteger(id) && rules.q.programById.get(id) ? id : null;
}
