// The visitor's stored choice (`affitor_consent=1|0`) and the opt-out that every script has: a
// visitor's right to object needs no opt-in by the site. The choice records the choice, not the
// visitor, which is why a refusal is written too; it holds on every later page until changed.
import { CONSENT_COOKIE } from '../shared/cookies.js';
import { cookieScopes, getCookie, readCookies, rereadCookies, setCookie } from './cookie-jar.js';

/** How long the visitor's answer is remembered. */
const CHOICE_DAYS = 365;

/** The visitor's choice; null while undecided; undefined until read from the cookie. */
let choice: boolean | null | undefined;

export function storedChoice(): boolean | null {
  if (choice === undefined) {
    const stored = getCookie(CONSENT_COOKIE);
    choice = stored ? stored == '1' : null;
  }
  return choice;
}

export function setChoice(granted: boolean) {
  choice = granted;
  setCookie(CONSENT_COOKIE, granted ? '1' : '0', CHOICE_DAYS);
}

/**
 * Deletes every `affitor_*` and `customer_code` cookie there is — whoever wrote it (another tab,
 * the server), so from a fresh read — host-only and on every domain it may have been written for.
 */
export function eraseTrackerCookies() {
  const scopes = cookieScopes();
  rereadCookies();
  const names = readCookies()
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.indexOf('=') > 0)
    .map((pair) => pair.slice(0, pair.indexOf('=')))
    .filter((name) => /^(affitor_\w+|customer_code)$/.test(name));
  for (const name of names) for (const scope of scopes) setCookie(name, '', -1, scope);
}

/** Test hook: a fresh page. */
export const resetPrivacy = () => {
  choice = undefined;
};
