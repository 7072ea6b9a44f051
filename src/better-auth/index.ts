// `affitor-tracker/better-auth`: a better-auth plugin that records the Affitor lead when better-auth
// creates a user — an email/password sign-up or a first social sign-in — once per account, with the
// click read from the request that created it. better-auth is the app's (optional peer).
import type { BetterAuthPlugin } from 'better-auth';
import { clickIdFrom, clickIdsFrom, type ClickSource } from '../server/click-source.js';
import { clientOf, isAccountLeadClient, recordAccountLead, type AccountLeadClient, type LeadErrorHandler } from '../server/account-lead.js';

export type { AccountLeadClient, AccountLeadRecorder, LeadErrorHandler } from '../server/account-lead.js';

export interface AffitorPluginOptions {
  /**
   * Your server client from `affitor-tracker/server`, or a function that makes it at the first new
   * account: `() => new Affitor({ apiKey: process.env.AFFITOR_API_KEY! })`, which builds without the
   * key in the build's environment. Only `trackLead` is used.
   */
  affitor: AccountLeadClient;
  /**
   * Called when the lead could not be recorded (the sign-up itself always goes on).
   * @default logs one `console.error` line naming the user id and the reason
   */
  onError?: LeadErrorHandler;
}

/** What better-auth hands a `user.create.after` hook: the endpoint's context, or null outside one. */
interface HookContext {
  request?: Request;
  headers?: Headers;
}

/**
 * ```ts
 * import { betterAuth } from 'better-auth';
 * import { Affitor } from 'affitor-tracker/server';
 * import { affitor } from 'affitor-tracker/better-auth';
 *
 * export const auth = betterAuth({
 *   // …
 *   plugins: [affitor({ affitor: () => new Affitor({ apiKey: process.env.AFFITOR_API_KEY! }) })],
 * });
 * ```
 * The lead's customer key is the user's id, with the user's email and the visitor's click id from
 * the request's cookies. It runs after better-auth has committed the user (a `user.create.after`
 * database hook), in better-auth's background tasks when `advanced.backgroundTasks` is set; a
 * sign-in of an existing user creates no user and records nothing.
 */
export function affitor(options: AffitorPluginOptions): BetterAuthPlugin {
  if (!options || !isAccountLeadClient(options.affitor)) {
    throw new TypeError(
      "affitor-tracker/better-auth: pass your server client, affitor({ affitor: () => new Affitor({ apiKey }) }) with Affitor from 'affitor-tracker/server'.",
    );
  }
  const client = clientOf(options.affitor);
  return {
    id: 'affitor',
    init: () => ({
      options: {
        databaseHooks: {
          user: {
            create: {
              after: async (user, context) => {
                const endpoint = context as (HookContext & { context?: { runInBackgroundOrAwait?: (task: Promise<unknown>) => unknown } }) | null;
                // A user created outside a request (a script, an admin call) has no visitor, so no click.
                const source: ClickSource = endpoint?.request ?? endpoint?.headers ?? null;
                const task = recordAccountLead(client, {
                  customerKey: user.id,
                  email: user.email,
                  clickId: clickIdFrom(source),
                  clickIds: clickIdsFrom(source),
                  library: 'better-auth',
                  onError: options.onError,
                });
                await (endpoint?.context?.runInBackgroundOrAwait ? endpoint.context.runInBackgroundOrAwait(task) : task);
              },
            },
          },
        },
      },
    }),
  };
}
