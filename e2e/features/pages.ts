// Fixture helpers for the feature specs: the `.plus` script variant and an ESM app page.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Shop } from '../support/fixtures';
import type { PagesServer } from '../support/pages-server';
import { bundleApp } from '../support/bundle';

export const PLUS_PATH = '/affitor-tracker.plus.js';
const PLUS_FILE = resolve(process.cwd(), 'dist/affitor-tracker.plus.js');

/** Serves dist/affitor-tracker.plus.js (read per request, like the main script) on `server`. */
export function servePlus(server: PagesServer) {
  server.serve(PLUS_PATH, { body: () => readFileSync(PLUS_FILE), contentType: 'text/javascript' });
}

/**
 * A page whose app bundles the ESM library and runs `source` with `init`, `consent` and `optOut`
 * imported and `API` set to the API origin; returns its URL.
 */
export async function esmPage(shop: Shop, apiOrigin: string, source: string, path = '/app') {
  const app = `import { init, consent, optOut } from 'affitor-tracker'; const API = ${JSON.stringify(apiOrigin)};\n${source}`;
  shop.serve(path + '.js', { body: await bundleApp(app), contentType: 'text/javascript' });
  return shop.page(path, { tag: false, body: `<script src="${path}.js"></script>` });
}
