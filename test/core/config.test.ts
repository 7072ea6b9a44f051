// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiBase, configure, parseFlag, parseProgramId, programId, tagOptions } from '../../src/core/config';
import { isSafeCookieDomain } from '../../src/shared/cookies';

describe('config parsing (contract §2)', () => {
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

describe('configure', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete window.AFFITOR_PROGRAM_ID;
    document.body.innerHTML = '';
  });
  it('strips trailing slashes from the API base and keeps omitted options on a later call', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    configure({ programId: '12', apiBase: 'http://api.test:8080//' });
    expect(apiBase).toBe('http://api.test:8080');
    expect(programId).toBe(12);
    configure({});
    expect(apiBase).toBe('http://api.test:8080');
    expect(programId).toBe(12);
  });
  it('falls back to window.AFFITOR_PROGRAM_ID only when nothing else gives an id', async () => {
    vi.resetModules();
    const fresh = await import('../../src/core/config');
    window.AFFITOR_PROGRAM_ID = '77';
    fresh.configure(null);
    expect(fresh.programId).toBe(77);
  });
  it('logs the exact error when no program id is found', async () => {
    vi.resetModules();
    const fresh = await import('../../src/core/config');
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    fresh.configure({});
    expect(fresh.programId).toBeNull();
    expect(spy).toHaveBeenCalledWith('[Affitor]', 'Affitor program ID not found — set it via init({ programId }).');
  });
  it('rejects an unsafe cookie domain with an error', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    configure({ programId: 1, cookieDomain: '.shop.test; secure' });
    expect(spy).toHaveBeenCalledWith('[Affitor]', 'Invalid cookie domain:', '.shop.test; secure');
  });
});
