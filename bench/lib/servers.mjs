// The bench uses the same API and pages servers as the browser tests (e2e/support/*.ts). Node 20
// cannot import TypeScript, so they are bundled once with esbuild into node_modules/.cache.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** @returns {Promise<{startApiServer: Function, startPagesServer: Function}>} */
export async function loadServers() {
  const outdir = join(repo, 'node_modules/.cache/affitor-bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'servers.mjs');
  await esbuild.build({
    stdin: {
      contents: `export { startApiServer } from './e2e/support/api-server.ts';
                 export { startPagesServer } from './e2e/support/pages-server.ts';`,
      resolveDir: repo,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    outfile,
    logLevel: 'silent',
  });
  return import(pathToFileURL(outfile).href + `?t=${Date.now()}`);
}
