// Security check: the shipped scripts never build code or markup from strings, so they
// need no 'unsafe-eval' and pass require-trusted-types-for 'script' (e2e checks both in Chromium).
// `npm test` builds dist/ first; on its own, run `npm run build` first.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const FORBIDDEN = [/\beval\s*\(/, /new\s+Function\b/, /\bFunction\s*\(/, /innerHTML/, /outerHTML/, /document\.write/, /insertAdjacentHTML/, /createContextualFragment/, /setTimeout\(\s*["'`]/, /setInterval\(\s*["'`]/];

for (const file of ['dist/affitor-tracker.js', 'dist/affitor-tracker.plus.js']) {
  describe(file, () => {
    it('contains no eval, Function constructor, innerHTML/outerHTML, document.write, insertAdjacentHTML or string timers', () => {
      const path = resolve(__dirname, '../..', file);
      if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first.`);
      const code = readFileSync(path, 'utf8');
      for (const pattern of FORBIDDEN) expect(code, String(pattern)).not.toMatch(pattern);
    });
  });
}
