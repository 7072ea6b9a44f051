// Bundles a tiny app that imports `affitor-tracker` the way a React/Vue/Next app would, resolving
// the package name to the BUILT browser entry (dist/index.js), and returns the bundle's text.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ESM_ENTRY = resolve(process.cwd(), 'dist/index.js');

export async function bundleApp(source: string): Promise<string> {
  if (!existsSync(ESM_ENTRY)) throw new Error(`${ESM_ENTRY} is missing: run \`npm run build\` first (npm test builds it).`);
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'iife',
    target: 'es2017',
    write: false,
    alias: { 'affitor-tracker': ESM_ENTRY },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
