// Pure rules of the .plus features: which hosts get the hand-off, which ids are adopted, which
// Stripe references are written.
import { describe, expect, it } from 'vitest';
import { HANDOFF_ID, isHandoffHost, parseDomains } from '../../src/core/cross-domain';
import { nextReference } from '../../src/core/stripe-links';

describe('parseDomains / isHandoffHost', () => {
  const list = parseDomains(' App.Example.io,checkout.example.net  other.test,,');
  it('splits on commas and spaces, lowercases, drops empties; arrays work too', () => {
    expect(list).toEqual(['app.example.io', 'checkout.example.net', 'other.test']);
    expect(parseDomains(['a.test', 'B.test'])).toEqual(['a.test', 'b.test']);
  });
  it('exact host or a subdomain of one; never a look-alike or this site', () => {
    expect(isHandoffHost('app.example.io', list, 'www.shop.test')).toBe(true);
    expect(isHandoffHost('eu.app.example.io', list, 'www.shop.test')).toBe(true);
    expect(isHandoffHost('evilapp.example.io', list, 'www.shop.test')).toBe(false);
    expect(isHandoffHost('app.example.io.evil.test', list, 'www.shop.test')).toBe(false);
    expect(isHandoffHost('example.io', list, 'www.shop.test')).toBe(false);
    expect(isHandoffHost('other.test', list, 'other.test')).toBe(false);
  });
});

describe('HANDOFF_ID', () => {
  it('accepts Affitor ids and Stripe-safe ids up to 200 chars', () => {
    for (const id of ['cust_12_1732540000000', 'test_abc', 'A-b_9', 'x'.repeat(200)]) expect(HANDOFF_ID.test(id), id).toBe(true);
  });
  it('refuses anything a cookie or URL could misread', () => {
    for (const id of ['', 'x'.repeat(201), 'a;b', 'a b', 'a=b', 'a,b', 'a%3B', 'a\nb', 'ü', '<x>']) expect(HANDOFF_ID.test(id), id).toBe(false);
  });
});

describe('nextReference', () => {
  it('sets affitor_<id> where there is none, or refreshes ours', () => {
    expect(nextReference(null, 'cust_1_2')).toBe('affitor_cust_1_2');
    expect(nextReference('', 'cust_1_2')).toBe('affitor_cust_1_2');
    expect(nextReference('affitor_cust_1_1', 'cust_1_2')).toBe('affitor_cust_1_2');
  });
  it("leaves the merchant's own reference, an up-to-date one, and ids Stripe would drop", () => {
    expect(nextReference('order_42', 'cust_1_2')).toBeNull();
    expect(nextReference('affitor_cust_1_2', 'cust_1_2')).toBeNull();
    expect(nextReference(null, 'bad id')).toBeNull();
    expect(nextReference(null, 'x'.repeat(193))).toBeNull(); // 'affitor_' + 193 > 200
    expect(nextReference(null, 'x'.repeat(192))).toBe('affitor_' + 'x'.repeat(192));
  });
});
