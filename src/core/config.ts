// Settings from init options and from the script tag's data-affitor-* attributes (docs/protocol.md
// protocol §2). `readSettings` returns new settings and changes nothing. `pageSettings` are the
// page's, made current by the composition root (tracker.ts) with `usePageSettings`: what is
// page-wide (consent, bots, the cookies' domain, the API of records that name none) is read from
// them. Each call that tracks (an attribution pass, a click, a lead) is passed the settings it runs
// with — the page's, or an AffitorTracker instance's (src/index.ts, protocol §12.2) — and hands
// them down, so what it does later (retries, the answer's cookies, a resend on the next page)
// uses its own settings, whatever happens meanwhile.
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
   * Set only in the settings of an AffitorTracker instance's calls (src/index.ts), and only when
   * its API is not the page's: that API, which the records its calls leave (the pending click, a
   * stored signup) carry with them. A record without one goes to the API of the page that sends
   * it — as every record written before instances had their own API does.
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

/** The page's settings; replaced as a whole by each `init`, never changed in place. */
export let pageSettings = defaultSettings();

export const usePageSettings = (next: Settings) => {
  pageSettings = next;
};

/** `parseInt(v, 10)`; NaN, null and undefined give null. */
export function parseProgramId(v: unknown): number | null {
  const n = parseInt(v as string, 10);
  return Number.isNaN(n) ? null : n;
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
export const TAG_OPTIONS = ['program-id', 'program', 'debug', 'api-base', 'cookie-domain', 'consent', 'allow-bots'];

/** `program-id` → `programId` (no regular expression: see tagOptions). */
const camelCase = (name: string) =>
  name
    .split('-')
    .map((word, i) => (i ? word[0].toUpperCase() + word.slice(1) : word))
    .join('');

/**
 * Options from a script tag: option `fooBar` from `data-affitor-foo-bar`, for each name listed (the
 * `.plus` script adds its own); absent attributes are omitted. The older `data-affitor-program` is
 * the fallback for the program id. Named reads, no walk over `dataset` and no regular expression:
 * the first of each in a fresh page costs a plain visit CPU (docs/figures.md).
 */
export function tagOptions(tag: Element | null, names = TAG_OPTIONS): AffitorInitOptions & Record<string, string | undefined> {
  const options: Record<string, string | undefined> = {};
  names.forEach((name) => {
    const value = tag && tag.getAttribute('data-affitor-' + name);
    if (value != null) options[camelCase(name)] = value;
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
  // second look for the tag is CPU a plain visit need not spend.
  next.programId = parseProgramId(id) ?? current.programId ?? parseProgramId(tagOptions(findTag()).programId) ?? parseProgramId(window.AFFITOR_PROGRAM_ID);
  if (next.programId == null) error('Affitor program ID not found — set it via init({ programId }).');
  return next;
}

