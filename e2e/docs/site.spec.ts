// The docs site as a reader meets it: the built site (npm run docs:build, a stage of npm test before
// this one) served over real HTTP, opened in Chromium, navigated by its sidebar.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const SITE = resolve('docs/.vitepress/dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.txt': 'text/plain', '.md': 'text/markdown', '.woff2': 'font/woff2', '.svg': 'image/svg+xml' };

let server: http.Server;
let origin: string;
/** The same server by address, for requests made from the test process (no browser host mapping there). */
let address: string;

test.beforeAll(async () => {
  expect(existsSync(join(SITE, 'index.html')), 'the docs site is built first: npm run docs:build').toBe(true);
  // Serves the site as a static host with clean URLs does: /cli → cli.html.
  server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://docs.test').pathname);
    const candidates = [join(SITE, path), join(SITE, path + '.html'), join(SITE, path, 'index.html')];
    const file = candidates.find((candidate) => candidate.startsWith(SITE) && existsSync(candidate) && statSync(candidate).isFile());
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  origin = `http://docs.test:${port}`;
  address = `http://127.0.0.1:${port}`;
});

test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('the home page carries the five-minute path, and the sidebar leads to each guide', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => response.status() >= 400 && errors.push(`${response.status()} ${response.url()}`));

  await page.goto(origin + '/');
  await expect(page.locator('main h1')).toHaveText(/Getting started/);
  await expect(page.locator('main h2', { hasText: 'Go live in five minutes' })).toBeVisible();

  await page.locator('.VPSidebar a', { hasText: 'Stripe' }).click();
  await expect(page).toHaveURL(/\/stripe$/);
  await expect(page.locator('main h1')).toContainText('Stripe');

  await page.locator('.VPSidebar a', { hasText: 'Protocol' }).click();
  await expect(page.locator('main h1')).toContainText('protocol');
  expect(errors).toEqual([]);
});

test('a link to another page\'s section lands on that section', async ({ page }) => {
  await page.goto(origin + '/browser-esm');
  const link = page.locator('main a[href*="protocol#"]').first();
  const anchor = decodeURIComponent((await link.getAttribute('href'))!.split('#')[1]);
  await link.click();
  await expect(page.locator(`[id="${anchor}"]`)).toBeInViewport();
});

test('llms.txt lists every guide, and each listed Markdown file is served', async ({ request }) => {
  const llms = await (await request.get(address + '/llms.txt')).text();
  expect(llms).toMatch(/^# affitor-tracker\n\n> /);
  const links = [...llms.matchAll(/\]\((\/[\w-]+\.md)\)/g)].map((match) => match[1]);
  expect(links).toEqual(expect.arrayContaining(['/index.md', '/script-tag.md', '/server.md', '/stripe.md', '/protocol.md']));
  for (const link of links) {
    const answer = await request.get(address + link);
    expect(answer.status(), link).toBe(200);
    expect(await answer.text(), link).toMatch(/^#|^<!--|^\S/);
  }
  const full = await (await request.get(address + '/llms-full.txt')).text();
  expect(full).toContain('## Go live in five minutes');
  expect(full).not.toContain('<!--@include');
});
