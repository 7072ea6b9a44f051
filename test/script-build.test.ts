// What build.mjs promises about every script file (ARCHITECTURE.md "Design goals" 3 and "Size"):
// V8's compile hint is the first line, the SRI hash is that of the bytes shipped (computed after
// the last minification pass), and the source map leads back to src/. `npm test` builds dist/
// before the unit tests run; on its own, run `npm run build` first.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const dist = (file: string) => {
  const path = resolve(__dirname, '../dist', file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first.`);
  return readFileSync(path);
};

for (const file of ['affitor-tracker.js', 'affitor-tracker.core.js', 'affitor-tracker.single.js', 'affitor-tracker.consent.js', 'affitor-tracker.plus.js', 'affitor-tracker.debug.js']) {
  describe(`dist/${file}`, () => {
    it('starts with the compile hint, on a line of its own', () => {
      expect(dist(file).toString('utf8').split('\n')[0]).toBe('//# allFunctionsCalledOnLoad');
    });

    it('has the SRI hash of its final bytes', () => {
      const sri = 'sha384-' + createHash('sha384').update(dist(file)).digest('base64');
      expect(dist(file + '.sri').toString('utf8').trim()).toBe(sri);
    });

    it('ends by naming its source map, which holds the TypeScript sources', () => {
      expect(dist(file).toString('utf8').trimEnd().split('\n').pop()).toBe(`//# sourceMappingURL=${file}.map`);
      const map = JSON.parse(dist(file + '.map').toString('utf8')) as { sources: string[]; sourcesContent: string[] };
      expect(map.sources.length).toBeGreaterThan(1);
      for (const source of map.sources) expect(source).toMatch(/^\.\.\/src\/.+\.ts$/);
      expect(map.sourcesContent).toHaveLength(map.sources.length);
      // esbuild's map carried through terser's: the original sources, not esbuild's output.
      expect(map.sourcesContent.join('\n')).toContain('import ');
    });
  });
}

// The core, loaded on demand, is pinned by the integrity hash of the build that made it.
describe('integrity hash written into the every-page file', () => {
  it("dist/affitor-tracker.js carries the core's", () => {
    const sri = dist('affitor-tracker.core.js.sri').toString('utf8').trim();
    expect(dist('affitor-tracker.js').toString('utf8')).toContain(JSON.stringify(sri));
  });
});
