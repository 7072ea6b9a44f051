// How the rules read request values, plus the money and email formats they store (docs/protocol.md §10).
import { createHash } from 'node:crypto';
import type { ProgramRow } from '../schema.js';

export type Body = Record<string, unknown>;

export const DAY_MS = 86_400_000;

/** A non-empty (after trim) string, trimmed; null otherwise. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Ids may arrive as numbers from lenient callers (the tracker stringifies them; docs/protocol.md §10.20). */
export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value);
}

export function objectOrEmpty(value: unknown): Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
}

export function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : null;
}

/** docs/protocol.md §10.15: hex SHA-256 over the trimmed, lower-cased email. */
export function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** docs/protocol.md §10.14: `jane@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  const at = normalized.lastIndexOf('@');
  if (at < 1) return normalized.slice(0, 1) + '***';
  return normalized.slice(0, 1) + '***' + normalized.slice(at);
}

export function formatCents(cents: number, currency = 'USD'): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

/** Commission for one sale from the program's settings (docs/protocol.md §10.11: rounded, no cap, no hold). */
export function commissionFor(program: ProgramRow, amountCents: number): number {
  if (program.commission_type === 'fixed') return program.commission_fixed_cents;
  return Math.round((amountCents * program.commission_rate) / 100);
}
