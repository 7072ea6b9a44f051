// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { TAG_OPTIONS, resolveApiBase, tagOptions } from '../../src/core/config';

describe('resolveApiBase', () => {
  const origin = 'https://shop.example.com';
  it('a same-origin path becomes origin + path (first-party proxy); trailing slashes go', () => {
    expect(resolveApiBase('/affitor', origin)).toBe('https://shop.example.com/affitor');
    expect(resolveApiBase('/affitor/', origin)).toBe('https://shop.example.com/affitor');
    expect(resolveApiBase('/a/b//', origin)).toBe('https://shop.example.com/a/b');
    expect(resolveApiBase('/', origin)).toBe('https://shop.example.com');
  });
  it('an absolute or protocol-relative base is kept as it is (minus trailing slashes)', () => {
    expect(resolveApiBase('https://api.affitor.com/', origin)).toBe('https://api.affitor.com');
    expect(resolveApiBase('http://localhost:8787', origin)).toBe('http://localhost:8787');
    expect(resolveApiBase('//cdn.example.net/affitor/', origin)).toBe('//cdn.example.net/affitor');
  });
});

describe('tagOptions', () => {
  const tag = (attrs: Record<string, string>) => {
    const s = document.createElement('script');
    for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
    return s;
  };
  it('each listed option xY comes from its data-affitor-x-y attribute; others are ignored', () => {
    expect(
      tagOptions(
        tag({
          'data-affitor-program-id': '7',
          'data-affitor-api-base': '/affitor',
          'data-affitor-consent': 'required',
          'data-affitor-allow-bots': 'true',
          'data-affitor-domains': 'app.example.io, checkout.example.net',
          'data-affitor-clean-url': 'true',
          'data-affitor-stripe': 'true',
          'data-other': 'x',
          'data-affitorx': 'y',
        }),
        [...TAG_OPTIONS, 'domains', 'clean-url', 'stripe'],
      ),
    ).toEqual({
      programId: '7',
      apiBase: '/affitor',
      consent: 'required',
      allowBots: 'true',
      domains: 'app.example.io, checkout.example.net',
      cleanUrl: 'true',
      stripe: 'true',
    });
  });
  it('reads only the options it is given (the main script does not read the .plus ones)', () => {
    expect(tagOptions(tag({ 'data-affitor-program-id': '7', 'data-affitor-domains': 'a.example' }))).toEqual({ programId: '7' });
  });
  it('data-affitor-program is the program id fallback; no tag, no options', () => {
    expect(tagOptions(tag({ 'data-affitor-program': '9' }))).toMatchObject({ programId: '9' });
    expect(tagOptions(tag({ 'data-affitor-program': '9', 'data-affitor-program-id': '3' })).programId).toBe('3');
    expect(tagOptions(null)).toEqual({ programId: undefined });
  });
});
