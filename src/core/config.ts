// Settings from init options and from the script tag's data-affitor-* attributes (contract §2).
import { DEFAULT_API_BASE } from '../shared/constants.js';
import { isSafeCookieDomain } from '../shared/cookies.js';
import { setConsentRequired } from './consent.js';
import { setCookieDomain } from './cookie-jar.js';
import { debugOn, error, log, setDebug } from './log.js';
import type { AffitorInitOptions } from './types.js';

export let programId: number | null = null;
export let apiBase = DEFAULT_API_BASE;
/** Send clicks from visitors that look like bots (issue 5): for tests and monitoring. */
export let allowBots = false;

/** `parseInt(v, 10)`; NaN, null and undefined give null. */
export function parseProgramId(v: unknown): number | null {
  const n = parseInt(v as string, 10);
  return n === n ? n : null;
}

/** A switch (debug, allow-bots, ...) is on only for `true` (boolean, or the text trimmed and case-insensitive). */
export const parseFlag = (v: unknown) => /^\s*true\s*$/i.test(v as string);

/** The tag the script came from, when `document.currentScript` is unavailable (ESM, callbacks). */
export const findTag = () => document.querySelector('script[data-affitor-program-id],script[data-affitor-program]');

/** The options a script tag may carry, each as `data-affitor-<name>`. */
export const TAG_OPTIONS = ['program-id', 'program', 'debug', 'api-base', 'cookie-domain', 'consent', 'allow-bots'];

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
    if (value != null) options[name.split('-').map((word, i) => (i ? word[0].toUpperCase() + word.slice(1) : word)).join('')] = value;
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

/** Applies init options; omitted ones keep their current value (contract §2, project rule). */
export function configure(options?: AffitorInitOptions | null) {
  const { programId: id, debug, apiBase: base, cookieDomain, consent, allowBots: bots } = options || {};
  if (debug != null) setDebug(parseFlag(debug));
  if (base) apiBase = resolveApiBase(String(base));
  if (consent != null) setConsentRequired(consent == 'required');
  if (bots != null) allowBots = parseFlag(bots);
  if (cookieDomain != null) {
    const safe = isSafeCookieDomain(cookieDomain);
    if (cookieDomain && !safe) error('Invalid cookie domain:', cookieDomain);
    setCookieDomain(safe ? cookieDomain : '');
  }
  programId = parseProgramId(id) ?? programId ?? parseProgramId(tagOptions(findTag()).programId) ?? parseProgramId(window.AFFITOR_PROGRAM_ID);
  if (programId == null) error('Affitor program ID not found — set it via init({ programId }).');
  log('Affitor tracker initialized:', { programId, debug: debugOn, apiBase, cookieDomain });
  log('Using program ID:', programId);
}
