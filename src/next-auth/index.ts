// `affitor-tracker/next-auth`: the Affitor lead of a new account for Auth.js (`next-auth` v5,
// `@auth/core` in any framework) and NextAuth.js v4. Both call `events.createUser({ user })` once,
// when the adapter has created the user — on the first sign-in with an OAuth, email or WebAuthn
// provider, never on later sign-ins — and neither passes the request, so the click is read from
// the source the app names (Next.js's `cookies`, or the request of a per-request config).
// Nothing here imports next-auth or @auth/core: their events have this one shape.
import { clickIdFrom, clickIdsFrom, type ClickSource } from '../server/click-source.js';
import { clientOf, isAccountLeadClient, recordAccountLead, type AccountLeadClient, type LeadErrorHandler } from '../server/account-lead.js';

export type { AccountLeadClient, AccountLeadRecorder, LeadErrorHandler } from '../server/account-lead.js';
export type { ClickSource } from '../server/click-source.js';

/** What `events.createUser` receives in next-auth v4 and Auth.js v5: the adapter's new user. */
export interface CreateUserMessage {
  user: { id?: string | null; email?: string | null };
}

export interface AffitorCreateUserOptions {
  /**
   * Your server client from `affitor-tracker/server`, or a function that makes it at the first new
   * account: `() => new Affitor({ apiKey: process.env.AFFITOR_API_KEY! })`, which builds without the
   * key in the build's environment. Only `trackLead` is used.
   */
  affitor: AccountLeadClient;
  /**
   * Where the visitor's click is read when the user is created: anything `clickIdFrom` takes, or a
   * promise of it. In Next.js (App Router) pass `cookies` from `next/headers`; with a config made
   * per request, `() => request` (or the Node `req`).
   * @default none: the lead goes by customer key only (it completes a lead the page's `signup()` made)
   */
  clickFrom?: () => ClickSource | Promise<ClickSource>;
  /**
   * Called when the lead could not be recorded, or the click could not be read (the lead then
   * still goes, without it). The sign-in itself always goes on.
   * @default one `console.error` line naming the user id and the reason
   */
  onError?: LeadErrorHandler;
}

/**
 * ```ts
 * import { cookies } from 'next/headers';
 * import { Affitor } from 'affitor-tracker/server';
 * import { affitorCreateUser } from 'affitor-tracker/next-auth';
 *
 * export const { handlers, auth, signIn, signOut } = NextAuth({
 *   adapter, providers,
 *   events: {
 *     createUser: affitorCreateUser({ affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY! }), clickFrom: cookies }),
 *   },
 * });
 * ```
 * The lead's customer key is the user's id, with the user's email. It never throws.
 */
export function affitorCreateUser(options: AffitorCreateUserOptions): (message: CreateUserMessage) => Promise<void> {
  if (!options || !isAccountLeadClient(options.affitor)) {
    throw new TypeError(
      "affitor-tracker/next-auth: pass your server client, affitorCreateUser({ affitor: () => new Affitor({ apiKey }), clickFrom: cookies }) with Affitor from 'affitor-tracker/server'.",
    );
  }
  const client = clientOf(options.affitor);
  if (options.clickFrom !== undefined && typeof options.clickFrom !== 'function') {
    throw new TypeError('affitor-tracker/next-auth: `clickFrom` must be a function, e.g. `cookies` from next/headers or `() => request`.');
  }
  return async ({ user }) => {
    if (!user?.id) return;
    const customerKey = String(user.id);
    const email = user.email ?? null;
    let source: ClickSource = null;
    try {
      source = options.clickFrom ? await options.clickFrom() : null;
      // Read now: a source it cannot read is a configuration error, reported below.
      clickIdFrom(source);
    } catch (error) {
      source = null;
      try {
        (options.onError ?? reportUnreadClick)(error instanceof Error ? error : new Error(String(error)), { customerKey, email });
      } catch {
        // An onError that throws must not fail the sign-in.
      }
    }
    await recordAccountLead(client, {
      customerKey,
      email,
      clickId: clickIdFrom(source),
      clickIds: clickIdsFrom(source),
      library: 'authjs',
      onError: options.onError,
    });
  };
}

const reportUnreadClick: LeadErrorHandler = (error, account) =>
  console.error(`[affitor-tracker] The click of new user ${JSON.stringify(account.customerKey)} could not be read (the lead goes without it): ${error.message}`);
