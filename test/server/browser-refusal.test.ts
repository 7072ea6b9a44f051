// @vitest-environment happy-dom
// In a browser the server client must refuse to hold an API key. A DOM shim in Node (jsdom,
// happy-dom: users' unit tests) is not a browser: the key stays on the server there.
import { expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';

/** Runs `run` as a browser would see the globals: this DOM, and no Node underneath. */
function withoutNode<T>(run: () => T): T {
  const versions = process.versions as { node?: string };
  const node = Object.getOwnPropertyDescriptor(versions, 'node')!;
  delete versions.node;
  try {
    return run();
  } finally {
    Object.defineProperty(versions, 'node', node);
  }
}

it('runs in a DOM environment (the precondition of this file)', () => {
  expect(typeof window).toBe('object');
  expect(typeof document).toBe('object');
});

it('refuses to construct in a browser (window/document, no Node), saying why and what to do', () => {
  expect(() => withoutNode(() => new Affitor({ apiKey: 'affitor_secret' }))).toThrow(
    /refusing to run in a browser.*must stay on your server.*`affitor-tracker`.*dangerouslyAllowBrowser: true/s,
  );
  expect(() => withoutNode(() => new Affitor('affitor_secret'))).toThrow(/refusing to run in a browser/);
});

it('constructs under a DOM shim in Node (unit tests of server code)', () => {
  expect(new Affitor({ apiKey: 'affitor_secret' })).toBeInstanceOf(Affitor);
});

it('still reports a missing apiKey first', () => {
  expect(() => withoutNode(() => new Affitor({ apiKey: '' }))).toThrow('Affitor: `apiKey` is required');
});

it('constructs in a browser with dangerouslyAllowBrowser: true', () => {
  expect(withoutNode(() => new Affitor({ apiKey: 'affitor_secret', dangerouslyAllowBrowser: true }))).toBeInstanceOf(Affitor);
});
