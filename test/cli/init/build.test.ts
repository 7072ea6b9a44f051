// The projects `init` edited still type-check and build with their own tools: `tsc` with the
// fixture's tsconfig, a real `next build` (the suite's one Next.js build for init), `vite build`, and
// the React Router 7 and SvelteKit builds of the corpus apps (Astro and Nuxt, which this repository
// does not install, are built in e2e/frameworks/init-builds.spec.ts).
// Needs the package built first (`node build.mjs`; `npm test` does it), as an installed package is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planInit, SANDBOX_API } from '../../../src/cli/init.js';
import { copyFixture, remove, REPO } from './fixture.js';

const options = { programId: '1', api: SANDBOX_API };
const bin = (path: string) => join(REPO, 'node_modules', path);
const dirs: string[] = [];

beforeAll(() => {
  for (const entry of ['dist/server.js', 'dist/stripe.js', 'dist/react.js', 'dist/types/react/index.d.ts']) {
    if (!existsSync(join(REPO, entry))) throw new Error(`${entry} is missing: run \`node build.mjs\` first`);
  }
});
afterAll(() => {
  for (const dir of dirs) remove(dir);
});

/** A copy of the fixture with init's plan written to it. */
function initialised(name: string): string {
  const dir = copyFixture(name);
  dirs.push(dir);
  const plan = planInit(dir, options);
  expect(plan.changes.length).toBeGreaterThan(0);
  // What `init --yes` writes (plan.test.ts checks that it writes exactly this).
  for (const change of plan.changes) {
    mkdirSync(dirname(join(dir, change.file)), { recursive: true });
    writeFileSync(join(dir, change.file), change.contents);
  }
  return dir;
}

function exec(command: string, args: string[], cwd: string, timeoutMs: number): { seconds: number; output: string; status: number | null } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [command, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', CI: '1' },
  });
  return { seconds: (performance.now() - started) / 1000, output: `${result.stdout}\n${result.stderr}`, status: result.status };
}

/** Every .js file under `dir`, concatenated: what a build put there. */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

const typecheck = (dir: string) => exec(bin('typescript/bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], dir, 120_000);

describe('projects edited by init still build', () => {
  it('Next.js App Router: type-checks and `next build` succeeds — the provider around the nested {children}, a Checkout helper called from a server action', () => {
    const dir = initialised('next-app'); // next build type-checks the project itself
    // Built as CI builds it: .env is not committed, so no AFFITOR_API_KEY at build time (next build
    // evaluates the route modules; the server client must not be created at import).
    rmSync(join(dir, '.env'));
    const build = exec(bin('next/dist/bin/next'), ['build'], dir, 420_000);
    console.log(`init: next build of the edited next-app fixture took ${build.seconds.toFixed(1)} s`);
    expect(build.status, build.output).toBe(0);
    expect(build.output).toContain('/api/signup');
    // The provider put the tracker core into the browser bundle.
    const chunks = join(dir, '.next/static/chunks');
    const browserCode = readdirSync(chunks, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(chunks, f), 'utf8'))
      .join('\n');
    expect(browserCode).toContain('/api/v1/track/click');
  }, 440_000);

  it('Next.js Pages Router: type-checks with the new pages/_app.tsx and the edited API route', () => {
    const dir = initialised('next-pages');
    const tsc = typecheck(dir);
    expect(tsc.status, tsc.output).toBe(0);
  }, 130_000);

  it('React Router 7: `react-router build` of the edited app — the tag in the root route, the lead in the signup action, the key never in the browser bundle', () => {
    const dir = initialised('corpus/react-router');
    rmSync(join(dir, '.env')); // as CI builds it
    const build = exec(bin('@react-router/dev/bin.js'), ['build'], dir, 300_000);
    console.log(`init: react-router build of the edited react-router fixture took ${build.seconds.toFixed(1)} s`);
    expect(build.status, build.output).toBe(0);
    const server = readFileSync(join(dir, 'build/server/index.js'), 'utf8');
    expect(server).toContain('data-affitor-program-id');
    expect(server).toContain('trackLead(');
    expect(filesUnder(join(dir, 'build/client'))).not.toContain('AFFITOR_API_KEY');
  }, 320_000);

  it('SvelteKit: `vite build` (adapter-node) of the edited app — the tag in app.html, the lead in the form action through $env/dynamic/private', () => {
    const dir = initialised('corpus/sveltekit');
    rmSync(join(dir, '.env'));
    const build = exec(bin('vite/bin/vite.js'), ['build', '--logLevel', 'warn'], dir, 300_000);
    console.log(`init: vite build of the edited sveltekit fixture took ${build.seconds.toFixed(1)} s`);
    expect(build.status, build.output).toBe(0);
    const server = filesUnder(join(dir, 'build/server'));
    expect(server).toContain('data-affitor-program-id');
    expect(server).toContain('trackLead(');
    expect(filesUnder(join(dir, 'build/client'))).not.toContain('AFFITOR_API_KEY');
  }, 320_000);

  it('Vite + React: type-checks and `vite build` bundles the provider', () => {
    const dir = initialised('vite-react');
    const tsc = typecheck(dir);
    expect(tsc.status, tsc.output).toBe(0);
    const build = exec(bin('vite/bin/vite.js'), ['build', '--logLevel', 'warn'], dir, 120_000);
    console.log(`init: vite build of the edited vite-react fixture took ${build.seconds.toFixed(1)} s`);
    expect(build.status, build.output).toBe(0);
    const assets = readdirSync(join(dir, 'dist/assets')).filter((f) => f.endsWith('.js'));
    const bundle = assets.map((f) => readFileSync(join(dir, 'dist/assets', f), 'utf8')).join('\n');
    // The sandbox URL from .env was inlined (import.meta.env.VITE_AFFITOR_API_BASE) and the tracker core is in the bundle.
    expect(bundle).toContain(SANDBOX_API);
    expect(bundle).toContain('/api/v1/track/click');
  }, 260_000);
});
