import { describe, expect, it } from 'vitest';
import { parseAff } from '../../src/core/aff';
import { decodeCookieValue, encodeAffUrl } from '../../src/shared/cookies';

describe('parseAff (protocol §3.1)', () => {
  it('reads the aff query parameter, decoded, case-sensitive', () => {
    expect(parseAff('https://shop.example/?aff=Partner1')).toBe('Partner1');
    expect(parseAff('https://shop.example/p?x=1&aff=a%20b#h')).toBe('a b');
    expect(parseAff('https://shop.example/?AFF=x')).toBeNull();
  });
  it('treats missing and empty values as absent, and reads no aliases', () => {
    expect(parseAff('https://shop.example/')).toBeNull();
    expect(parseAff('https://shop.example/?aff=')).toBeNull();
    expect(parseAff('https://shop.example/?ref=x&via=y')).toBeNull();
    expect(parseAff(null)).toBeNull();
  });
  it('falls back to a regex when the URL does not parse, keeping raw text that does not decode', () => {
    expect(parseAff('/relative?aff=CODE&x=1')).toBe('CODE');
    expect(parseAff('not a url ?aff=50%')).toBe('50%');
    expect(parseAff('/x?aff=%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('encodeAffUrl (affitor_aff_url value, protocol §4.1)', () => {
  it('leaves an ordinary URL as it is', () => {
    const url = 'https://shop.example/landing?aff=P1&utm_source=x#top';
    expect(encodeAffUrl(url)).toBe(url);
  });
  it('percent-encodes what may not stand in a cookie value', () => {
    const value = encodeAffUrl('https://s.example/?aff=a;b,c"d\\e f\tg\u00e9\u{1F600}');
    expect(value).not.toMatch(/[;,"\\\s]|[^\x21-\x7e]/);
  });
  it.each(['a%26b', 'a%2Bb', '50%25', 'x;y', 'caf%C3%A9', 'q"r'])('reads back to the same aff for ?aff=%s', (raw) => {
    const url = 'https://s.example/l?aff=' + raw + '&z=1';
    expect(parseAff(decodeCookieValue(encodeAffUrl(url)))).toBe(parseAff(url));
  });
});
