// Playwright fixtures: every test gets its own API server, its own pages server and a fresh
// browser context, plus guards that fail the test if the host page ever sees an uncaught error.
//
//   import { test, expect } from '../support/fixtures';
//   test('...', async ({ page, api, shop }) => { ... });
import { test as base, expect, type Page, type BrowserContext, type Cookie } from '@playwright/test';
import { startApiServer, type ApiServer } from './api-server';
import { startPagesServer, type PagesServer } from './pages-server';
import { pageHtml, type PageOptions } from './html';

export interface Shop extends PagesServer {
  /**
   * Registers a fixture page at `path` (tag pointing at this test's API by default) and returns
   * its URL on http://shop.test:PORT. `headers` adds response headers (e.g. a CSP).
   */
  page(path: string, options?: PageOptions & { headers?: Record<string, string> }): string;
}

export interface ConsoleLine {
  type: string;
  text: string;
}

interface Fixtures {
  api: ApiServer;
  shop: Shop;
  /** Every console message of `page`, in order. */
  consoleLines: ConsoleLine[];
  /** Uncaught errors of `page`; the fixture fails the test if any occurred. */
  pageErrors: Error[];
}

export const test = base.extend<Fixtures>({
  api: async ({}, use) => {
    const api = await startApiServer();
    await use(api);
    await api.close();
  },
  shop: async ({ api }, use) => {
    const server = await startPagesServer();
    const shop: Shop = Object.assign(server, {
      page(path: string, options: PageOptions & { headers?: Record<string, string> } = {}) {
        server.serve(path, { body: pageHtml(options, api.origin), headers: options.headers });
        return server.url(path);
      },
    });
    await use(shop);
    await server.close();
  },
  consoleLines: async ({ page }, use) => {
    const lines: ConsoleLine[] = [];
    page.on('console', (m) => {
      // Chromium itself logs every failed or non-2xx request ("Failed to load resource: …",
      // "… net::ERR_…"); those are the browser's lines, not the page's, so they are left out.
      if (isBrowserNetworkLine(m.text())) return;
      lines.push({ type: m.type(), text: m.text() });
    });
    await use(lines);
  },
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on('pageerror', (e) => errors.push(e));
      await use(errors);
      // Never breaks the host page: no uncaught error in any test, ever.
      expect(errors.map((e) => e.message), 'uncaught errors on the host page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
export type { Page, BrowserContext, Cookie };

const isBrowserNetworkLine = (text: string) => text.startsWith('Failed to load resource') || /\bnet::ERR_/.test(text);

/** The tracker's `[Affitor]` console lines. */
/**
 * The two kinds of origin a browser spec runs on: plain http (no Web Locks, no cookieStore) and a
 * secure origin (localhost), where both exist — browsers take different paths there.
 */
export const BOTH_ORIGINS = [
  ['plain http', 'shop.test'],
  ['secure origin', 'localhost'],
] as const;

export const affitorLines = (lines: ConsoleLine[]) => lines.filter((l) => l.text.startsWith('[Affitor]'));

/** Cookies of the context by name (first of each name). */
export async function cookieJar(context: BrowserContext): Promise<Record<string, Cookie>> {
  const jar: Record<string, Cookie> = {};
  for (const c of await context.cookies()) if (!(c.name in jar)) jar[c.name] = c;
  return jar;
}

/**
 * Records the `init` of every `fetch` call the page makes, passing each call through unchanged
 * to the real fetch. Used to see `keepalive`/`credentials`, which the wire does not show.
 * Read with `fetchInits(page)`.
 */
export async function recordFetchInits(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __fetchInits: unknown[]; fetch: typeof fetch };
    const real = w.fetch;
    w.__fetchInits = [];
    w.fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      w.__fetchInits.push({
        url: String(input instanceof Request ? input.url : input),
        method: init?.method,
        keepalive: init?.keepalive,
        credentials: init?.credentials,
        mode: init?.mode,
        headers: init?.headers ? Object.fromEntries(new Headers(init.headers).entries()) : {},
      });
      return real.apply(this, [input, init] as [RequestInfo | URL, RequestInit | undefined]);
    } as typeof fetch;
  });
}

export interface FetchInit {
  url: string;
  method?: string;
  keepalive?: boolean;
  credentials?: string;
  mode?: string;
  headers: Record<string, string>;
}

export const fetchInits = (page: Page) =>
  page.evaluate(() => (window as unknown as { __fetchInits: FetchInit[] }).__fetchInits);
