// Reading the click id on a server, and the Safari refresh: exact Set-Cookie strings, round trips
// through the shared reader, injection attempts, and the Node/Fetch response helpers over real HTTP.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  affitorCookieRefresh,
  clickIdFromCookieHeader,
  clickIdFromRequest,
  clickIdsFromCookieHeader,
  refreshAffitorCookies,
} from '../../src/server/index';
import { encodeAffUrl, encodeClickIds, readClickIds, readCookie } from '../../src/shared/cookies';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const EXPIRES_60D = 'Mon, 02 Mar 2026 00:00:00 GMT';

/** The refresh's expirations (Max-Age=0) of the copies under other scopes, and its writes. */
const isExpiry = (c: string) => c.includes('; Max-Age=0;');
const writes = (setCookies: string[]) => setCookies.filter((c) => !isExpiry(c));
/** What a browser's cookie jar would send back after storing these Set-Cookie values. */
const jarHeader = (setCookies: string[]) => writes(setCookies).map((c) => c.slice(0, c.indexOf(';'))).join('; ');
/** `name@scope` of each expiration ('' = host-only). */
const expired = (setCookies: string[]) =>
  setCookies.filter(isExpiry).map((c) => `${c.slice(0, c.indexOf('='))}@${/; domain=([^;]+)/.exec(c)?.[1] ?? ''}`);

describe('clickIdFromCookieHeader', () => {
  it('reads affitor_click_id, else the legacy customer_code', () => {
    expect(clickIdFromCookieHeader('a=1; affitor_click_id=cust_1_1715000000000; customer_code=old')).toBe('cust_1_1715000000000');
    expect(clickIdFromCookieHeader('customer_code=cust_2_2')).toBe('cust_2_2');
  });

  it('URI-decodes, keeping the raw value when it is not valid percent-encoding', () => {
    expect(clickIdFromCookieHeader('affitor_click_id=a%20b%3Bc')).toBe('a b;c');
    expect(clickIdFromCookieHeader('affitor_click_id=bad%E0%A4%A')).toBe('bad%E0%A4%A');
  });

  it('empty or absent → null; names match exactly; the first occurrence wins', () => {
    expect(clickIdFromCookieHeader()).toBeNull();
    expect(clickIdFromCookieHeader(null)).toBeNull();
    expect(clickIdFromCookieHeader('')).toBeNull();
    expect(clickIdFromCookieHeader('affitor_click_id=')).toBeNull();
    expect(clickIdFromCookieHeader('xaffitor_click_id=evil; affitor_click_id_x=evil')).toBeNull();
    expect(clickIdFromCookieHeader('affitor_click_id=first;affitor_click_id=second')).toBe('first');
  });

  it('clickIdsFromCookieHeader: the list, oldest first, with the current id appended when missing', () => {
    const list = encodeClickIds(['cust_1_1', 'cust_1_2']);
    expect(clickIdsFromCookieHeader(`affitor_click_ids=${list}; affitor_click_id=cust_1_2`)).toEqual(['cust_1_1', 'cust_1_2']);
    expect(clickIdsFromCookieHeader(`affitor_click_ids=${list}; affitor_click_id=cust_1_3`)).toEqual(['cust_1_1', 'cust_1_2', 'cust_1_3']);
    expect(clickIdsFromCookieHeader('')).toEqual([]);
  });
});

describe('clickIdFromRequest', () => {
  it('reads a Fetch Request', () => {
    const req = new Request('https://shop.test/api/signup', { headers: { cookie: 'affitor_click_id=cust_9_9' } });
    expect(clickIdFromRequest(req)).toBe('cust_9_9');
    expect(clickIdFromRequest(new Request('https://shop.test/'))).toBeNull();
  });

  it('reads an Express-style req object', () => {
    expect(clickIdFromRequest({ headers: { cookie: 'customer_code=cust_8_8' } })).toBe('cust_8_8');
    expect(clickIdFromRequest({ headers: {} })).toBeNull();
  });

  it('reads a real Node IncomingMessage', async () => {
    const seen: (string | null)[] = [];
    const server = createServer((req, res) => {
      seen.push(clickIdFromRequest(req));
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: 'theme=dark; affitor_click_id=cust_7_7' } });
    await fetch(`http://127.0.0.1:${port}/`);
    await new Promise<void>((r) => server.close(() => r()));
    expect(seen).toEqual(['cust_7_7', null]);
  });
});

describe('affitorCookieRefresh', () => {
  const header = `affitor_click_id=cust_1_1715000000000; affitor_click_ids=${encodeClickIds(['cust_1_1', 'cust_1_1715000000000'])}; ` +
    'affitor_aff_url=https://shop.example.com/?aff=P1%3B; other=1';

  it('re-issues the script\'s cookies with its attributes plus Max-Age (host-only, http)', () => {
    expect(affitorCookieRefresh(header, { secure: false, now: NOW })).toEqual([
      `affitor_click_id=cust_1_1715000000000; expires=${EXPIRES_60D}; Max-Age=5184000; path=/; SameSite=Lax`,
      `affitor_click_ids=cust_1_1%7Ccust_1_1715000000000; expires=${EXPIRES_60D}; Max-Age=5184000; path=/; SameSite=Lax`,
      `affitor_aff_url=https://shop.example.com/?aff=P1%3B; expires=${EXPIRES_60D}; Max-Age=5184000; path=/; SameSite=Lax`,
    ]);
  });

  it('adds domain and Secure when asked; never HttpOnly', () => {
    const [first] = writes(affitorCookieRefresh(header, { domain: '.example.com', secure: true, days: 30, now: NOW }));
    expect(first).toBe('affitor_click_id=cust_1_1715000000000; expires=Sat, 31 Jan 2026 00:00:00 GMT; Max-Age=2592000; path=/; SameSite=Lax; domain=.example.com; Secure');
    expect(affitorCookieRefresh(header, { domain: '.example.com', secure: true }).join('\n')).not.toMatch(/httponly/i);
  });

  it('re-issues nothing after the visitor refused consent (affitor_consent=0), as before after a grant', () => {
    expect(affitorCookieRefresh(`${header}; affitor_consent=0`, { secure: false, now: NOW })).toEqual([]);
    expect(affitorCookieRefresh(`${header}; affitor_consent=1`, { secure: false, now: NOW })).toHaveLength(3);
  });

  it('caps the lifetime at 400 days', () => {
    const [first] = affitorCookieRefresh(header, { secure: false, days: 1000, now: NOW });
    expect(first).toContain('; Max-Age=34560000;');
  });

  it('writes nothing without a click id', () => {
    expect(affitorCookieRefresh('', { secure: true })).toEqual([]);
    expect(affitorCookieRefresh(undefined, { secure: true })).toEqual([]);
    expect(affitorCookieRefresh('affitor_aff_url=x; affitor_click_ids=a', { secure: true })).toEqual([]);
  });

  it('a legacy-only visitor gets affitor_click_id (migration) and keeps customer_code', () => {
    const out = affitorCookieRefresh('customer_code=cust_3_3', { secure: false, now: NOW });
    expect(out.map((c) => c.slice(0, c.indexOf(';')))).toEqual(['affitor_click_id=cust_3_3', 'affitor_click_ids=cust_3_3', 'customer_code=cust_3_3']);
  });

  it('re-issues a value the script wrote byte for byte (its own encoders), e.g. a URL with %, spaces and non-ASCII', () => {
    const scriptWritten = `affitor_click_id=${encodeURIComponent('cust_ü 1')}; affitor_aff_url=${encodeAffUrl('https://shop.test/?aff=C%26D é&x="q"')}`;
    const jar = jarHeader(affitorCookieRefresh(scriptWritten, { secure: false }));
    expect(jar).toContain(`affitor_aff_url=${encodeAffUrl('https://shop.test/?aff=C%26D é&x="q"')}`);
    expect(jar).toContain(`affitor_click_id=${encodeURIComponent('cust_ü 1')}`);
  });

  it('round trip: the shared reader sees the same values in the refreshed jar as in the original', () => {
    const refreshed = jarHeader(affitorCookieRefresh(header, { secure: false }));
    for (const name of ['affitor_click_id', 'affitor_click_ids', 'affitor_aff_url']) {
      expect(readCookie(refreshed, name)).toBe(readCookie(header, name));
    }
    expect(readClickIds(refreshed)).toEqual(readClickIds(header));
    // …and refreshing a refreshed jar is stable byte for byte.
    expect(jarHeader(affitorCookieRefresh(refreshed, { secure: false }))).toBe(refreshed);
  });

  describe('injection attempts stay inside the value', () => {
    const hostile = [
      'x; domain=evil.test; HttpOnly',
      'x%3B%20domain%3Devil.test', // encoded `; domain=evil.test`, decoded by the reader
      'x%0D%0ASet-Cookie%3A%20admin%3D1', // encoded CRLF header splitting
      'a=b=c',
      'x%2C%20affitor_click_id%3Devil',
    ];
    for (const raw of hostile) {
      it(JSON.stringify(raw), () => {
        const out = affitorCookieRefresh(`affitor_click_id=${raw}; affitor_aff_url=${raw}`, { secure: false, now: NOW });
        for (const cookie of out) {
          expect(cookie).not.toMatch(/[\r\n\0]/);
          const [pair, ...attrs] = cookie.split('; ');
          // Exactly the script's attributes, nothing from the request.
          expect(attrs).toEqual([`expires=${EXPIRES_60D}`, 'Max-Age=5184000', 'path=/', 'SameSite=Lax']);
          // RFC 6265 cookie-octets only: no whitespace, `"`, `,`, `;`, `\` or control characters.
          const value = pair.slice(pair.indexOf('=') + 1);
          expect(value).toMatch(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/);
        }
        // The visitor still reads back what they sent (the jar keeps everything up to the first `;`).
        const cookieName = out[0].slice(0, out[0].indexOf('='));
        expect(cookieName).toBe('affitor_click_id');
        const sent = `affitor_click_id=${raw}`.split(';')[0];
        expect(readCookie(jarHeader(out), 'affitor_click_id')).toBe(readCookie(sent, 'affitor_click_id'));
      });
    }
  });

  it('never leaves a second copy beside the one it writes: the other scopes are expired first', () => {
    // With the script's domain: the host-only copy, and with the host, its other domain too.
    const withDomain = affitorCookieRefresh(header, { domain: '.example.com', host: 'www.example.com', secure: true, now: NOW });
    const names = ['affitor_click_id', 'affitor_click_ids', 'affitor_aff_url'];
    expect(expired(withDomain)).toEqual(names.flatMap((n) => [`${n}@`, `${n}@.www.example.com`]));
    expect(withDomain.findIndex((c) => !isExpiry(c))).toBe(6); // expirations first, then the writes
    expect(withDomain[0]).toBe('affitor_click_id=; expires=Thu, 01 Jan 2026 00:00:00 GMT; Max-Age=0; path=/; SameSite=Lax; Secure');
    // The leading dot does not make another scope: `example.com` is `.example.com`.
    expect(expired(affitorCookieRefresh(header, { domain: 'EXAMPLE.com', host: 'www.example.com', secure: true }))).toEqual(
      names.flatMap((n) => [`${n}@`, `${n}@.www.example.com`]),
    );
    // Host-only writes: every domain of the host; without a host only what needs none.
    expect(expired(affitorCookieRefresh(header, { host: 'www.example.com', secure: false }))).toEqual(
      names.flatMap((n) => [`${n}@.example.com`, `${n}@.www.example.com`]),
    );
    expect(expired(affitorCookieRefresh(header, { secure: false }))).toEqual([]);
    expect(expired(affitorCookieRefresh(header, { domain: '.example.com', secure: false }))).toEqual(names.map((n) => `${n}@`));
    // A host that is no plain host name (a forged header) reaches no attribute.
    expect(expired(affitorCookieRefresh(header, { host: 'a.example.com; domain=evil.test', secure: false }))).toEqual([]);
  });

  it('two copies sent: the script\'s is re-issued (the shared reader\'s rule), with its own history', () => {
    const stale = `affitor_click_id=cust_1_1; affitor_click_ids=cust_1_1; customer_code=cust_1_1`;
    const fresh = `affitor_click_id=cust_1_2; affitor_click_ids=${encodeClickIds(['cust_1_1', 'cust_1_2'])}; customer_code=cust_1_2`;
    const out = affitorCookieRefresh(`${stale}; ${fresh}`, { domain: '.example.com', host: 'www.example.com', secure: false });
    expect(jarHeader(out)).toBe('affitor_click_id=cust_1_2; affitor_click_ids=cust_1_1%7Ccust_1_2; customer_code=cust_1_2');
  });

  it('rejects unsafe domains and bad lifetimes with a message saying what to pass', () => {
    for (const domain of ['.example.com; Secure', 'a,b', 'a=b', 'exa mple.com', '.example.com\r\nX: 1', 'a\tb', '']) {
      expect(() => affitorCookieRefresh(header, { domain, secure: true })).toThrow(/invalid `domain`.*\.example\.com/);
    }
    expect(() => affitorCookieRefresh(header, { secure: true, days: 0 })).toThrow(/`days` must be a positive number/);
    expect(() => affitorCookieRefresh(header, { secure: true, days: Number.NaN })).toThrow(/`days`/);
  });
});

describe('refreshAffitorCookies', () => {
  it('Node: appends Set-Cookie to a real response, keeping the app\'s own cookies; https from X-Forwarded-Proto', async () => {
    const server = createServer((req, res) => {
      res.setHeader('Set-Cookie', 'session=abc; HttpOnly');
      refreshAffitorCookies(req, res, { domain: '.example.com' });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { cookie: 'affitor_click_id=cust_5_5', 'x-forwarded-proto': 'https' },
    });
    const plain = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: 'affitor_click_id=cust_5_5' } });
    const none = await fetch(`http://127.0.0.1:${port}/`);
    await new Promise<void>((r) => server.close(() => r()));
    const cookies = res.headers.getSetCookie();
    expect(cookies[0]).toBe('session=abc; HttpOnly');
    // An IP host has no other domain: only the host-only copies are expired.
    expect(expired(cookies)).toEqual(['affitor_click_id@', 'affitor_click_ids@']);
    expect(writes(cookies).slice(1).map((c) => c.slice(0, c.indexOf(';')))).toEqual(['affitor_click_id=cust_5_5', 'affitor_click_ids=cust_5_5']);
    expect(writes(cookies)[1]).toMatch(/; path=\/; SameSite=Lax; domain=\.example\.com; Secure$/);
    expect(writes(plain.headers.getSetCookie())[1]).toMatch(/; domain=\.example\.com$/);
    expect(none.headers.getSetCookie()).toEqual(['session=abc; HttpOnly']);
  });

  it('expires the other scopes of the host the browser used (X-Forwarded-Host, Host, the URL), port stripped', () => {
    const header = 'affitor_click_id=cust_4_4';
    const node = (headers: Record<string, string>) => {
      const res = { headers: {} as Record<string, string | string[]>, getHeader: (n: string) => res.headers[n.toLowerCase()], setHeader: (n: string, v: string | string[]) => void (res.headers[n.toLowerCase()] = v) };
      refreshAffitorCookies({ headers: { cookie: header, ...headers } }, res, { domain: '.shop.test' });
      return expired(res.headers['set-cookie'] as string[]);
    };
    expect(node({ host: 'www.shop.test:8080' })).toEqual(['affitor_click_id@', 'affitor_click_id@.www.shop.test', 'affitor_click_ids@', 'affitor_click_ids@.www.shop.test']);
    expect(node({ host: '127.0.0.1:3000', 'x-forwarded-host': 'www.shop.test, proxy.internal' })).toContain('affitor_click_id@.www.shop.test');
    const fetched = refreshAffitorCookies(new Request('http://a.www.shop.test:3000/', { headers: { cookie: header } }), new Response(''), { domain: '.shop.test' });
    expect(expired(fetched.headers.getSetCookie())).toEqual([
      'affitor_click_id@', 'affitor_click_id@.www.shop.test', 'affitor_click_id@.a.www.shop.test',
      'affitor_click_ids@', 'affitor_click_ids@.www.shop.test', 'affitor_click_ids@.a.www.shop.test',
    ]);
  });

  it('Fetch: appends in place when the headers are mutable (https from the URL)', async () => {
    const request = new Request('https://shop.example.com/pricing', { headers: { cookie: 'affitor_click_id=cust_6_6' } });
    const original = new Response('<html>', { status: 201, headers: { 'Content-Type': 'text/html', 'Set-Cookie': 'a=1' } });
    const out = refreshAffitorCookies(request, original, { days: 90 });
    expect(out).toBe(original);
    expect(out.status).toBe(201);
    expect(out.headers.get('content-type')).toBe('text/html');
    expect(await out.text()).toBe('<html>');
    const cookies = out.headers.getSetCookie();
    expect(cookies[0]).toBe('a=1');
    expect(writes(cookies)[1]).toMatch(/^affitor_click_id=cust_6_6; expires=[^;]+; Max-Age=7776000; path=\/; SameSite=Lax; Secure$/);
    const untouched = new Response('x');
    expect(refreshAffitorCookies(new Request('https://shop.example.com/'), untouched)).toBe(untouched);
    expect(untouched.headers.getSetCookie()).toEqual([]);
  });

  it('Fetch: answers with a copy when the headers are immutable (Response.redirect, fetch())', () => {
    const request = new Request('http://shop.example.com/go', { headers: { cookie: 'affitor_click_id=cust_6_6' } });
    const redirect = Response.redirect('http://shop.example.com/next', 302);
    expect(() => redirect.headers.append('x', '1')).toThrow(TypeError); // the premise
    const out = refreshAffitorCookies(request, redirect);
    expect(out).not.toBe(redirect);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('http://shop.example.com/next');
    expect(writes(out.headers.getSetCookie()).map((c) => c.slice(0, c.indexOf(';')))).toEqual(['affitor_click_id=cust_6_6', 'affitor_click_ids=cust_6_6']);
    expect(out.headers.getSetCookie()[0]).not.toContain('Secure');
  });
});
