// isNewAccount: a sign-in is an account's first when it happened with the account's creation or
// first confirmation, and recently.
import { describe, expect, it } from 'vitest';
import { isNewAccount, type SupabaseUserLike } from '../../src/supabase/index';

const T = Date.parse('2026-12-07T12:00:00.000Z');
const at = (ms: number) => new Date(T + ms).toISOString();
const user = (o: Partial<SupabaseUserLike> = {}): SupabaseUserLike => ({ id: 'u1', email: 'a@example.com', created_at: at(0), confirmed_at: at(0), last_sign_in_at: at(30), ...o });

describe('isNewAccount', () => {
  it('auto-confirmed sign-up, first OAuth sign-in: created, confirmed and signed in by one request', () => {
    expect(isNewAccount(user(), T + 1000)).toBe(true);
  });

  it('confirmed by a link hours later: the first sign-in is the confirmation', () => {
    const later = user({ created_at: at(0), confirmed_at: at(5 * 3_600_000), email_confirmed_at: at(5 * 3_600_000), last_sign_in_at: at(5 * 3_600_000 + 40) });
    expect(isNewAccount(later, T + 5 * 3_600_000 + 2000)).toBe(true);
  });

  it('a later sign-in, of a new or an old account, is not', () => {
    expect(isNewAccount(user({ last_sign_in_at: at(120_000) }), T + 121_000)).toBe(false);
    expect(isNewAccount(user({ created_at: at(-86_400_000 * 30), confirmed_at: at(-86_400_000 * 30), last_sign_in_at: at(0) }), T + 1000)).toBe(false);
  });

  it('a page load long after the first sign-in is not (an account from before Affitor was added)', () => {
    expect(isNewAccount(user(), T + 3_600_000)).toBe(true);
    expect(isNewAccount(user(), T + 3_600_031)).toBe(false);
    expect(isNewAccount(user(), T + 86_400_000, { recentMs: 2 * 86_400_000 })).toBe(true);
  });

  it('the tolerance between becoming usable and signing in is an option', () => {
    expect(isNewAccount(user({ last_sign_in_at: at(60_000) }), T + 61_000)).toBe(true);
    expect(isNewAccount(user({ last_sign_in_at: at(60_001) }), T + 61_000)).toBe(false);
    expect(isNewAccount(user({ last_sign_in_at: at(100_000) }), T + 101_000, { firstSignInToleranceMs: 120_000 })).toBe(true);
  });

  it('the first confirmation counts, not a later one (a phone confirmed after the email)', () => {
    const both = user({ confirmed_at: at(0), email_confirmed_at: at(0), phone_confirmed_at: at(3_600_000), last_sign_in_at: at(3_600_010) });
    expect(isNewAccount(both, T + 3_600_020)).toBe(false);
    expect(isNewAccount(user({ confirmed_at: null, email_confirmed_at: at(10), last_sign_in_at: at(20) }), T + 30)).toBe(true);
  });

  it('anonymous users, users never signed in, and malformed users are not new accounts', () => {
    expect(isNewAccount(user({ is_anonymous: true }), T + 1000)).toBe(false);
    expect(isNewAccount(user({ last_sign_in_at: null }), T + 1000)).toBe(false);
    expect(isNewAccount(user({ created_at: 'yesterday' }), T + 1000)).toBe(false);
    expect(isNewAccount(user({ id: '' }), T + 1000)).toBe(false);
    expect(isNewAccount(null, T)).toBe(false);
  });
});
