// Server runtimes that define some browser-ish globals must not be mistaken for a browser.
import { afterEach, expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';

const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.window;
  delete g.document;
  delete g.importScripts;
});

it('constructs in plain Node', () => {
  expect(new Affitor({ apiKey: 'k' })).toBeInstanceOf(Affitor);
});

it('a `window` without a document (Deno 1.x) is a server', () => {
  g.window = {};
  expect(new Affitor({ apiKey: 'k' })).toBeInstanceOf(Affitor);
});

it('a browser web worker (importScripts) is refused', () => {
  g.importScripts = () => undefined;
  expect(() => new Affitor({ apiKey: 'k' })).toThrow(/refusing to run in a browser/);
});

it('a window with a document is refused', () => {
  g.window = { document: {} };
  expect(() => new Affitor({ apiKey: 'k' })).toThrow(/refusing to run in a browser/);
});
