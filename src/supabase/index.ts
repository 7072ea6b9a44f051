// `affitor-tracker/supabase`: the lead of a sign-up made with client-side Supabase Auth (Auth UI,
// `signUp` in the browser, OAuth and magic links) — sent once per account, never once per page
// load. Server-side sign-ups (`supabase.auth.signUp` in a server action) record the lead with the
// server client instead (docs/supabase.md). No runtime dependency on a Supabase package.
import { isNewAccount, type NewAccountRule, type SupabaseUserLike } from './new-account.js';

export { isNewAccount };
export type { NewAccountRule, SupabaseUserLike };

/** The part of a Supabase client (`createClient(…)`, `createBrowserClient(…)`) this uses. */
export interface SupabaseClientLike {
  auth: {
    onAuthStateChange(callback: (event: string, session: { user: SupabaseUserLike } | null) => void): {
      data: { subscription: { unsubscribe(): void } };
    };
  };
}

export interface TrackSupabaseSignupsOptions extends NewAccountRule {
  /**
   * Records the lead. The tracker's `signup` sends nothing for a key this browser already
   * recorded, which covers the page loads of the first session.
   * @default the page's tracker: `window.affitor.signup`, queued until the script has loaded
   */
  signup?: (customerKey: string, email: string | null) => unknown;
  /**
   * Clock, ms since epoch (tests).
   * @default Date.now
   */
  now?: () => number;
}

type QueueCommand = ['signup', string, string | null];

/** The listener for the page's tracker on each client, by client. */
const pageTrackerListeners = new WeakMap<SupabaseClientLike, () => void>();

/** `window.affitorQueue`: run at once by a loaded tracker, kept for it otherwise (protocol §6). */
function pageTrackerSignup(customerKey: string, email: string | null): void {
  const page = globalThis as { affitorQueue?: unknown };
  if (!Array.isArray(page.affitorQueue)) page.affitorQueue = [];
  (page.affitorQueue as QueueCommand[]).push(['signup', customerKey, email]);
}

/**
 * Sends the lead (the Supabase user id as the customer key, and the email) when a new account
 * signs in for the first time — after `signUp` with auto-confirm, on the confirmation link, on a
 * first OAuth or magic-link sign-in — and never for an existing user's sign-in or page load.
 * Returns the function that stops listening.
 *
 * ```ts
 * const supabase = createClient(url, anonKey);
 * trackSupabaseSignups(supabase);
 * ```
 */
export function trackSupabaseSignups(supabase: SupabaseClientLike, options: TrackSupabaseSignupsOptions = {}): () => void {
  // A client made again and again (a load function, a factory: @supabase/ssr hands back the same
  // browser client) is listened to once for the page's tracker: its stop function is the first one.
  const existing = options.signup ? undefined : pageTrackerListeners.get(supabase);
  if (existing) return existing;
  const signup = options.signup ?? pageTrackerSignup;
  const now = options.now ?? Date.now;
  // SIGNED_IN and INITIAL_SESSION both report a page load's session: one call per user and page.
  const signalled = new Set<string>();
  const { data } = supabase.auth.onAuthStateChange((event, session) => {
    try {
      if (event !== 'SIGNED_IN' && event !== 'INITIAL_SESSION') return;
      const user = session?.user;
      if (!user || signalled.has(user.id) || !isNewAccount(user, now(), options)) return;
      signalled.add(user.id);
      // Supabase runs this callback inside its auth lock: hand the call over, never wait on it here.
      void Promise.resolve(signup(user.id, typeof user.email === 'string' && user.email ? user.email : null)).catch(() => {});
    } catch {
      // Never break the app's auth flow over attribution.
    }
  });
  const stop = () => {
    data.subscription.unsubscribe();
    if (pageTrackerListeners.get(supabase) === stop) pageTrackerListeners.delete(supabase);
  };
  if (!options.signup) pageTrackerListeners.set(supabase, stop);
  return stop;
}
