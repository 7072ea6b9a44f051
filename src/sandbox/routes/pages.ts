// The pages and files: the demo storefront, the console, their assets and the built scripts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { HttpError, sendJson } from '../http/io.js';
import type { Handler, SandboxParts } from './context.js';

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The pages run no inline code: everything is in /assets, which keeps them honest under a strict CSP.
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(name: 'index.html' | 'console.html'): Handler {
  return (sandbox, { req, res }) => {
    const host = req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : new URL(sandbox.ownUrl()).host;
    const html = readFileSync(join(sandbox.publicDir, name), 'utf8')
      .replaceAll('{{PROGRAM_ID}}', String(sandbox.programId))
      .replaceAll('{{API_BASE}}', escapeAttribute(`http://${host}`));
    res.writeHead(200, PAGE_HEADERS);
    res.end(html);
  };
}

function serveFile(file: string, type: string, res: ServerResponse, extraHeaders: Record<string, string> = {}): void {
  if (!existsSync(file)) throw new HttpError(404, 'Not found');
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...extraHeaders });
  res.end(readFileSync(file));
}

export const storefront = page('index.html');
export const consolePage = page('console.html');

/** The built scripts as Affitor serves them: /js/affitor-tracker.js, the .core it loads, the .single, .consent and .plus variants, the .debug extras, their maps. */
export const script: Handler = (sandbox: SandboxParts, { params: [name], res }) => {
  const file = join(sandbox.distDir, name);
  if (!existsSync(file)) {
    sendJson(res, 404, { error: `The built script is missing (${file}). Run \`npm run build\` first.` });
    return;
  }
  serveFile(file, name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8', res, { 'Access-Control-Allow-Origin': '*' });
};

export const asset: Handler = (sandbox, { params: [name, extension], res }) =>
  serveFile(join(sandbox.publicDir, name + extension), ASSET_TYPES[extension], res);

export const favicon: Handler = (_sandbox, { res }) => {
  res.writeHead(204);
  res.end();
};
