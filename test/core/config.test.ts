// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, parseFlag, parseProgramId, readSettings, tagOptions } from '../../src/core/config';
import { isSafeCookieDomain } from '../../src/shared/cookies';

describe('config parsing (protocol §2)', () => {
  it('parses the program id like parseInt(v, 10); NaN is null', () => {
    expect(parseProgramId('123')).toBe(123);
    expect(parseProgramId(' 42abc')).toBe(42);
    expect(parseProgramId(7)).toBe(7);
    expect(parseProgramId('abc')).toBeNull();
    expect(parseProgramId(null)).toBeNull();
    expect(parseProgramId(undefined)).toBeNull();
  });
  it('turns debug on only for true (trimmed, any case)', () => {
    for (const v of [true, 'true', ' TRUE ', 'True']) expect(parseFlag(v), String(v)).toBe(true);
    for (const v of [false, 'false', '1', 'yes', '', null, undefined]) expect(parseFlag(v), String(v)).toBe(false);
  });
  it('refuses cookie domains that could add an attribute or a cookie', () => {
    expect(isSafeCookieDomain('.example.com')).toBe(true);
    for (const v of ['.a.com; secure', 'a.com,b.com', 'a=b', 'a .com', 'a\n.com', 'a\x7f', ''])
      expect(isSafeCookieDomain(v), JSON.stringify(v)).toBe(false);
  });
  it('reads a tag: program-id before program; absent attributes are omitted', () => {
    document.body.innerHTML =
      '<script data-affitor-program="9" data-affitor-program-id="5" data-affitor-api-base="http://api.test/"></script>';
    expect(tagOptions(document.querySelector('script'))).toEqual({
      programId: '5',
      program: '9',
      apiBase: 'http://api.test/',
    });
    expect(tagOptions(null)).toEqual({ programId: undefined });
  });
});

describe('readSettings', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete window.AFFITOR_PROGRAM_ID;
    document.body.innerHTML = '';
  });
  it('strips trailing slashes from the API base and keeps omitted options on a later call', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const first = readSettings({ programId: '12', apiBase: 'http://api.test:8080//', debug: 'true' }, defaultSettings());
    expect(first).toMatchObject({ apiBase: 'http://api.test:8080', programId: 12, debug: true });
    expect(readSettings({}, first)).toEqual(first);
  });
  it('returns new settings and leaves the current ones as they were', () => {
    const current = defaultSettings();
    const next = readSettings({ programId: 3, consent: 'required', allowBots: 'true' }, current);
    expect(next).toMatchObject({ programId: 3, consentRequired: true, allowBots: true });
    expect(current).toEqual(defaultSettings());
  });
  it('falls back to the tag, then window.AFFITOR_PROGRAM_ID, only when nothing else gives an id', () => {
    window.AFFITOR_PROGRAM_ID = '77';
    expect(readSettings(null, defaultSettings()).programId).toBe(77);
    document.body.innerHTML = '<script data-affitor-program-id="5"></script>';
    expect(readSettings(null, defaultSettings()).programId).toBe(5);
    expect(readSettings({ programId: 0 }, defaultSettings()).programId).toBe(0);
  });
  it('looks for the tag only when the option and the current settings give no id (a plain visit pays for one look)', () => {
    document.body.innerHTML = '<script data-affitor-program-id="5"></script>';
    const lookup = vi.spyOn(document, 'querySelector');
    const fromOption = readSettings({ programId: '12' }, defaultSettings());
    expect(readSettings({}, fromOption).programId).toBe(12);
    expect(lookup).not.toHaveBeenCalled();
    expect(readSettings({}, defaultSettings()).programId).toBe(5);
    expect(lookup).toHaveBeenCalledOnce();
  });
  it('logs the exact error when no program id is found', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(readSettings({}, defaultSettings()).programId).toBeNull();
    expect(spy).toHaveBeenCalledWith('[Affitor]', 'Affitor program ID not found — set it via init({ programId }).');
  });
  it('rejects an unsafe cookie domain with an error and falls back to the probed domain', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(readSettings({ programId: 1, cookieDomain: '.shop.test; secure' }, defaultSettings()).cookieDomain).toBe('');
    expect(spy).toHaveBeenCalledWith('[Affitor]', 'Invalid cookie domain:', '.shop.test; secure');
  });
});
