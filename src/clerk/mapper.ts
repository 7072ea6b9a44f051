// Verified Clerk event → the Affitor call it implies, as a pure function.
//   user.created with a click id in `unsafe_metadata` → lead: customer key = the Clerk user id,
//     email = the primary address, keyed by the Svix message id so a redelivery is recorded once;
//   user.created without one (the visitor came from no partner) and every other event → ignored.
import type { TrackLeadInput } from '../server/inputs.js';
import type { IgnoreReason } from '../webhooks/handler.js';
import { CLERK_CLICK_ID_KEY } from './metadata.js';
import type { ClerkEventLike, ClerkUserLike } from './types.js';

/** Why a Clerk event records nothing. */
export type ClerkIgnoreReason = Extract<IgnoreReason, 'unhandled_event' | 'no_attribution_metadata'>;

export type ClerkMapping =
  | { action: 'lead'; input: TrackLeadInput; idempotencyKey: string }
  | { action: 'ignore'; reason: ClerkIgnoreReason };

/** The user's primary email address; null when it has none (a phone-only account). */
export function primaryEmail(user: ClerkUserLike): string | null {
  const addresses = Array.isArray(user.email_addresses) ? user.email_addresses : [];
  const primary = addresses.find((a) => a?.id === user.primary_email_address_id);
  return typeof primary?.email_address === 'string' && primary.email_address ? primary.email_address : null;
}

/**
 * Maps a verified Clerk event to the Affitor call it implies. `messageId` is the `svix-id` header:
 * the same on every redelivery of this event, so it names the call.
 */
export function mapClerkEvent(event: ClerkEventLike, messageId: string): ClerkMapping {
  if (event.type !== 'user.created') return { action: 'ignore', reason: 'unhandled_event' };
  const user = event.data as ClerkUserLike;
  const clickId = user.unsafe_metadata?.[CLERK_CLICK_ID_KEY];
  // Without a click the lead could not be attributed (the API knows no customer by a fresh user id).
  if (typeof clickId !== 'string' || !clickId) return { action: 'ignore', reason: 'no_attribution_metadata' };
  const email = primaryEmail(user);
  return {
    action: 'lead',
    input: { customerExternalId: user.id, clickId, ...(email ? { email } : {}) },
    idempotencyKey: `clerk:${messageId}`,
  };
}
