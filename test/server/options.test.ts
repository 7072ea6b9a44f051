// Options are checked at construction, in both forms: a value that would retry forever, never time
// out or silently talk to the wrong server is a clear error before any request.
import { describe, expect, it } from 'vitest';
import { Affitor, type AffitorOptions } from '../../src/server/index';

const KEY = 'affitor_test_key_123';
const objectForm = (o: Record<string, unknown>) => () => new Affitor({ apiKey: KEY, ...o } as AffitorOptions);
const keyForm = (o: Record<string, unknown>) => () => new Affitor(KEY, o);

describe('option validation at construction', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['retries NaN (Number of an unset env var)', { retries: Number(process.env.AFFITOR_UNSET_FOR_TEST) }, /`retries` must be a whole number from 0 to 10; got NaN \(Number\(\) of an unset environment variable is NaN\)/],
    ['retries Infinity', { retries: Infinity }, /`retries` must be a whole number from 0 to 10; got Infinity/],
    ['retries negative', { retries: -1 }, /`retries` must be a whole number/],
    ['retries fractional', { retries: 1.5 }, /`retries` must be a whole number/],
    ['retries as text', { retries: '2' }, /`retries` must be a whole number from 0 to 10; got "2"/],
    ['retries above the cap', { retries: 11 }, /`retries` must be a whole number from 0 to 10/],
    ['timeoutMs NaN', { timeoutMs: NaN }, /`timeoutMs` must be a number of milliseconds from 1 to 2147483647; got NaN/],
    ['timeoutMs 0', { timeoutMs: 0 }, /`timeoutMs` must be/],
    ['timeoutMs negative', { timeoutMs: -5 }, /`timeoutMs` must be/],
    ['timeoutMs Infinity', { timeoutMs: Infinity }, /`timeoutMs` must be/],
    ['timeoutMs past setTimeout\'s limit (would fire at once)', { timeoutMs: 2 ** 31 }, /`timeoutMs` must be/],
    ['fetch not a function', { fetch: 'node-fetch' }, /`fetch` must be a function/],
    ['honoursIdempotencyKey not a boolean', { honoursIdempotencyKey: 'yes' }, /`honoursIdempotencyKey` must be true or false/],
    ['a typo\'d option', { timeout: 500 }, /unknown option `timeout` \(known options: /],
  ];
  for (const [name, options, message] of bad) {
    it(`object form: ${name}`, () => expect(objectForm(options)).toThrow(message));
    it(`string-key form: ${name}`, () => expect(keyForm(options)).toThrow(message));
  }

  it('apiUrl / apiBase must be an absolute http(s) URL', () => {
    for (const url of ['api.affitor.com', 'ftp://api.affitor.com', 'https://api.affitor.com/?x=1', 'https://api.affitor.com/#x', '', 42]) {
      expect(objectForm({ apiUrl: url })).toThrow(/`apiUrl` must be an absolute http\(s\) URL/);
      expect(keyForm({ apiBase: url })).toThrow(/`apiBase` must be an absolute http\(s\) URL/);
    }
  });

  it('each form\'s URL option in the other form is an error, not a silent fall-back to production', () => {
    expect(objectForm({ apiBase: 'http://127.0.0.1:1' })).toThrow(/unknown option `apiBase` — `apiBase` belongs to the other form/);
    expect(keyForm({ apiUrl: 'http://127.0.0.1:1' })).toThrow(/unknown option `apiUrl` — `apiUrl` belongs to the other form/);
    expect(keyForm({ apiKey: KEY })).toThrow(/the key is the first argument/);
    expect(() => new (Affitor as unknown as new (a: unknown, b: unknown) => unknown)({ apiKey: KEY }, { apiBase: 'http://x.test' })).toThrow(
      /all options go in that one object/,
    );
  });

  it('good values are accepted in both forms', () => {
    const good = { timeoutMs: 2500, retries: 0, honoursIdempotencyKey: true, fetch: globalThis.fetch };
    expect(objectForm({ ...good, apiUrl: 'http://127.0.0.1:8787/affitor/' })).not.toThrow();
    expect(keyForm({ ...good, apiBase: 'https://api.affitor.com' })).not.toThrow();
    expect(keyForm({ retries: 10 })).not.toThrow();
  });
});
