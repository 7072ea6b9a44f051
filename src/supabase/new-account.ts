// Is this sign-in the account's first? Supabase Auth says "signed in" on every page load of a
// stored session (SIGNED_IN / INITIAL_SESSION), never "signed up", so the lead is decided from the
// user's own timestamps: an account's first sign-in happens in the request that made it usable —
// the sign-up itself (auto-confirm, OAuth) or the confirmation link — so `last_sign_in_at` is
// then within moments of `created_at` / `confirmed_at`. Every later sign-in moves it on.

/** The fields of a Supabase Auth user this reads (ISO 8601 times, as GoTrue sends them). */
export interface SupabaseUserLike {
  id: string;
  email?: string | null;
  created_at?: string | null;
  /** The first confirmation of the email or the phone (GoTrue: the earlier of the two). */
  confirmed_at?: string | null;
  email_confirmed_at?: string | null;
  phone_confirmed_at?: string | null;
  last_sign_in_at?: string | null;
  is_anonymous?: boolean;
}

export interface NewAccountRule {
  /**
   * How far `last_sign_in_at` may be from the moment the account became usable (its creation or
   * first confirmation) and still be the first sign-in. Both are written by the same request.
   * @default 60_000 (ms)
   */
  firstSignInToleranceMs?: number;
  /**
   * How long after that first sign-in its page loads still count: a session older than this is an
   * account from before, not a sign-up to record (e.g. users who signed up before you added Affitor).
   * @default 3_600_000 (ms, one hour)
   */
  recentMs?: number;
}

const time = (iso: string | null | undefined): number | null => {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : null;
};

/**
 * True when the user's latest sign-in is the account's first one and happened within
 * `recentMs` of `now`. Anonymous users are not accounts yet (their lead comes when they link an
 * email or identity and sign in as a permanent user).
 */
export function isNewAccount(user: SupabaseUserLike | null | undefined, now: number, rule: NewAccountRule = {}): boolean {
  if (!user || typeof user.id !== 'string' || !user.id || user.is_anonymous === true) return false;
  const signedIn = time(user.last_sign_in_at);
  const created = time(user.created_at);
  if (signedIn === null || created === null) return false;
  const confirmations = [user.confirmed_at, user.email_confirmed_at, user.phone_confirmed_at].map(time).filter((t): t is number => t !== null);
  const usableAt = Math.max(created, confirmations.length ? Math.min(...confirmations) : created);
  return Math.abs(signedIn - usableAt) <= (rule.firstSignInToleranceMs ?? 60_000) && now - signedIn <= (rule.recentMs ?? 3_600_000);
}
