// Settings from init options and from the script tag's data-affitor-* attributes (contract §2).
import { isSafeCookieDomain } from '../shared/cookies';
import { setCookieDomain } from './cookie-jar';
import { setConsentRequired } from './consent';
import { error, isDebug, log, setDebug } from './log';
import type { AffitorInitOptions } from './types';

export const DEFAULT_API_BASE = 'https://api.affitor.com';

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
export const parseFlag = (v: unknown) => /^true$/i.test(String(v).trim());


/** The tag the script came from, when `document.currentScript` is unavailable (ESM, callbacks). */
export const findTag = () => document.querySelector('script[data-affitor-program-id],script[data-affitor-program]');

/**
 * Options from a script tag: every `data-affitor-x-y` attribute becomes option `xY` (so each option
 * has one attribute, and the `.plus` script's options need no code here); absent ones are omitted.
 * The older `data-affitor-program` is the fallback for the program id.
 */
export function tagOptions(tag: Element | null): AffitorInitOptions & Record<string, string | undefined> {
  const options: Record<string, string | undefined> = {};
  const data = tag ? (tag as HTMLElement).dataset : {};
  for (const key in data) if (/^affitor[A-Z]/.test(key)) options[key[7].toLowerCase() + key.slice(8)] = data[key];
  options.programId = options.programId || options.program;
  return options;
}

/**
 * API origin: trailing `/` removed; a same-origin path such as `/affitor` (a first-party proxy)
 * becomes `location.origin + path`, so a `<base href>` on the page cannot redirect it.
 */
export const resolveApiBase = (base: string, origin: string) => {
  const trimmed = base.replace(/\/+$/, '');
  return /^(\/(?!\/)|$)/.test(trimmed) ? origin + trimmed : trimmed;
};

/** Applies init options; omitted ones keep their current value (contract §2, project rule). */
export function configure(options?: AffitorInitOptions | null) {
  const { programId: id, debug, apiBase: base, cookieDomain, consent, allowBots: bots } = options || {};
  if (debug != null) setDebug(parseFlag(debug));
  if (base) apiBase = resolveApiBase(String(base), location.origin);
  if (consent != null) setConsentRequired(consent == 'required');
  if (bots != null) allowBots = parseFlag(bots);
  if (cookieDomain != null) {
    const safe = isSafeCookieDomain(cookieDomain);
    if (cookieDomain && !safe) error('Invalid cookie domain:', cookieDomain);
    setCookieDomain(safe ? cookieDomain : '');
  }
  programId = [id, programId, tagOptions(findTag()).programId, window.AFFITOR_PROGRAM_ID].map(parseProgramId).find((n) => n != null) ?? null;
  if (programId == null) error('Affitor program ID not found — set it via init({ programId }).');
  log('Affitor tracker initialized:', { programId, debug: isDebug(), apiBase, cookieDomain });
  log('Using program ID:', programId);
}
