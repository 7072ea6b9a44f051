// The Affitor ids a checkout carries in the provider's custom data (Paddle `custom_data`, Lemon
// Squeezy `checkout_data.custom`, Polar `metadata`), under the names the Stripe metadata uses
// (docs/protocol.md §9.1), and how the mappers read them back.
import type { AffitorCheckoutIds } from '../stripe/checkout.js';

export type { AffitorCheckoutIds };

/**
 * `{affitor_click_id, affitor_customer_key, program_id}` as strings, empty values omitted, merged
 * over `existing` (your own keys are kept).
 */
export function affitorCustomData<Existing extends object = Record<never, never>>(
  ids: AffitorCheckoutIds,
  existing?: Existing | null,
): Existing & Record<string, string> {
  const out: Record<string, unknown> = { ...existing };
  const put = (key: string, value: string | number | null | undefined) => {
    if (value !== undefined && value !== null && String(value) !== '') out[key] = String(value);
  };
  put('affitor_click_id', ids.clickId);
  put('affitor_customer_key', ids.customerKey);
  put('program_id', ids.programId);
  return out as Existing & Record<string, string>;
}

type CustomData = Record<string, unknown> | null | undefined;

const text = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);

/** The ids in custom data: current keys, then the legacy aliases the Stripe mapper reads too. */
export function attributionFrom(data: CustomData): { clickId?: string; customerExternalId?: string } {
  const d = data || {};
  return {
    clickId: text(d.affitor_click_id) || text(d.customer_code),
    customerExternalId: text(d.affitor_customer_key) || text(d.customer_key) || text(d.user_id),
  };
}

/** True when the custom data names a program other than `programId`. */
export const otherProgram = (data: CustomData, programId: string | number | undefined) =>
  programId != null && text(data?.program_id) !== undefined && text(data?.program_id) !== String(programId);
