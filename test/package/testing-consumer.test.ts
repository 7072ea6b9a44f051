// affitor-tracker/testing as an integrator uses it: a project elsewhere on disk with the packed
// tarball unpacked into its node_modules (what `npm install <tarball>` puts there) and msw, vitest,
// @playwright/test, typescript from this repo's node_modules, whose tests ARE the examples of
// docs/testing.md (extracted from it here, so the docs and what is proven cannot drift apart):
// type-checked against the published declarations, run with Vitest, then with Playwright in Chromium with
// Playwright's own automation signals (navigator.webdriver, HeadlessChrome), against a small app.
// Assumes dist/ is built (`npm test` builds first).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackedPackage } from '../../e2e/support/packed';

const execFileAsync = promisify(execFile);
/** Runs a command in the project; on failure the error carries its output (the runner's report). */
async function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string }> {
  try {
    return await execFileAsync(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${[file, ...args].join(' ')} failed:\n${stdout}\n${stderr}`);
  }
}
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chromium =
  process.env.CHROMIUM_PATH ||
  (existsSync(join(repo, 'node_modules/.cache/chromium-path')) ? readFileSync(join(repo, 'node_modules/.cache/chromium-path'), 'utf8').trim() : '/usr/bin/chromium');

/** The test libraries the project takes from this repo (as its own devDependencies would be). */
const LINKED = ['msw', 'vitest', '@playwright/test', 'playwright', 'playwright-core', 'typescript', '@types/node'];
/** On a Node without a usable node:sqlite the guide asks for better-sqlite3 as well (npm test installed it here). */
const LINKED_WHERE_INSTALLED = ['better-sqlite3'];

/** Every `<!-- file: path -->` code block of the guide, by path. */
function docExamples(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [, path, code] of markdown.matchAll(/<!-- file: (\S+) -->\n```\w+\n([\s\S]*?)\n```/g)) files.set(path, code + '\n');
  return files;
}

/** The app the Playwright example drives: a page with the tag, sign-up in the browser, the sale from the server. */
const SERVER = `import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Affitor, clickIdFromRequest } from 'affitor-tracker/server';

// The tag's file and the core it loads from beside itself (a landing's answer, the sign-up).
const scripts = Object.fromEntries(['affitor-tracker.js', 'affitor-tracker.core.js'].map((name) => ['/' + name, readFileSync(fileURLToPath(import.meta.resolve('affitor-tracker/' + name)))]));
const affitor = new Affitor({ apiKey: process.env.AFFITOR_API_KEY, apiUrl: process.env.AFFITOR_API_URL });
const page = \`<!doctype html><html><head><title>Shop</title>
<script src="/affitor-tracker.js" data-affitor-program-id="1"></script></head><body>
<label>Email <input id="email" type="email"></label>
<button id="signup">Sign up</button> <button id="buy">Buy</button> <p id="status"></p>
<script>
let userId;
document.getElementById('signup').onclick = async () => {
  const email = document.getElementById('email').value;
  userId = (await (await fetch('/signup', { method: 'POST', body: JSON.stringify({ email }) })).json()).userId;
  window.affitor.signup(userId, email);
};
document.getElementById('buy').onclick = async () => {
  await fetch('/buy', { method: 'POST', body: JSON.stringify({ userId }) });
  document.getElementById('status').textContent = 'Thank you';
};
</script></body></html>\`;
let invoices = 0;
const body = async (req) => { let text = ''; for await (const chunk of req) text += chunk; return JSON.parse(text); };
createServer(async (req, res) => {
  if (scripts[req.url]) return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(scripts[req.url]);
  if (req.url === '/signup') {
    const { email } = await body(req);
    return res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ userId: 'user_' + email.split('@')[0] }));
  }
  if (req.url === '/buy') {
    const { userId } = await body(req);
    const sale = await affitor.trackSale({ customerExternalId: userId, clickId: clickIdFromRequest(req), invoiceId: 'in_' + ++invoices, amount: 4900, currency: 'USD' });
    return res.writeHead(sale.success ? 200 : 502).end();
  }
  res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
}).listen(Number(process.env.PORT), 'localhost');
`;

let work: string;
let app: string;
let examples: Map<string, string>;

beforeAll(() => {
  for (const built of ['dist/testing/index.js', 'dist/testing/msw.js', 'dist/testing/playwright.js', 'dist/types/testing/index.d.ts']) {
    if (!existsSync(join(repo, built))) throw new Error(`${built} is missing: run \`node build.mjs\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'affitor-testing-consumer-'));
  app = join(work, 'app');
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  mkdirSync(join(app, 'node_modules/@playwright'), { recursive: true });
  installPackedPackage(app);
  for (const name of LINKED) symlinkSync(join(repo, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  for (const name of LINKED_WHERE_INSTALLED) {
    if (existsSync(join(repo, 'node_modules', name))) symlinkSync(join(repo, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'DOM', 'ESNext.Disposable'],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
      },
      include: ['src', 'test', 'e2e', 'playwright.config.ts'],
    }),
  );
  examples = docExamples(readFileSync(join(repo, 'docs/testing.md'), 'utf8'));
  for (const [path, code] of examples) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), code);
  }
  writeFileSync(join(app, 'server.mjs'), SERVER);
  // The guide's config as it stands, plus this machine's Chromium and a test budget for a shared CI
  // machine; Playwright's automation signals stay.
  writeFileSync(
    join(app, 'playwright.local.config.ts'),
    `import config from './playwright.config.ts';\nexport default { ...config, timeout: 120_000, use: { ...config.use, launchOptions: { executablePath: ${JSON.stringify(chromium)}, args: ['--no-sandbox'] } } };\n`,
  );
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("docs/testing.md's examples, in a project that installed the packed package", () => {
  it('the guide has the examples this test runs', () => {
    expect([...examples.keys()].sort()).toEqual(['e2e/journey.spec.ts', 'playwright.config.ts', 'src/affiliate.ts', 'test/journey.test.ts', 'test/signup.test.ts']);
  });

  it('type-check against the published declarations', async () => {
    await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app });
  }, 120_000);

  it('the Vitest examples pass (MSW handlers, startTestSandbox)', async () => {
    const { stdout } = await run(process.execPath, [join(app, 'node_modules/vitest/vitest.mjs'), 'run', 'test/'], { cwd: app, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
    expect(stdout).toMatch(/Tests\s+3 passed \(3\)/);
  }, 120_000);

  it('the Playwright examples pass in Chromium: landing → sign-up → purchase as one journey', async () => {
    const { stdout } = await run(
      process.execPath,
      [join(app, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'playwright.local.config.ts', '--reporter=line'],
      { cwd: app, env: { ...process.env, CI: '1', NO_COLOR: '1' } },
    );
    expect(stdout).toMatch(/2 passed/);
  }, 180_000);
});
