// The browser entry is SSR-safe. Importing the BUILT dist/index.js in plain Node (as a
// Next.js server render would) and calling every export must not throw, must not call fetch,
// must not add globals, and must return the contract's server values (protocol §8.1–8.2).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ENTRY = resolve(__dirname, '../dist/index.js');

afterEach(() => vi.unstubAllGlobals());

describe('affitor-tracker (dist/index.js) on the server', () => {
  it('imports and runs every export as a silent no-op', async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first (\`npm test\` builds it).`);
    const fetchCalls: unknown[] = [];
    vi.stubGlobal('fetch', (...args: unknown[]) => {
      fetchCalls.push(args);
      return Promise.reject(new Error('no network on the server'));
    });
    const errors = vi.spyOn(console, 'error');
    const logs = vi.spyOn(console, 'log');
    const globalsBefore = Object.getOwnPropertyNames(globalThis).sort();

    // A query string gives a fresh module instance, so no other test's state leaks in.
    const lib = await import(pathToFileURL(ENTRY).href + '?ssr');
    const results = {
      init: lib.init({ programId: 1, apiBase: 'http://127.0.0.1:9' }),
      signup: await lib.signup('user_1', 'a@example.com'),
      trackClick: await lib.trackClick('https://shop.example/?aff=P1'),
      clickId: lib.getClickId(),
      clickIds: lib.getClickIds(),
      data: lib.getData(),
      tracker: lib.getTracker(),
      loaded: await lib.loadAffitor(1, { scriptUrl: 'https://cdn.example/affitor-tracker.js' }),
      loadedBundled: await lib.loadAffitor(1),
    };
    const instance = new lib.AffitorTracker();
    const instanceResults = {
      init: instance.init({ programId: 2 }) === instance,
      signup: await instance.signup('user_2'),
      clickId: instance.getClickId(),
      clickIds: instance.getClickIds(),
      data: instance.getData(),
      programId: instance.programId,
    };

    expect(results).toEqual({
      init: null,
      signup: undefined,
      trackClick: undefined,
      clickId: null,
      clickIds: [],
      data: null,
      tracker: null,
      loaded: null,
      loadedBundled: null,
    });
    expect(instanceResults).toEqual({
      init: true,
      signup: undefined,
      clickId: null,
      clickIds: [],
      data: { clickId: null, programId: null, hasAttribution: false, affiliateUrl: null },
      programId: null,
    });
    expect(fetchCalls).toEqual([]);
    // "On the server, everything is silent" (protocol §8.1): not even the before-init errors.
    expect(errors).not.toHaveBeenCalled();
    expect(logs).not.toHaveBeenCalled();
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(globalsBefore);
  });
});
