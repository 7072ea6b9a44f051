// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getCookie, rereadCookies, resetCookieJar, setCookie } from '../../src/core/cookie-jar';
import { domainCandidates } from '../../src/shared/cookies';

describe('root-domain candidates (protocol §4.3)', () => {
  it('goes broadest first', () => {
    expect(domainCandidates('a.b.example.com')).toEqual(['.example.com', '.b.example.com', '.a.b.example.com']);
    expect(domainCandidates('shop.test')).toEqual(['.shop.test']);
  });
  it('has none for localhost, IP literals, IPv6, single labels and empty hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '10.0.0.12', '[::1]', '::1', 'intranet', ''])
      expect(domainCandidates(host), host).toEqual([]);
  });
});

/** The prototype that defines `document.cookie` (happy-dom puts it on a base class). */
function cookieOwner(): object {
  let o: any = document;
  while (o && !Object.getOwnPropertyDescriptor(o, 'cookie')) o = Object.getPrototypeOf(o);
  return o;
}

describe('cookie jar', () => {
  beforeEach(() => {
    resetCookieJar();
    for (const c of document.cookie.split(';')) {
      const name = c.split('=')[0].trim();
      if (name) document.cookie = name + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    }
  });

  it('reads document.cookie once; its own writes update that copy; rereadCookies reads again', () => {
    document.cookie = 'affitor_click_id=cust_1_9; path=/';
    const getter = vi.spyOn(cookieOwner() as Document, 'cookie', 'get');
    expect(getCookie('affitor_click_id')).toBe('cust_1_9');
    expect(getCookie('customer_code')).toBeNull();
    setCookie('customer_code', 'cust_1_9', 60, '');
    expect(getCookie('customer_code')).toBe('cust_1_9');
    expect(getCookie('affitor_click_id')).toBe('cust_1_9');
    setCookie('affitor_click_id', 'cust_1_10', 60, '');
    expect(getCookie('affitor_click_id')).toBe('cust_1_10');
    setCookie('customer_code', '', -1, '');
    expect(getCookie('customer_code')).toBeNull();
    expect(getter).toHaveBeenCalledTimes(1);
    // Another writer (another tab) changed the store: only a fresh read sees it.
    getter.mockRestore();
    document.cookie = 'affitor_aff_url=x; path=/';
    expect(getCookie('affitor_aff_url')).toBeNull();
    rereadCookies();
    expect(getCookie('affitor_aff_url')).toBe('x');
  });

  it('takes the first cookie named exactly so, not one whose name merely ends the same', () => {
    document.cookie = 'xaffitor_click_id=wrong; path=/';
    expect(getCookie('affitor_click_id')).toBeNull();
    document.cookie = 'affitor_click_id=right; path=/';
    resetCookieJar();
    expect(getCookie('affitor_click_id')).toBe('right');
  });

  it('decodes values, keeping raw text that does not decode', () => {
    document.cookie = 'affitor_click_ids=a%7Cb; path=/';
    document.cookie = 'affitor_aff_url=50%; path=/';
    expect(getCookie('affitor_click_ids')).toBe('a|b');
    expect(getCookie('affitor_aff_url')).toBe('50%');
  });

  it('writes the contract attributes, with a domain only when one applies', () => {
    const setter = vi.spyOn(cookieOwner() as Document, 'cookie', 'set');
    setCookie('affitor_click_id', 'x', 60, '.shop.test');
    setCookie('affitor_click_id', 'x', 60, '');
    const [withDomain, hostOnly] = setter.mock.calls.map((c) => c[0] as string);
    expect(withDomain).toMatch(/^affitor_click_id=x; expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT; path=\/; SameSite=Lax; domain=\.shop\.test$/);
    expect(hostOnly).not.toContain('domain=');
    const expires = Date.parse(/expires=([^;]+)/.exec(withDomain)![1]);
    expect(Math.round((expires - Date.now()) / 864e5)).toBe(60);
    setter.mockRestore();
  });

  it('never throws when document.cookie throws', () => {
    const getter = vi.spyOn(cookieOwner() as Document, 'cookie', 'get').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const setter = vi.spyOn(cookieOwner() as Document, 'cookie', 'set').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    expect(getCookie('affitor_click_id')).toBeNull();
    expect(() => setCookie('affitor_click_id', 'x', 60)).not.toThrow();
    getter.mockRestore();
    setter.mockRestore();
  });
});
