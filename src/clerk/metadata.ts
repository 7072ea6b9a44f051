// The browser half of the Clerk integration: Clerk creates the account on its own servers, so the
// visitor's click id cannot be read from your request cookies there; it travels with the sign-up
// as `unsafeMetadata` and comes back in the `user.created` webhook (mapper.ts).
import { readClickId } from '../shared/cookies.js';

/** The `unsafe_metadata` key the click id travels under. */
export const CLERK_CLICK_ID_KEY = 'affitor_click_id';

/** What {@link clerkSignUpMetadata} returns: the click id, or nothing. */
export type ClerkSignUpMetadata = { affitor_click_id?: string };

/** The page's tracker as the script tag publishes it (`window.affitor`), as far as this reads it. */
interface PageTracker {
  getData?: () => { clickId?: string | null } | null | undefined;
}

function trackerClickId(): string | null {
  try {
    const tracker = (globalThis as { affitor?: PageTracker }).affitor;
    const clickId = typeof tracker?.getData === 'function' ? tracker.getData()?.clickId : null;
    return typeof clickId === 'string' && clickId ? clickId : null;
  } catch {
    // A page's own `window.affitor` that is not the tracker: fall back to the cookie.
    return null;
  }
}

function cookieClickId(): string | null {
  const doc = (globalThis as { document?: { cookie?: unknown } }).document;
  try {
    return typeof doc?.cookie === 'string' ? readClickId(doc.cookie) : null;
  } catch {
    // A sandboxed document (opaque origin) throws on `document.cookie`.
    return null;
  }
}

/**
 * The value to pass as the Clerk sign-up's `unsafeMetadata`: `{ affitor_click_id }` with the
 * visitor's click id — the page's tracker's (`window.affitor.getData()`), else the tracker's
 * cookie — or `{}` when the visitor came from no partner (and on the server, where there is no
 * page). Merge it with your own metadata: `{ ...yours, ...clerkSignUpMetadata() }`.
 *
 * ```tsx
 * <SignUp unsafeMetadata={clerkSignUpMetadata()} />
 * // custom flow: signUp.create({ emailAddress, password, unsafeMetadata: clerkSignUpMetadata() })
 * ```
 */
export function clerkSignUpMetadata(): ClerkSignUpMetadata {
  const clickId = trackerClickId() ?? cookieClickId();
  return clickId ? { [CLERK_CLICK_ID_KEY]: clickId } : {};
}
