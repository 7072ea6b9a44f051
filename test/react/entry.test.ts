// The built React entry stays the provider and hook: it imports the browser entry (the file
// `affitor-tracker` resolves to) instead of carrying a core, and it stays small.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ENTRY = 'dist/react.js';
/** dist/react.js was 656 B gzip -9 when written; room for a fix, not for a second tracker. */
const GZIP_LIMIT_BYTES = 1000;

describe('dist/react.js', () => {
  const built = () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`node build.mjs\` first`);
    return readFileSync(ENTRY, 'utf8');
  };

  it('imports the browser entry and react, and holds no tracker core of its own', () => {
    const code = built();
    const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).sort();
    expect(imports).toEqual(['./index.js', 'react']);
    // Strings only the core has: cookie names and the click endpoint.
    for (const coreOnly of ['affitor_pending_click', '/api/v1/track/click']) expect(code).not.toContain(coreOnly);
  });

  it('starts with "use client", so a Next.js server layout can render the provider', () => {
    expect(built().startsWith('"use client";')).toBe(true);
  });

  it(`is at most ${GZIP_LIMIT_BYTES} B gzip -9`, () => {
    expect(gzipSync(built(), { level: 9 }).length).toBeLessThanOrEqual(GZIP_LIMIT_BYTES);
  });
});
