// `init` on the corpus's Astro and Nuxt apps, then their own production builds and servers: the page
// they serve carries the tag init wrote. This repository does not install Astro or Nuxt, so each is
// installed once (npm, the version the fixture's package.json pins) into a cache outside the
// repository — AFFITOR_E2E_CACHE, else ~/.cache/affitor-tracker-e2e — and the app is built there
// (Nuxt resolves its runtime from the app's own node_modules). React Router 7 and SvelteKit, which
// the repository installs, are built in test/cli/init/build.test.ts.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test, expect } from '@playwright/test';
import { planInit } from '../../src/cli/init';
import { buildApp, freePort, startApp } from './app-server';

const CACHE = process.env.AFFITOR_E2E_CACHE || join(homedir(), '.cache', 'affitor-tracker-e2e');
const TAG = 'src="http://localhost:8787/js/affitor-tracker.js" data-affitor-program-id="1" data-affitor-api-base="http://localhost:8787" defer';

/** The fixture's files in a cache directory that holds its dependencies (installed on first use); the app's own files replaced on every run. */
function prepared(fixture: string, framework: string): string {
  const source = resolve('test/fixtures/init/corpus', fixture);
  const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const dir = join(CACHE, `${framework}@${pkg.dependencies[framework]}`);
  mkdirSync(dir, { recursive: true });
  for (const stale of ['src', 'app.vue', 'nuxt.config.ts', '.env', '.gitignore', 'dist', '.output', '.nuxt', '.astro']) rmSync(join(dir, stale), { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  if (!existsSync(join(dir, 'node_modules', framework, 'package.json'))) {
    const started = Date.now();
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`npm install in ${dir} failed:\n${install.stdout}\n${install.stderr}`);
    console.log(`npm install ${framework}@${pkg.dependencies[framework]} (once, into ${dir}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  // What `init --yes --no-install` writes (the tag needs no package).
  const plan = planInit(dir, { programId: '1', api: 'http://localhost:8787' });
  expect(plan.skipped.filter((s) => s.kind === 'refused')).toEqual([]);
  expect(plan.installs).toEqual([]);
  for (const change of plan.changes) {
    mkdirSync(dirname(join(dir, change.file)), { recursive: true });
    writeFileSync(join(dir, change.file), change.contents);
  }
  return dir;
}

test.describe.configure({ mode: 'serial' });

test('Astro: init, `astro build`; every built page carries the tag, once, as written (is:inline: not bundled)', () => {
  test.setTimeout(900_000);
  const dir = prepared('astro', 'astro');
  buildApp('astro build (init-ed Astro corpus app)', dir, join(dir, 'node_modules/astro/astro.js'), ['build'], { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' });
  const page = readFileSync(join(dir, 'dist/index.html'), 'utf8');
  expect(page.split('affitor-tracker.js').length - 1).toBe(1);
  expect(page).toMatch(new RegExp(`<script ${TAG}></script>[^]*</head>`));
});

test('Nuxt: init, `nuxt build`; the built server answers pages that load the tag from app.head', async () => {
  test.setTimeout(1_200_000);
  const dir = prepared('nuxt', 'nuxt');
  buildApp('nuxt build (init-ed Nuxt corpus app)', dir, join(dir, 'node_modules/nuxt/bin/nuxt.mjs'), ['build'], { ...process.env, NUXT_TELEMETRY_DISABLED: '1' });
  const app = await startApp(dir, '.output/server/index.mjs', [], { ...process.env, NODE_ENV: 'production' }, await freePort());
  try {
    const page = await (await fetch(`http://127.0.0.1:${app.port}/`)).text();
    expect(page).toContain('<h1>Todos</h1>');
    expect(page).toMatch(/<script [^>]*src="http:\/\/localhost:8787\/js\/affitor-tracker\.js"[^>]*data-affitor-program-id="1"[^>]*>/);
  } finally {
    app.close();
  }
});
