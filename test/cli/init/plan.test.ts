// `init` on the fixture projects: the planned diff, what --yes writes, idempotence (a second run
// changes nothing), the refusals, and that every edited file still parses.
import { parse as babelParse } from '@babel/parser';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planInit, run, SANDBOX_API, type InitPlan } from '../../../src/cli/init.js';
import { recordSandbox } from '../../../src/sandbox/discovery.js';
import { startSandbox } from '../../../src/sandbox/server.js';
import { copyFixture, projectOf, remove, snapshotFiles } from './fixture.js';

const options = { programId: '1', api: SANDBOX_API };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) remove(dir);
});
const fixture = (name: string) => {
  const dir = copyFixture(name);
  dirs.push(dir);
  return dir;
};
const inline = (files: Record<string, string>) => {
  const dir = projectOf(files);
  dirs.push(dir);
  return dir;
};

/** Runs the command in-process, collecting what it prints. */
async function runInit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...parts) => void stdout.push(`${parts.join(' ')}\n`)),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true)),
    vi.spyOn(console, 'error').mockImplementation((...parts) => void stderr.push(`${parts.join(' ')}\n`)),
  ];
  try {
    // An explicit empty key: a sandbox someone runs on this machine's default port must not leak its key into the result.
    const code = await run([...args, '--key=']);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function expectParses(dir: string, plan: InitPlan): void {
  for (const change of plan.changes) {
    if (!/\.(m?[jt]sx?)$/.test(change.file)) continue;
    const source = readFileSync(join(dir, change.file), 'utf8');
    const plugins: Array<'typescript' | 'jsx'> = change.file.endsWith('.ts') ? ['typescript'] : ['typescript', 'jsx'];
    expect(() => babelParse(source, { sourceType: 'module', plugins }), change.file).not.toThrow();
  }
}

const allDiffs = (plan: InitPlan) => plan.changes.map((c) => c.diff).join('\n');

const stacks: Array<{ fixture: string; stack: string[]; changes: string[]; skipped: string[] }> = [
  {
    fixture: 'html-express',
    stack: ['html', 'express', 'stripe-checkout', 'stripe-webhook'],
    changes: ['.env', '.gitignore', 'public/index.html', 'public/pricing.html', 'public/thanks.html', 'server.js'],
    skipped: [],
  },
  {
    fixture: 'next-app',
    stack: ['next-app', 'stripe-checkout'],
    changes: ['.env', '.gitignore', 'app/api/checkout/route.ts', 'app/api/signup/route.ts', 'app/layout.tsx', 'lib/billing.ts'],
    skipped: ['.'], // no webhook: a step left, not a refusal
  },
  { fixture: 'next-pages', stack: ['next-pages'], changes: ['.env', '.gitignore', 'pages/_app.tsx', 'pages/api/register.ts'], skipped: ['.'] },
  { fixture: 'vite-react', stack: ['vite-react'], changes: ['.env', '.gitignore', 'src/main.tsx'], skipped: ['.'] },
  { fixture: 'fastify', stack: ['fastify'], changes: ['.env', '.gitignore', 'server.js'], skipped: ['.'] },
  { fixture: 'node-http', stack: ['node-http'], changes: ['.env', '.gitignore', 'server.mjs'], skipped: ['.'] },
];

describe.each(stacks)('init on the $fixture fixture', ({ fixture: name, stack, changes, skipped }) => {
  it('plans the expected diff, writes it with --yes, and changes nothing on a second run', async () => {
    const dir = fixture(name);
    const before = snapshotFiles(dir);
    const plan = planInit(dir, options);
    expect(plan.stack).toEqual(stack);
    expect(plan.changes.map((c) => c.file)).toEqual(changes);
    expect(plan.skipped.map((s) => s.file)).toEqual(skipped);
    await expect(allDiffs(plan)).toMatchFileSnapshot(`./__snapshots__/${name}.diff`);
    expect(snapshotFiles(dir), 'planning writes nothing').toEqual(before);

    expect(plan.skipped.every((s) => s.kind === 'todo'), 'only steps left, no refusal').toBe(true);
    const first = await runInit([dir, '--yes', '--json', '--no-install']);
    expect(first.code, 'steps left are not a failure').toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      stack,
      apps: ['.'],
      changes: plan.changes.map(({ file, action }) => ({ file, action })),
      skipped: plan.skipped,
      install: [{ cwd: '.', command: 'npm install affitor-tracker', ran: false }],
    });
    for (const change of plan.changes) expect(readFileSync(join(dir, change.file), 'utf8'), change.file).toBe(change.contents);
    expectParses(dir, plan);

    const written = snapshotFiles(dir);
    expect(planInit(dir, options).changes).toEqual([]);
    const second = await runInit([dir, '--yes', '--json', '--no-install']);
    expect(JSON.parse(second.stdout).changes).toEqual([]);
    expect(second.code).toBe(first.code);
    const strict = await runInit([dir, '--yes', '--json', '--no-install', '--strict']);
    expect(strict.code, '--strict: a step left (the install at least) fails').toBe(1);
    expect(snapshotFiles(dir), 'the second run writes nothing').toEqual(written);
  });
});

describe('init refuses what it cannot edit safely', () => {
  it('two root layouts, a signup handler without a user: refused (exit 1); Checkout options from a helper call are wrapped', async () => {
    const dir = fixture('ambiguous');
    const before = snapshotFiles(dir);
    const plan = planInit(dir, options);
    expect(plan.skipped).toEqual([
      { file: 'app/(admin)/layout.tsx, app/(shop)/layout.tsx', kind: 'refused', reason: expect.stringContaining('2 root layouts') },
      { file: 'app/api/signup/route.ts', kind: 'refused', reason: expect.stringContaining('cannot tell which value is the created user') },
      { file: '.', kind: 'todo', reason: expect.stringContaining('Stripe Checkout without a webhook') },
    ]);
    expect(plan.changes.find((c) => c.file === 'app/api/checkout/route.ts')!.diff).toContain(
      "+    checkoutParams(new URL(request.url).searchParams.get('plan')),\n+    { clickId: clickIdFromRequest(request), programId: 1 }\n+  ));",
    );
    const result = await runInit([dir, '--yes', '--no-install']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Not done (2)');
    expect(result.stdout).toContain('Left to do (1)');
    expect(result.stdout).toContain('Install  run `npm install affitor-tracker`');
    const after = snapshotFiles(dir);
    for (const file of ['app/(admin)/layout.tsx', 'app/(shop)/layout.tsx', 'app/api/signup/route.ts']) {
      expect(after[file], file).toBe(before[file]);
    }
  });

  it('two signup handlers: neither is edited', () => {
    const handler = (path: string) => `app.post('${path}', async (req, res) => {\n  const user = await createUser(req.body);\n  res.json(user);\n});\n`;
    const dir = inline({
      'package.json': '{"type":"module","dependencies":{"express":"5"}}',
      'a.js': `import express from 'express';\nconst app = express();\n${handler('/signup')}`,
      'b.js': `import express from 'express';\nconst app = express();\n${handler('/api/register')}`,
    });
    const plan = planInit(dir, options);
    expect(plan.changes.map((c) => c.file)).not.toContain('a.js');
    expect(plan.changes.map((c) => c.file)).not.toContain('b.js');
    expect(plan.skipped[0]).toEqual({ file: 'a.js, b.js', kind: 'refused', reason: expect.stringContaining('2 signup handlers (a.js:3, b.js:3)') });
  });

  it('a handler that is not async, a webhook whose arguments are computed', () => {
    const sync = inline({
      'package.json': '{"type":"module","dependencies":{"express":"5"}}',
      'server.js': "import express from 'express';\nconst app = express();\napp.post('/signup', (req, res) => {\n  const user = createUser(req.body);\n  res.json(user);\n});\napp.post('/hook', async (req, res) => {\n  const event = stripe.webhooks.constructEvent(await raw(req), req.headers['stripe-signature'], secret());\n  res.end();\n});\n",
    });
    const plan = planInit(sync, options);
    expect(plan.changes.map((c) => c.file)).not.toContain('server.js');
    expect(plan.skipped).toEqual([
      { file: 'server.js', kind: 'refused', reason: expect.stringContaining('not async') },
      { file: 'server.js', kind: 'refused', reason: expect.stringContaining('not plain names or property reads') },
    ]);
  });

  it('an HTML page without a written <head>, and pages that already load a tracker (a cache-busting query or fragment included)', () => {
    const dir = inline({
      'index.html': '<!doctype html>\n<title>x</title>\n<p>hello</p>\n',
      'landing.html': '<html><head><script src="https://api.affitor.com/js/affitor-tracker.js" data-affitor-program-id="9"></script></head><body></body></html>\n',
      'pricing.html': '<html><head><script src="/js/affitor-tracker.js?v=3" data-affitor-program-id="9"></script></head><body></body></html>\n',
      'about.html': '<html><head><script src="/js/affitor-tracker.plus.js#v3" data-affitor-program-id="9"></script></head><body></body></html>\n',
    });
    const plan = planInit(dir, options);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([
      { file: 'index.html', kind: 'refused', reason: expect.stringContaining('no </head>') },
      { file: '.', kind: 'todo', reason: expect.stringContaining('no server code found') },
    ]);
  });

  it('a file it cannot parse is named and left alone', () => {
    const dir = inline({ 'package.json': '{"type":"module","dependencies":{"express":"5"}}', 'broken.js': 'app.post("/signup", async (req, res) => {\n' });
    expect(planInit(dir, options).skipped[0]).toEqual({ file: 'broken.js', kind: 'refused', reason: expect.stringContaining('cannot parse it') });
  });
});

describe('init options and modes', () => {
  it('--program-id and --api reach the tag, the provider and .env; production gets no api-base attribute', () => {
    const html = fixture('html-express');
    const plan = planInit(html, { programId: '42', api: 'https://api.affitor.com' });
    const page = plan.changes.find((c) => c.file === 'public/index.html')!;
    expect(page.diff).toContain('+    <script src="https://api.affitor.com/js/affitor-tracker.js" data-affitor-program-id="42" defer></script>');
    const env = plan.changes.find((c) => c.file === '.env')!;
    expect(env.contents).toContain('AFFITOR_API_URL=https://api.affitor.com\n');
    expect(env.contents).toContain('AFFITOR_API_KEY=\n'); // unknown: left for the developer to fill in
    const slash = planInit(fixture('node-http'), { programId: '1', api: 'http://localhost:9000/' });
    expect(slash.changes.find((c) => c.file === '.env')!.contents).toContain('AFFITOR_API_URL=http://localhost:9000\n');
    const next = fixture('next-app');
    const layout = planInit(next, { programId: '42', api: 'http://localhost:9000' }).changes.find((c) => c.file === 'app/layout.tsx')!;
    expect(layout.diff).toContain('<AffitorProvider programId={42} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}>');
  });

  it('.env: keeps existing values, adds only missing keys; .gitignore already covering .env is left alone', () => {
    const dir = fixture('fastify');
    writeFileSync(join(dir, '.env'), 'AFFITOR_API_URL=http://localhost:1234\nDATABASE_URL=postgres://x\n');
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n.env*\n');
    const plan = planInit(dir, { ...options, apiKey: 'affitor_sandbox_test_key' });
    expect(plan.changes.map((c) => c.file)).toEqual(['.env', 'server.js']);
    expect(plan.changes[0].contents).toBe(
      'AFFITOR_API_URL=http://localhost:1234\nDATABASE_URL=postgres://x\n\n' +
        "# The sandbox's program key (printed by npx affitor-tracker sandbox); production sets its real key in its own environment\nAFFITOR_API_KEY=affitor_sandbox_test_key\n",
    );
  });

  it('.gitignore without .env gets it, and the output says so', async () => {
    const dir = fixture('node-http');
    writeFileSync(join(dir, '.gitignore'), 'node_modules');
    const plan = planInit(dir, options);
    expect(plan.changes.find((c) => c.file === '.gitignore')!.contents).toBe('node_modules\n# Secrets (the Affitor program key): never commit\n.env\n');
    const { stdout } = await runInit([dir, '--dry-run']);
    expect(stdout).toContain('.gitignore: add .env');
  });

  it('--dry-run writes nothing; without --yes and without a terminal nothing is written and it says how', async () => {
    const dir = fixture('html-express');
    const before = snapshotFiles(dir);
    const dry = await runInit([dir, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Install  run `npm install affitor-tracker`');
    expect(dry.stdout).toContain('+++ b/public/index.html');
    expect(dry.stdout).toContain('Dry run: nothing written');
    expect(snapshotFiles(dir)).toEqual(before);

    const unconfirmed = await runInit([dir]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toContain('Run again with --yes');
    expect(snapshotFiles(dir)).toEqual(before);
  });

  it('a static site gets no server key in .env (it has no code that could read it); a site built for a server does', () => {
    const envOf = (plan: InitPlan) => plan.changes.find((c) => c.file === '.env')?.contents ?? '';
    const astro = fixture('corpus/astro');
    const statics = planInit(astro, options);
    expect(statics.changes.map((c) => c.file)).toEqual(['src/layouts/Base.astro']);
    expect(statics.skipped).toEqual([{ file: '.', kind: 'todo', reason: expect.stringContaining('no server code found: after the account is created, call window.affitor.signup') }]);
    writeFileSync(join(astro, 'astro.config.mjs'), "import node from '@astrojs/node';\nexport default { output: 'server', adapter: node({ mode: 'standalone' }) };\n");
    expect(envOf(planInit(astro, options))).toContain('AFFITOR_API_KEY=');
    expect(envOf(planInit(fixture('corpus/nuxt'), options))).toBe('');
    expect(envOf(planInit(fixture('corpus/sveltekit'), options))).toContain('AFFITOR_API_KEY='); // +page.server.ts
  });

  it('the closing advice names a sandbox that is already running instead of telling to start one', async () => {
    const state = mkdtempSync(join(tmpdir(), 'affitor-init-state-'));
    vi.stubEnv('XDG_STATE_HOME', state);
    const sandbox = await startSandbox({ port: 0, db: ':memory:' });
    try {
      const none = await runInit([fixture('node-http'), '--yes', '--no-install', '--api', 'http://localhost:1']);
      expect(none.stdout).toContain('Next: npx affitor-tracker sandbox, then npx affitor-tracker verify.');
      const url = `http://localhost:${sandbox.port}`;
      recordSandbox(url);
      const dir = fixture('node-http');
      const running = await runInit([dir, '--yes', '--no-install']);
      expect(running.stdout).toContain(`Next: npx affitor-tracker verify (the sandbox is running at ${url}; its live console: ${url}/console).`);
      expect(running.stdout).not.toContain('npx affitor-tracker sandbox,');
      expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`AFFITOR_API_URL=${url}\n`);
      const production = await runInit([fixture('node-http'), '--yes', '--no-install', '--api', 'https://api.affitor.com']);
      expect(production.stdout).toContain('Next: npx affitor-tracker verify.');
    } finally {
      await sandbox.close();
      vi.unstubAllEnvs();
      remove(state);
    }
  });

  it('bad arguments and a missing directory exit 2 with the reason', async () => {
    expect((await runInit(['--program-id', 'abc'])).code).toBe(2);
    expect((await runInit(['--api', 'ftp://x'])).stderr).toContain('--api must be an http:// or https:// URL');
    expect((await runInit(['a', 'b'])).code).toBe(2);
    const missing = await runInit(['/nonexistent/project', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({ ok: false, error: { code: 'usage', message: '/nonexistent/project is not a directory' } });
    expect((await runInit(['--help'])).stdout).toContain('Exit codes:');
  });
});
