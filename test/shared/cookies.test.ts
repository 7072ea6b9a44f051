// The cookie limits both writers share (src/shared/cookies.ts): the 400-day lifetime cap and the
// click ids the cookies can keep. The browser side is proven in Chromium
// (e2e/script/cookie-limits.spec.ts); these pin the boundaries.
import { describe, expect, it } from 'vitest';
import { MAX_CLICK_IDS } from '../../src/shared/constants';
import { MAX_CLICK_ID_BYTES, cookieDays, cookieLine, encodeClickIds, formatCookie, isStorableClickId } from '../../src/shared/cookies';

const NOW = Date.UTC(2026, 0, 1);

describe('cookieDays', () => {
  it('keeps lifetimes up to 400 days and caps longer ones (1e9 and Infinity included)', () => {
    expect([1, 60, 400, 401, 1e9, Infinity].map(cookieDays)).toEqual([1, 60, 400, 400, 400, 400]);
  });

  it('formatCookie with 1e9 days writes a valid expiry 400 days out, never "Invalid Date"', () => {
    const cookie = formatCookie('affitor_click_id', 'cust_1_1', { days: 1e9, secure: false, maxAge: true, now: NOW });
    expect(cookie).toBe(
      `affitor_click_id=cust_1_1; expires=${new Date(NOW + 400 * 864e5).toUTCString()}; Max-Age=${400 * 86400}; path=/; SameSite=Lax`,
    );
  });
});

describe('cookieLine, the one builder of the script (setCookie) and the server (formatCookie)', () => {
  it('gives formatCookie its text: attributes in the script\'s order, Max-Age between expires and path', () => {
    const expires = new Date(NOW + 30 * 864e5).toUTCString();
    expect(formatCookie('affitor_click_id', 'c1', { days: 30, domain: '.example.com', secure: true, maxAge: true, now: NOW })).toBe(
      `affitor_click_id=c1; expires=${expires}; Max-Age=2592000; path=/; SameSite=Lax; domain=.example.com; Secure`,
    );
    expect(cookieLine('affitor_click_id', 'c1', 30, '', false, false, NOW)).toBe(`affitor_click_id=c1; expires=${expires}; path=/; SameSite=Lax`);
  });

  it('deletes with a past date in the script, and formatCookie with expires = now and Max-Age=0', () => {
    expect(cookieLine('affitor_pending_click', '', -1, '', false, false, NOW)).toContain(`expires=${new Date(NOW - 864e5).toUTCString()};`);
    expect(formatCookie('affitor_click_id', '', { days: -1, secure: false, maxAge: true, now: NOW })).toBe(
      `affitor_click_id=; expires=${new Date(NOW).toUTCString()}; Max-Age=0; path=/; SameSite=Lax`,
    );
  });
});

describe('isStorableClickId', () => {
  it('accepts non-empty string ids up to MAX_CLICK_ID_BYTES once encoded', () => {
    expect(isStorableClickId('cust_42_1715000000000')).toBe(true);
    expect(isStorableClickId('c'.repeat(MAX_CLICK_ID_BYTES))).toBe(true);
    // 'é' encodes to 6 bytes: the limit is on what the cookie holds.
    expect(isStorableClickId('é'.repeat(Math.floor(MAX_CLICK_ID_BYTES / 6)))).toBe(true);
    expect(isStorableClickId('é'.repeat(Math.floor(MAX_CLICK_ID_BYTES / 6) + 1))).toBe(false);
  });

  it('refuses longer, empty, non-string and unencodable ids', () => {
    for (const id of ['c'.repeat(MAX_CLICK_ID_BYTES + 1), '', 42, null, undefined, {}, '\ud800']) expect(isStorableClickId(id), String(id)).toBe(false);
  });

  it('20 ids of the longest kind fit one cookie of 4,000 B', () => {
    expect(encodeClickIds(Array.from({ length: MAX_CLICK_IDS }, () => 'c'.repeat(MAX_CLICK_ID_BYTES))).length).toBeLessThanOrEqual(4000);
  });
});
