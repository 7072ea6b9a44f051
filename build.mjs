// One source, several targets (see ARCHITECTURE.md):
//   dist/affitor-tracker.js  the <script> tag, the every-page file: ES2017 IIFE minified by esbuild
//                            then terser, + source map (back to src/) + SRI hash of the final bytes;
//                            .core.js, which it loads on demand (integrity-pinned); .single.js (both
//                            in one file); variants .consent.js and .plus.js; .debug.js (debug extras)
//   dist/index.js            browser ESM library (same core as the script)
//   dist/server.js           server client       dist/stripe.js   Stripe helpers
//   dist/paddle.js, dist/lemonsqueezy.js, dist/polar.js   Paddle, Lemon Squeezy and Polar helpers
//   dist/clerk.js            Clerk: sign-up metadata (browser) and the user.created webhook (server)
//   dist/supabase.js         Supabase Auth in the browser: the lead of a new account, once
//   dist/better-auth.js      the better-auth plugin (a new user's lead)
//   dist/next-auth.js        Auth.js / NextAuth events.createUser (a new user's lead)
//   dist/sandbox/            the local sandbox (Node)
//   dist/cli/                the commands bin/affitor-tracker.mjs runs (sandbox, init, …)
//   dist/testing/            affitor-tracker/testing, /testing/msw, /testing/playwright (Node)
//   dist/types/              .d.ts for the library entries
import * as esbuild from 'esbuild';
import { minify } from 'terser';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';

// A build starts from an empty dist/, so no file of an earlier layout survives into the package.
// (The e2e pages server waits for a tracker file that a concurrent rebuild has just removed.)
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');

// The scripts: every byte of the main one ships to every visitor. Variants add what only some
// sites need, so the main script does not pay for it: `.consent` (consent mode), `.plus`
// (consent mode, other domains, clean URL, Stripe links); `.debug` holds the debug-mode extras
// the others fetch on demand.
const scriptCommon = {
  bundle: true,
  format: 'iife',
  target: 'es2017',
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  write: false,
};
// A second minification pass (build time only): terser's compressor, run to a fixed point, finds
// what esbuild's one pass leaves (inlining single-use functions, merging statements; its saving is
// in docs/figures.md). Its two unsafe options are sound for this code, which never calls its own
// functions with `new`, nor compares anything but numbers: `unsafe_arrows` (a function expression
// that does not use `this` or `arguments` becomes an arrow), `unsafe_comps` (`a < 0` → `0 > a`).
// Measured and left off: `unsafe` (String(x) → x + "", which throws for a Symbol), and
// `booleans_as_integers` (true → 1 would reach the wire and `getData()`).
const terserOptions = {
  ecma: 2017,
  compress: { passes: 3, unsafe_arrows: true, unsafe_comps: true },
  format: {
    // V8's explicit compile hint, first line: compile every function eagerly while the script
    // streams in, off the main thread, instead of pre-parsing them there and compiling each again
    // on its first call: less main-thread CPU on every visit for a few bytes (docs/figures.md).
    preamble: '//# allFunctionsCalledOnLoad',
  },
};
// The every-page file (src/loader/) loads the core from beside itself and pins it by the integrity
// hash written into it here (`define`), so the core is built first. `.single` is both in one file.
const SCRIPTS = [
  ['affitor-tracker.core.js', 'src/script-core.ts'],
  ['affitor-tracker.js', 'src/script.ts'],
  ['affitor-tracker.single.js', 'src/script-single.ts'],
  ['affitor-tracker.consent.js', 'src/script-consent.ts'],
  ['affitor-tracker.plus.js', 'src/script-plus.ts'],
  ['affitor-tracker.debug.js', 'src/debug-extras.ts'],
];
const sriOf = (file) => {
  const sri = 'sha384-' + createHash('sha384').update(readFileSync(file)).digest('base64');
  writeFileSync(file + '.sri', sri + '\n');
  return sri;
};
let coreSri = '';
for (const [file, entry] of SCRIPTS) {
  const { outputFiles } = await esbuild.build({
    ...scriptCommon,
    entryPoints: [entry],
    outfile: `dist/${file}`,
    define: { AFFITOR_CORE_SRI: JSON.stringify(coreSri) },
  });
  const output = (suffix) => outputFiles.find((f) => f.path.endsWith(suffix)).text;
  // The map chains: terser maps its output onto esbuild's, whose map points into src/.
  const { code, map } = await minify(output('.js'), {
    ...terserOptions,
    sourceMap: { content: output('.js.map'), filename: file, url: `${file}.map`, includeSources: true },
  });
  writeFileSync(`dist/${file}`, code);
  writeFileSync(`dist/${file}.map`, map);
  const sri = sriOf(`dist/${file}`);
  if (file == 'affitor-tracker.core.js') coreSri = sri;
}
const script = readFileSync('dist/affitor-tracker.js');
const sri = readFileSync('dist/affitor-tracker.js.sri', 'utf8').trim();

// Library entries: readable ESM, dependencies stay external.
const libraryCommon = { bundle: true, format: 'esm', target: 'es2020', sourcemap: true, packages: 'external' };
await esbuild.build({ ...libraryCommon, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', platform: 'browser' });
// affitor-tracker/supabase: a listener on the app's Supabase client; it reaches the page's tracker
// through window.affitorQueue, so it holds no core either.
await esbuild.build({ ...libraryCommon, entryPoints: { supabase: 'src/supabase/index.ts' }, outdir: 'dist', platform: 'browser' });
// affitor-tracker/react: the provider and hook only. Its import of the browser entry stays an
// import of dist/index.js (the file `affitor-tracker` resolves to), so bundlers see one module and
// an app holds one core; `react` is the app's. "use client": Next.js may render it from a server layout.
const browserEntryStaysExternal = {
  name: 'browser-entry-stays-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './index.js', external: true }));
  },
};
await esbuild.build({
  ...libraryCommon,
  entryPoints: { react: 'src/react/index.ts' },
  outdir: 'dist',
  platform: 'browser',
  banner: { js: '"use client";' },
  plugins: [browserEntryStaysExternal],
});
await esbuild.build({
  ...libraryCommon,
  entryPoints: { server: 'src/server/index.ts', stripe: 'src/stripe/index.ts', paddle: 'src/paddle/index.ts', lemonsqueezy: 'src/lemonsqueezy/index.ts', polar: 'src/polar/index.ts', clerk: 'src/clerk/index.ts', 'better-auth': 'src/better-auth/index.ts', 'next-auth': 'src/next-auth/index.ts' },
  outdir: 'dist',
  platform: 'neutral',
});

// The sandbox: Node only; its SQLite driver (node:sqlite, else better-sqlite3) is loaded at run time,
// so library users never need one.
const nodeCommon = { bundle: true, format: 'esm', platform: 'node', target: 'node18', packages: 'external', sourcemap: true };
await esbuild.build({ ...nodeCommon, entryPoints: ['src/sandbox/cli.ts'], outfile: 'dist/sandbox/cli.js' });
// The command line: one self-contained module per command (bin/affitor-tracker.mjs loads
// dist/cli/<command>.js). A command that uses another build (the sandbox, another command such as
// init) imports that file rather than bundling a second copy, which also keeps the other's
// dependencies unloaded until used: imports of src/sandbox/cli.ts become `../sandbox/cli.js` and
// imports of src/cli/<command>.ts become `./<command>.js`, which is where those builds sit relative
// to dist/cli/<command>.js (hence no code splitting: chunks would sit elsewhere).
const cliCommands = ['sandbox', 'init', 'verify', 'doctor', 'mcp'];
const builtElsewhere = new Map([
  [resolvePath('src/sandbox/cli.ts'), '../sandbox/cli.js'],
  ...cliCommands.map((command) => [resolvePath(`src/cli/${command}.ts`), `./${command}.js`]),
]);
const otherBuildsAreExternal = {
  name: 'other-builds-external',
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const built = builtElsewhere.get(resolvePath(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      return built ? { path: built, external: true } : undefined;
    });
  },
};
// recast (init's code printer) is bundled in, with what only it uses: its package declares Node ≥ 22
// only because its own CI dropped older lines, so as a dependency it made npm warn every Node 20
// install (EBADENGINE), while this package supports Node 20 and tests init on it. The other
// dependencies (package.json's) stay external, so no package is shipped twice.
const runtimeDependencies = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies);
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const onlyRecastIsBundled = {
  name: 'only-recast-is-bundled',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageName(args.path);
      const bundled = name === 'recast' || (args.importer.includes('/node_modules/') && !runtimeDependencies.includes(name));
      return bundled ? undefined : { path: args.path, external: true };
    });
  },
};
await esbuild.build({
  entryPoints: cliCommands.map((command) => `src/cli/${command}.ts`),
  outdir: 'dist/cli',
  ...nodeCommon,
  packages: undefined,
  plugins: [otherBuildsAreExternal, onlyRecastIsBundled],
  // recast is CommonJS: its require() calls need a require in this ES module.
  banner: { js: "import { createRequire as createRequireForBundledCommonJs } from 'node:module';\nconst require = createRequireForBundledCommonJs(import.meta.url);" },
});
// affitor-tracker/testing, /testing/msw, /testing/playwright: Node entries for the integrator's own
// tests, each importing only its own test library (msw, @playwright/test: optional peers), the
// sandbox they share in one chunk beside them.
await esbuild.build({
  ...nodeCommon,
  entryPoints: { index: 'src/testing/index.ts', msw: 'src/testing/msw.ts', playwright: 'src/testing/playwright.ts' },
  outdir: 'dist/testing',
  splitting: true,
  chunkNames: 'shared-[hash]',
});
if (existsSync('src/sandbox/public')) cpSync('src/sandbox/public', 'dist/sandbox/public', { recursive: true });

// `--no-types`: `npm start` runs from dist/ and needs no declarations (nor the TypeScript install).
if (!process.argv.includes('--no-types')) {
  for (const project of ['tsconfig.types.json', 'tsconfig.types-node.json']) {
    const tsc = spawnSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
    if (tsc.status !== 0) process.exit(tsc.status || 1);
  }
}

console.log(`dist/affitor-tracker.js ${script.length} B raw; SRI ${sri}`);
