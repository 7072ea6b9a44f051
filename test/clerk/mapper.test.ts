// mapClerkEvent: which Clerk events become a lead, and with which ids.
import { describe, expect, it } from 'vitest';
import { clerkSignUpMetadata, mapClerkEvent, primaryEmail } from '../../src/clerk/index';
import { clerkEvent } from './fixtures';

describe('mapClerkEvent', () => {
  it('user.created with a click → a lead: the Clerk user id, the primary address, the click; keyed by svix-id', () => {
    const event = clerkEvent('user.created', { unsafe_metadata: { affitor_click_id: 'CLICK_1', plan: 'pro' } });
    expect(mapClerkEvent(event, 'msg_1')).toEqual({
      action: 'lead',
      input: { customerExternalId: 'user_2abcUSER', email: 'new.user@example.com', clickId: 'CLICK_1' },
      idempotencyKey: 'clerk:msg_1',
    });
  });

  it('the primary address, not the first; none for an account without email', () => {
    const user = clerkEvent('user.created').data;
    expect(primaryEmail(user)).toBe('new.user@example.com');
    expect(primaryEmail({ ...user, primary_email_address_id: 'idn_2secondary' })).toBe('old@example.com');
    expect(primaryEmail({ ...user, primary_email_address_id: null })).toBeNull();
    const phoneOnly = clerkEvent('user.created', { emails: [], primary_email_address_id: null, unsafe_metadata: { affitor_click_id: 'C' } });
    expect(mapClerkEvent(phoneOnly, 'msg_2')).toEqual({ action: 'lead', input: { customerExternalId: 'user_2abcUSER', clickId: 'C' }, idempotencyKey: 'clerk:msg_2' });
  });

  it('a sign-up without a click, or with a click id that is not text, records nothing', () => {
    expect(mapClerkEvent(clerkEvent('user.created'), 'm')).toEqual({ action: 'ignore', reason: 'no_attribution_metadata' });
    for (const value of ['', 42, null, { id: 'x' }]) {
      expect(mapClerkEvent(clerkEvent('user.created', { unsafe_metadata: { affitor_click_id: value } }), 'm')).toMatchObject({ reason: 'no_attribution_metadata' });
    }
  });

  it('other events are ignored, even carrying the metadata (user.updated is not a new account)', () => {
    for (const type of ['user.updated', 'session.created'] as const) {
      expect(mapClerkEvent(clerkEvent(type, { unsafe_metadata: { affitor_click_id: 'CLICK_1' } }), 'm')).toEqual({ action: 'ignore', reason: 'unhandled_event' });
    }
  });
});

describe('clerkSignUpMetadata on the server', () => {
  it('is {} where there is no page (server rendering)', () => {
    expect(clerkSignUpMetadata()).toEqual({});
  });
});
