// @vitest-environment happy-dom
// In a browser-like global the server client must refuse to hold an API key.
import { expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';

it('runs in a DOM environment (the precondition of this file)', () => {
  expect(typeof window).toBe('object');
  expect(typeof document).toBe('object');
});

it('refuses to construct where window/document exist, saying why and what to do', () => {
  expect(() => new Affitor({ apiKey: 'affitor_secret' })).toThrow(
    /refusing to run in a browser.*must stay on your server.*`affitor-tracker`.*dangerouslyAllowBrowser: true/s,
  );
});

it('still reports a missing apiKey first', () => {
  expect(() => new Affitor({ apiKey: '' })).toThrow('Affitor: `apiKey` is required');
});

it('constructs with dangerouslyAllowBrowser: true', () => {
  expect(new Affitor({ apiKey: 'affitor_secret', dangerouslyAllowBrowser: true })).toBeInstanceOf(Affitor);
});
