// @vitest-environment happy-dom
// clerkSignUpMetadata: the click id the sign-up carries to Clerk, from the page's tracker or its cookie.
import { afterEach, describe, expect, it } from 'vitest';
import { clerkSignUpMetadata } from '../../src/clerk/index';

const win = window as unknown as { affitor?: unknown };

afterEach(() => {
  delete win.affitor;
  for (const name of ['affitor_click_id', 'customer_code']) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
});

describe('clerkSignUpMetadata', () => {
  it('{} for a visitor who came from no partner', () => {
    expect(clerkSignUpMetadata()).toEqual({});
  });

  it("the tracker's cookie (URI-decoded), then the legacy customer_code", () => {
    document.cookie = 'customer_code=LEGACY_1; path=/';
    expect(clerkSignUpMetadata()).toEqual({ affitor_click_id: 'LEGACY_1' });
    document.cookie = `affitor_click_id=${encodeURIComponent('cust_1 2')}; path=/`;
    expect(clerkSignUpMetadata()).toEqual({ affitor_click_id: 'cust_1 2' });
  });

  it("the page's tracker first (it knows the click it settled); its cookie when the tracker has none", () => {
    document.cookie = 'affitor_click_id=FROM_COOKIE; path=/';
    win.affitor = { getData: () => ({ clickId: 'FROM_TRACKER' }) };
    expect(clerkSignUpMetadata()).toEqual({ affitor_click_id: 'FROM_TRACKER' });
    win.affitor = { getData: () => ({ clickId: null }) };
    expect(clerkSignUpMetadata()).toEqual({ affitor_click_id: 'FROM_COOKIE' });
  });

  it("a window.affitor that is not the tracker, or throws, never breaks the sign-up", () => {
    document.cookie = 'affitor_click_id=FROM_COOKIE; path=/';
    for (const other of [[], { getData: 'x' }, { getData: () => 42 }, { getData: () => ({ clickId: 7 }) }, { getData: () => { throw new Error('no'); } }]) {
      win.affitor = other;
      expect(clerkSignUpMetadata()).toEqual({ affitor_click_id: 'FROM_COOKIE' });
    }
  });
});
