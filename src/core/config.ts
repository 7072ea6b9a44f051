// Settings from init options and from the script tag's data-affitor-* attributes (contract §2).
import { isSafeCookieDomain } from '../shared/cookies';
import { setCookieDomain } from './cookie-jar';
import { error, isDebug, log, setDebug } from './log';
import type { AffitorInitOptions } from './types';

export const DEFAULT_API_BASE = 'https://api.affitor.com';

export let programId: number | null = null;
export let apiBase = DEFAULT_API_BASE;

/** `parseInt(v, 10)`; NaN, null and undefined give null. */
export function parseProgramId(v: unknown): number | null {
  const n = parseInt(v as string, 10);
  return n === n ? n : null;
}

/** Debug is on only for `true` (boolean, or the text trimmed and case-insensitive). */
export const parseDebug = (v: unknown) => /^true$/i.test(String(v).trim());


/** The tag the script came from, when `document.currentScript` is unavailable (ESM, callbacks). */
export const findTag = () => document.querySelector('script[data-affitor-program-id],script[data-affitor-program]');

/** Options from a script tag; absent attributes give null, which counts as "omitted". */
export function tagOptions(tag: Element | null): AffitorInitOptions {
  const attr = (name: string) => tag && tag.getAttribute('data-affitor-' + name);
  return {
    programId: attr('program-id') || attr('program'),
    debug: attr('debug'),
    apiBase: attr('api-base'),
    cookieDomain: attr('cookie-domain'),
  };
}

/** Applies init options; omitted ones keep their current value (contract §2, project rule). */
export function configure(options?: AffitorInitOptions | null) {
  const { programId: id, debug, apiBase: base, cookieDomain } = options || {};
  if (debug != null) setDebug(parseDebug(debug));
  if (base) apiBase = String(base).replace(/\/+$/, '');
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
