// Runs the official Affitor SDK's own unit tests (extracted by scripts/official-tests/run.mjs into
// .official-tests/, never committed) against OUR built entries: their `../src/…` imports are
// mapped to dist/. The browser package's tests run in jsdom at http://localhost/, as in their own
// config; `@affitor/node`'s in plain Node.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = (file: string) => `${root}dist/${file}`;

/** Their import path → our entry, per official package (the importer's folder says which). */
const ENTRIES: Record<'sdk' | 'node', Record<string, string>> = {
  sdk: { '../src/index': entry('index.js'), '../src/react': entry('react.js'), '../src/server': entry('server.js') },
  node: { '../src/index': entry('server.js') },
};

const ourEntries: Plugin = {
  name: 'official-tests:our-entries',
  enforce: 'pre',
  resolveId(source, importer) {
    if (!importer?.includes('/.official-tests/')) return null;
    const pkg = importer.includes('/packages/node/') ? 'node' : 'sdk';
    const target = ENTRIES[pkg][source.replace(/\.(js|ts|tsx)$/, '')];
    if (target) return target;
    if (source.startsWith('../src/')) this.error(`official test imports ${source}, which has no entry of ours mapped (scripts/official-tests/vitest.config.ts)`);
    return null;
  },
};

export default defineConfig({
  root,
  plugins: [ourEntries],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'affitor-sdk',
          include: ['.official-tests/packages/sdk/tests/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          environmentOptions: { jsdom: { url: 'http://localhost/' } },
        },
      },
      {
        extends: true,
        test: { name: 'affitor-node', include: ['.official-tests/packages/node/tests/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
});
