// The lead of a new account, as the auth-library entries record it (better-auth, Auth.js): one call
// under an idempotency key derived from the account, so a repeat (a retried hook, a second event for
// the same user) is recorded once; never throwing, because a sign-up must not fail on tracking.
import type { Affitor } from './client.js';

/** A server client of either style (`new Affitor({ apiKey })` or `new Affitor(apiKey)`); only `trackLead` is used. */
export type AccountLeadRecorder = Pick<Affitor<'result'>, 'trackLead'> | Pick<Affitor<'body'>, 'trackLead'>;

/**
 * The client an auth entry is given: the client itself, or a function that makes it at the first new
 * account. The function form keeps `new Affitor({ apiKey: process.env.AFFITOR_API_KEY! })` out of
 * module evaluation, so `next build` (which evaluates the auth config without the runtime's
 * environment) does not fail on a missing key. It may return null (no key configured): that
 * account's lead is then reported to `onError` instead of sent.
 */
export type AccountLeadClient = AccountLeadRecorder | (() => AccountLeadRecorder | null | undefined);

/** Told when a new account's lead could not be recorded. */
export type LeadErrorHandler = (error: Error, account: { customerKey: string; email: string | null }) => void;

export interface AccountLead {
  customerKey: string;
  email: string | null;
  clickId: string | null;
  clickIds: string[];
  /** Names the integration in the idempotency key and the log line. */
  library: string;
  onError?: LeadErrorHandler;
}

const logFailure: LeadErrorHandler = (error, account) =>
  console.error(`[affitor-tracker] The Affitor lead of new user ${JSON.stringify(account.customerKey)} was not recorded: ${error.message}`);

/** The idempotency key of an account's lead: printable ASCII, ≤ 255 characters, one per account. */
export const accountLeadKey = (library: string, customerKey: string) =>
  `${library}-lead-${encodeURIComponent(customerKey)}`.slice(0, 255);

/** True for what an auth entry accepts as its `affitor` option. */
export const isAccountLeadClient = (client: unknown): client is AccountLeadClient =>
  typeof client === 'function' || typeof (client as { trackLead?: unknown } | null | undefined)?.trackLead === 'function';

/**
 * The client of an entry's `affitor` option, made once: a function is called at the first new
 * account and its client kept (so its retries and outbox live on); until it returns one, each new
 * account calls it again, and a throw or a null is that account's error.
 */
export function clientOf(client: AccountLeadClient): () => AccountLeadRecorder {
  if (typeof client !== 'function') return () => client;
  let made: AccountLeadRecorder | null = null;
  return () => {
    if (made) return made;
    const value = client();
    if (!value || typeof value.trackLead !== 'function') {
      throw new Error('no Affitor client: the `affitor` function returned none (is AFFITOR_API_KEY set where the server runs?)');
    }
    made = value;
    return made;
  };
}

/** Records the lead; resolves when done, never rejects (failures go to `onError`). */
export async function recordAccountLead(client: () => AccountLeadRecorder, lead: AccountLead): Promise<void> {
  let failure: Error | null = null;
  try {
    const reply: unknown = await client().trackLead(
      {
        customerExternalId: lead.customerKey,
        email: lead.email,
        clickId: lead.clickId,
        ...(lead.clickIds.length > 0 ? { clickIds: lead.clickIds } : {}),
      },
      { idempotencyKey: accountLeadKey(lead.library, lead.customerKey) },
    );
    // The object form resolves to a result; only the string-key form rejects.
    const result = reply as { ok?: boolean; duplicate?: boolean; code?: string; error?: string; status?: number; queued?: boolean } | undefined;
    // Without a click, a 400 is Affitor saying the visitor came from no partner: an organic sign-up,
    // not a failure worth a log line on every such account.
    const organic = !lead.clickId && result?.status === 400;
    if (result && result.ok === false && !result.duplicate && !organic) {
      const queued = result.queued ? "; it waits in the client's outbox and is sent again, under the same key, by affitor.flush() or the client's next call that reaches Affitor" : '';
      failure = new Error(`Affitor answered ${result.code ?? 'an error'} (${result.status ?? 0}${result.error ? `: ${result.error}` : ''})${queued}`);
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (!failure) return;
  try {
    (lead.onError ?? logFailure)(failure, { customerKey: lead.customerKey, email: lead.email });
  } catch {
    // An onError that throws must not fail the sign-up either.
  }
}
