// The size budget of the script tag (issue 2, "Budgets"): dist/affitor-tracker.js at most 2,000 B
// with gzip -9, measured like the peer figures (anchors.md §1.1). Every byte ships to every visitor.
// `npm test` builds dist/ before the unit tests run; on its own, run `npm run build` first.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { GZIP_BUDGET_BYTES, measureSize } from '../bench/lib/size.mjs';

const SCRIPT = resolve(__dirname, '../dist/affitor-tracker.js');

describe('dist/affitor-tracker.js size budget', () => {
  it(`is at most ${GZIP_BUDGET_BYTES} B with gzip -9`, () => {
    if (!existsSync(SCRIPT)) {
      throw new Error(`${SCRIPT} is missing: run \`npm run build\` first (\`npm test\` builds it before the unit tests).`);
    }
    const size = measureSize(SCRIPT);
    expect(size.gzip, `${size.gzipMethod} of the ${size.raw} B script (brotli 11: ${size.brotli} B)`).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });
});
