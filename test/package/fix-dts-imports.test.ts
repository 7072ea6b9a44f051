// The declaration post-processor: every extensionless relative import in emitted .d.ts files gets
// the extension Node's ESM resolution (TypeScript `node16`) needs, and nothing else changes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fixDtsImports } from '../../scripts/fix-dts-imports.mjs';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>) {
  dir = mkdtempSync(join(tmpdir(), 'dts-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

it('adds .js for a sibling file and /index.js for a folder, in every import form, leaving the rest alone', () => {
  tree({
    'server/index.d.ts': [
      "import { Affitor } from './client';",
      'export type { A } from "./client";',
      "export * from '../shared';",
      "export declare function f(): import('./client').Affitor;",
      "import './already.js';",
      "export type { X } from 'some-package/sub';",
      '/** Mentions a file path, not an import: see ./client */',
    ].join('\n'),
    'server/client.d.ts': 'export declare class Affitor {}\nexport type A = 1;',
    'server/already.d.ts': 'export {};',
    'shared/index.d.ts': 'export declare const x: 1;',
  });
  expect(fixDtsImports(dir)).toBe(4);
  expect(readFileSync(join(dir, 'server/index.d.ts'), 'utf8')).toBe(
    [
      "import { Affitor } from './client.js';",
      'export type { A } from "./client.js";',
      "export * from '../shared/index.js';",
      "export declare function f(): import('./client.js').Affitor;",
      "import './already.js';",
      "export type { X } from 'some-package/sub';",
      '/** Mentions a file path, not an import: see ./client */',
    ].join('\n'),
  );
});

it('fails naming the file and specifier when no declaration matches', () => {
  tree({ 'index.d.ts': "export * from './missing';" });
  expect(() => fixDtsImports(dir)).toThrow(/index\.d\.ts: \.\/missing/);
});
