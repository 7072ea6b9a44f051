import { describe, expect, it } from 'vitest';
import { MAX_PENDING_BYTES, type PendingClick, encodePendingClick, resendablePendingClick } from '../../src/core/click';
import { appendClickId, decodeCookieValue, encodeClickIds, splitClickIds } from '../../src/shared/cookies';

const now = Date.UTC(2026, 0, 1);
const record = (over: Partial<PendingClick> = {}): PendingClick => ({
  affiliate_url: 'https://shop.example/?aff=P1',
  page_url: 'https://shop.example/?aff=P1',
  page_title: 'Shop',
  referrer_url: '',
  session_id: 'sess_abcdefghi_1767225600000',
  attempts: 1,
  first_ts: now,
  ...over,
});

describe('pending click record (protocol §3.4)', () => {
  it('round-trips through the cookie encoding', () => {
    const value = encodePendingClick(record({ existing_click_id: 'cust_1_5' }))!;
    expect(value).not.toMatch(/[;,\s"]/);
    expect(resendablePendingClick(decodeCookieValue(value), now + 1000)).toEqual(record({ existing_click_id: 'cust_1_5' }));
  });
  it('is not persisted when it encodes to more than 3,500 bytes', () => {
    const url = 'https://shop.example/?aff=P1&x=';
    const fits = record({ affiliate_url: url, page_url: url });
    const base = encodePendingClick(fits)!.length;
    const pad = 'a'.repeat(MAX_PENDING_BYTES - base);
    expect(encodePendingClick(record({ affiliate_url: url + pad, page_url: url }))!.length).toBe(MAX_PENDING_BYTES);
    expect(encodePendingClick(record({ affiliate_url: url + pad + 'a', page_url: url }))).toBeNull();
  });
  it('is dropped after 24 h or at 10 attempts, and when unreadable', () => {
    const text = (r: PendingClick) => JSON.stringify(r);
    expect(resendablePendingClick(text(record()), now + 864e5)).not.toBeNull();
    expect(resendablePendingClick(text(record()), now + 864e5 + 1)).toBeNull();
    expect(resendablePendingClick(text(record({ attempts: 9 })), now)).not.toBeNull();
    expect(resendablePendingClick(text(record({ attempts: 10 })), now)).toBeNull();
    expect(resendablePendingClick('{"attempts":1}', now)).toBeNull();
    expect(resendablePendingClick('not json', now)).toBeNull();
    expect(resendablePendingClick(null, now)).toBeNull();
  });
});

describe('affitor_click_ids list (protocol §4.1)', () => {
  it('appends, dedupes by moving a re-click to the end, keeps the newest 20', () => {
    expect(appendClickId([], 'a')).toEqual(['a']);
    expect(appendClickId(['a', 'b', 'c'], 'a')).toEqual(['b', 'c', 'a']);
    const twenty = Array.from({ length: 20 }, (_, i) => 'id' + i);
    expect(appendClickId(twenty, 'new')).toEqual([...twenty.slice(1), 'new']);
  });
  it('encodes as encodeURIComponent(ids.join("|")) and splits back', () => {
    expect(encodeClickIds(['cust_1_1', 'cust_1_2'])).toBe('cust_1_1%7Ccust_1_2');
    expect(splitClickIds('cust_1_1|cust_1_2')).toEqual(['cust_1_1', 'cust_1_2']);
    expect(splitClickIds(null)).toEqual([]);
    expect(splitClickIds('|a||')).toEqual(['a']);
  });
});
