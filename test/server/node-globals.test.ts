// Server runtimes that define some browser-ish globals must not be mistaken for a browser.
import { afterEach, expect, it } from 'vitest';
import { Affitor } from '../../src/server/index';

const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.window;
  delete g.document;
  delete g.importScripts;
});

/** Runs `run` without `process.versions.node`, as in a browser or a worker (Node's globals otherwise say "server"). */
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

it('constructs in plain Node', () => {
  expect(new Affitor({ apiKey: 'k' })).toBeInstanceOf(Affitor);
});

it('a `window` without a document (Deno 1.x) is a server', () => {
  g.window = {};
  expect(withoutNode(() => new Affitor({ apiKey: 'k' }))).toBeInstanceOf(Affitor);
});

it('a browser web worker (importScripts) is refused', () => {
  g.importScripts = () => undefined;
  expect(() => withoutNode(() => new Affitor({ apiKey: 'k' }))).toThrow(/refusing to run in a browser/);
});

it('a window with a document is refused', () => {
  g.window = { document: {} };
  expect(() => withoutNode(() => new Affitor({ apiKey: 'k' }))).toThrow(/refusing to run in a browser/);
});

it('Node with a window and a document (a jsdom or happy-dom unit test) is a server', () => {
  g.window = { document: {} };
  g.document = {};
  expect(new Affitor({ apiKey: 'k' })).toBeInstanceOf(Affitor);
});
