// The cookie limits both writers share (src/shared/cookies.ts): the 400-day lifetime cap and the
// click ids the cookies can keep; and the one reader's rule for two cookies of one name. The
// browser side is proven in Chromium (e2e/script/cookie-limits.spec.ts, e2e/contract/stale-cookies.spec.ts);
// these pin the boundaries.
import { describe, expect, it } from 'vitest';
import { MAX_CLICK_IDS } from '../../src/shared/constants';
import {
  MAX_CLICK_ID_BYTES, cookieDays, cookieLine, encodeClickIds, formatCookie, isStorableClickId, pickClickId, readClickId,
  readClickIds, readCookieValues,
} from '../../src/shared/cookies';

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

describe('two cookies of one name: which is the script\'s (protocol §4.2)', () => {
  const history = (...ids: string[]) => `affitor_click_ids=${encodeClickIds(ids)}`;

  it('an id that a history lists before a newer entry was replaced, wherever it stands in the header', () => {
    // A stale host-only copy, with its own history, beside the script's copy written after it.
    const stale = `affitor_click_id=cust_1_1; ${history('cust_1_1')}`;
    const fresh = `affitor_click_id=cust_1_2; ${history('cust_1_1', 'cust_1_2')}`;
    expect(readClickId(`${stale}; ${fresh}`)).toBe('cust_1_2');
    expect(readClickId(`${fresh}; ${stale}`)).toBe('cust_1_2');
    expect(readClickIds(`${stale}; ${fresh}`)).toEqual(['cust_1_1', 'cust_1_2']);
  });

  it('without a history of its own, the stale copy loses to the newest entry of the script\'s', () => {
    const header = `affitor_click_id=cust_9_9; affitor_click_id=cust_1_2; ${history('cust_1_1', 'cust_1_2')}`;
    expect(readClickId(header)).toBe('cust_1_2');
    expect(readClickIds(header)).toEqual(['cust_1_1', 'cust_1_2']);
  });

  it('the legacy customer_code is chosen the same way when affitor_click_id is missing', () => {
    expect(readClickId(`customer_code=cust_1_1; customer_code=cust_1_2; ${history('cust_1_1', 'cust_1_2')}`)).toBe('cust_1_2');
    expect(pickClickId(`customer_code=cust_1_1; customer_code=cust_1_2; ${history('cust_1_1', 'cust_1_2')}`, 'customer_code')).toBe('cust_1_2');
  });

  it('nothing to tell them apart: the first sent, as every other reader takes it; empty copies never win', () => {
    expect(readClickId('affitor_click_id=a; affitor_click_id=b')).toBe('a');
    expect(readClickId(`affitor_click_id=a; affitor_click_id=b; ${history('a')}; ${history('b')}`)).toBe('a');
    expect(readClickId('affitor_click_id=; affitor_click_id=b')).toBe('b');
    expect(readCookieValues('x=1; affitor_click_id=a;affitor_click_id=b%20c; xaffitor_click_id=d', 'affitor_click_id')).toEqual(['a', 'b c']);
  });
});
