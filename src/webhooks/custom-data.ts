// The Affitor ids a checkout carries in the provider's custom data (Paddle `custom_data`, Lemon
// Squeezy `checkout_data.custom`, Polar `metadata`), under the names the Stripe metadata uses
// (docs/protocol.md §9.1), and how every mapper (Stripe's metadata too) reads them back.
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

/** Who a sale is attributed to: the click it came from, or the merchant's own customer key. */
export interface Attribution {
  clickId?: string;
  customerExternalId?: string;
}

/** Why a sale is not this program's to record. */
export interface NotOurSale {
  action: 'ignore';
  reason: 'other_program' | 'no_attribution_metadata';
}

/**
 * The ids a sale is attributed by, read from custom data (current keys, then the legacy aliases
 * `customer_code`, `customer_key`, `user_id`), or why the sale is not ours: the data names a
 * program other than `programId`, or no id is found at all. `fallback` fills what the custom data
 * lacks (Stripe's `client_reference_id`, Polar's customer external id).
 */
export function saleAttribution(data: CustomData, programId: string | number | undefined, fallback: Attribution = {}): Attribution | NotOurSale {
  const d = data || {};
  const program = text(d.program_id);
  if (programId != null && program !== undefined && program !== String(programId)) return { action: 'ignore', reason: 'other_program' };
  const clickId = text(d.affitor_click_id) || text(d.customer_code) || fallback.clickId || undefined;
  const customerExternalId = text(d.affitor_customer_key) || text(d.customer_key) || text(d.user_id) || fallback.customerExternalId || undefined;
  if (!clickId && !customerExternalId) return { action: 'ignore', reason: 'no_attribution_metadata' };
  return { clickId, customerExternalId };
}
