// The server client holds the program's API key, so it refuses to run in a real browser (protocol
// §12.3); under a DOM shim in Node (jsdom, happy-dom unit tests) it constructs, which
// test/stand-ins covers. Here `affitor-tracker/server` bundled into a browser app, in Chromium.
import * as esbuild from 'esbuild';
import { resolve } from 'node:path';
import { test, expect } from '../support/fixtures';

test('affitor-tracker/server bundled into a browser app refuses to construct; dangerouslyAllowBrowser lets it', async ({ page, shop }) => {
  const bundle = await esbuild.build({
    stdin: {
      contents: `import { Affitor } from 'affitor-tracker/server';
        const attempt = (make) => { try { make(); return 'constructed'; } catch (e) { return e.message; } };
        window.outcomes = [
          attempt(() => new Affitor({ apiKey: 'affitor_secret' })),
          attempt(() => new Affitor('affitor_secret')),
          attempt(() => new Affitor({ apiKey: 'affitor_secret', dangerouslyAllowBrowser: true })),
        ];`,
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    alias: { 'affitor-tracker/server': resolve(process.cwd(), 'dist/server.js') },
    logLevel: 'silent',
  });
  shop.serve('/server-app.js', { body: bundle.outputFiles[0].text, contentType: 'text/javascript' });
  await page.goto(shop.page('/server-app', { tag: false, body: '<script src="/server-app.js"></script>' }));
  const outcomes = (await page.evaluate(() => (window as unknown as { outcomes: string[] }).outcomes)) as string[];
  expect(outcomes[0]).toMatch(/refusing to run in a browser.*must stay on your server/s);
  expect(outcomes[1]).toMatch(/refusing to run in a browser/);
  expect(outcomes[2]).toBe('constructed');
});
