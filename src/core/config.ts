// Settings from init options and from the script tag's data-affitor-* attributes (docs/protocol.md
// protocol §2). `readSettings` returns the page's new settings and changes nothing; the composition root
// (tracker.ts) makes them current with `useSettings`, and modules read `settings` (as Plausible's
// tracker modules read its `config`). While a call of an AffitorTracker instance starts, its own
// settings are current (src/index.ts puts them in for the synchronous start of the call and the
// page's back after it, protocol §12.2): what a call does later — retries, the answer's cookies, a
// resend on the next page — uses what it captured when it started, never `settings` of then.
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { isSafeCookieDomain } from '../shared/cookies.js';
import { error } from './log.js';
import type { AffitorInitOptions } from './types.js';

export interface Settings {
  programId: number | null;
  debug: boolean;
  /** Origin (or proxy path made absolute) the API calls go to, without a trailing `/`. */
  apiBase: string;
  /** Configured `domain=`; '' = the probed root domain (docs/protocol.md §4.3). */
  cookieDomain: string;
  /** `consent: 'required'`: nothing is stored or sent until the visitor consents. */
  consentRequired: boolean;
  /** Send clicks from visitors that look like bots: for tests and monitoring. */
  allowBots: boolean;
  /**
   * Set only in an AffitorTracker instance's call settings (src/index.ts), and only when its API
   * is not the page's: that API, which the records its calls leave (the pending click, a stored
   * signup) carry with them. A record without one goes to the API of the page that sends it — as
   * every record written before instances had their own API does.
   */
  api?: string;
}

export const defaultSettings = (): Settings => ({
  programId: null,
  debug: false,
  apiBase: DEFAULT_API_BASE,
  cookieDomain: '',
  consentRequired: false,
  allowBots: false,
});

/** The page's current settings; replaced as a whole by each `init`, never changed in place. */
export let settings = defaultSettings();

export const useSettings = (next: Settings) => {
  settings = next;
};

/** `parseInt(v, 10)`; NaN, null and undefined give null. */
export function parseProgramId(v: unknown): number | null {
  const n = parseInt(v as string, 10);
  // Byte trick (the script ships this): `n === n` is false only for NaN.
  return n === n ? n : null;
}

/**
 * A switch (debug, allow-bots, ...) is on only for `true` (boolean, or the text trimmed and
 * case-insensitive). No regular expression: the integration guide's tag carries
 * `data-affitor-debug="false"`, so this runs on every plain visit, where a page's first regular
 * expression costs CPU.
 */
export const parseFlag = (v: unknown) => String(v).trim().toLowerCase() == 'true';

/** The tag the script came from, when `document.currentScript` is unavailable (ESM, callbacks). */
export const findTag = () => document.querySelector('script[data-affitor-program-id],script[data-affitor-program]');

/** The options a script tag may carry, each as `data-affitor-<name>`. */
// Byte trick (the script ships this): one string split, not seven quoted array items.
export const TAG_OPTIONS = /* @__PURE__ */ 'program-id program debug api-base cookie-domain consent allow-bots'.split(' ');

/**
 * Options from a script tag: option `fooBar` from `data-affitor-foo-bar`, for each name listed (the
 * `.plus` script adds its own); absent attributes are omitted. The older `data-affitor-program` is
 * the fallback for the program id. Named reads, no walk over `dataset` and no regular expression:
 * each costs a millisecond or more of CPU in a fresh page.
 */
export function tagOptions(tag: Element | null, names = TAG_OPTIONS): AffitorInitOptions & Record<string, string | undefined> {
  const options: Record<string, string | undefined> = {};
  names.forEach((name) => {
    const value = tag && tag.getAttribute('data-affitor-' + name);
    // `program-id` → `programId`: reduce without a start value begins with the first word.
    if (value != null) options[name.split('-').reduce((camel, word) => camel + word[0].toUpperCase() + word.slice(1))] = value;
  });
  options.programId = options.programId || options.program;
  return options;
}

/**
 * API origin: trailing `/` removed; a same-origin path such as `/affitor` (a first-party proxy)
 * becomes `location.origin + path`, so a `<base href>` on the page cannot redirect it.
 */
export function resolveApiBase(base: string, origin?: string) {
  while (base.slice(-1) == '/') base = base.slice(0, -1);
  return !base || (base[0] == '/' && base[1] != '/') ? (origin || location.origin) + base : base;
}

/** The settings after `options`: omitted options keep their `current` value (docs/protocol.md §2). */
export function readSettings(options: AffitorInitOptions | null | undefined, current: Settings): Settings {
  const { programId: id, debug, apiBase, cookieDomain, consent, allowBots } = options || {};
  const next = Object.assign({}, current);
  if (debug != null) next.debug = parseFlag(debug);
  if (apiBase) next.apiBase = resolveApiBase(String(apiBase));
  if (consent != null) next.consentRequired = consent == 'required';
  if (allowBots != null) next.allowBots = parseFlag(allowBots);
  if (cookieDomain != null) {
    const safe = isSafeCookieDomain(cookieDomain);
    if (cookieDomain && !safe) error('Invalid cookie domain:', cookieDomain);
    next.cookieDomain = safe ? cookieDomain : '';
  }
  // The first that gives a number: the option, the current id, the tag, the page's global, each
  // read only when those before gave none. The script's own tag usually gave the id already, and a
  // second look for the tag cost a plain visit ~0.3–0.5 ms of CPU (medians of 21 loads).
  next.programId = parseProgramId(id) ?? current.programId ?? parseProgramId(tagOptions(findTag()).programId) ?? parseProgramId(window.AFFITOR_PROGRAM_ID);
  if (next.programId == null) error('Affitor program ID not found — set it via init({ programId }).');
  return next;
}

