// Checks the package as npm would publish it. Builds nothing: run `node build.mjs` first.
//   1. publint --strict          package.json fields point at files that exist and are the right format
//   2. attw (esm-only profile)   each entry's types resolve under node16 (ESM) and bundler resolution
//   3. npm pack --dry-run        every packed file is on the allow-list, nothing on the deny-list ships,
//                                and every file users need is there
//   4. engines                  every package installed with ours admits each Node our `engines` admits,
//                                so npm warns no supported Node (EBADENGINE)
// Exits non-zero listing every problem found.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import semver from 'semver';

const problems = [];

function run(label, cmd, args) {
  console.log(`\n--- ${label}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  if (result.status !== 0) problems.push(`${label} failed (exit ${result.status})`);
  return result;
}

// `--no`: use the installed devDependency, never download a tool at check time.
run('publint', 'npx', ['--no', '--', 'publint', '--strict']);
run('attw', 'npx', [
  '--no',
  '--',
  'attw',
  '--pack',
  '.',
  // The package is ESM-only (type: module, import-only exports), so CommonJS `require` and the
  // pre-exports node10 resolution are out of scope by design.
  '--profile',
  'esm-only',
  // A classic <script> (an IIFE with no exports), exported only so bundlers and CDNs can address
  // the file (`new URL(...)`, `?url` imports). There is nothing to type.
  '--exclude-entrypoints',
  './affitor-tracker.js',
  './affitor-tracker.core.js',
  './affitor-tracker.single.js',
  './affitor-tracker.consent.js',
  './affitor-tracker.plus.js',
  './affitor-tracker.debug.js',
]);

// What users need, and nothing else. A new kind of file must be added here on purpose.
const allowed = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^bin\/affitor-tracker\.mjs$/,
  /^dist\/affitor-tracker(\.core|\.single|\.consent|\.plus|\.debug)?\.js(\.map|\.sri)?$/,
  /^dist\/(index|server|stripe|paddle|lemonsqueezy|polar|react)\.js(\.map)?$/,
  /^dist\/(clerk|supabase)\.js(\.map)?$/,
  /^dist\/(better-auth|next-auth)\.js(\.map)?$/,
  /^dist\/types\/[\w/-]+\.d\.ts$/,
  /^dist\/sandbox\/cli\.js(\.map)?$/,
  /^dist\/cli\/[\w-]+\.js(\.map)?$/,
  /^dist\/testing\/(index|msw|playwright|shared-[\w-]+)\.js(\.map)?$/,
  /^dist\/sandbox\/public\/[\w./-]+\.(html|css|js|mjs|svg|ico|png|json|map)$/,
];
// Belt and braces over the allow-list: never ship tests, team notes, local data or secrets, even
// under an allowed directory such as dist/sandbox/public/.
const denied = [
  /(^|\/)(test|tests|__tests__|e2e|fixtures?|\.team|recipes|bench|src)\//,
  /(^|\/)\.env/,
  /\.(db|db-wal|db-shm|sqlite3?|pem|key|p12|tgz)$/,
  /(^|\/)\.npmrc$/,
  /(^|\/)id_(rsa|ed25519)/,
  /\.(test|spec)\.[cm]?[jt]s$/,
];
const required = [
  'package.json',
  'README.md',
  'LICENSE',
  'bin/affitor-tracker.mjs',
  'dist/affitor-tracker.js',
  'dist/affitor-tracker.core.js',
  'dist/affitor-tracker.single.js',
  'dist/affitor-tracker.consent.js',
  'dist/affitor-tracker.plus.js',
  'dist/affitor-tracker.debug.js',
  'dist/index.js',
  'dist/server.js',
  'dist/stripe.js',
  'dist/paddle.js',
  'dist/lemonsqueezy.js',
  'dist/polar.js',
  'dist/types/index.d.ts',
  'dist/types/server/index.d.ts',
  'dist/types/stripe/index.d.ts',
  'dist/types/paddle/index.d.ts',
  'dist/types/lemonsqueezy/index.d.ts',
  'dist/types/polar/index.d.ts',
  'dist/react.js',
  'dist/types/react/index.d.ts',
  'dist/clerk.js',
  'dist/types/clerk/index.d.ts',
  'dist/supabase.js',
  'dist/types/supabase/index.d.ts',
  'dist/better-auth.js',
  'dist/types/better-auth/index.d.ts',
  'dist/next-auth.js',
  'dist/types/next-auth/index.d.ts',
  'dist/sandbox/cli.js',
  'dist/cli/sandbox.js',
  'dist/cli/init.js',
  'dist/cli/verify.js',
  'dist/cli/doctor.js',
  'dist/cli/mcp.js',
  'dist/testing/index.js',
  'dist/testing/msw.js',
  'dist/testing/playwright.js',
  'dist/types/testing/index.d.ts',
  'dist/types/testing/msw.d.ts',
  'dist/types/testing/playwright.d.ts',
];

console.log('\n--- npm pack --dry-run --json');
const pack = spawnSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8' });
if (pack.status !== 0) {
  problems.push(`npm pack --dry-run failed (exit ${pack.status}): ${pack.stderr}`);
} else {
  const [tarball] = JSON.parse(pack.stdout);
  const paths = tarball.files.map((file) => file.path);
  for (const path of paths) {
    if (!allowed.some((pattern) => pattern.test(path))) problems.push(`packed file not on the allow-list: ${path}`);
    if (denied.some((pattern) => pattern.test(path))) problems.push(`packed file on the deny-list: ${path}`);
  }
  for (const path of required) if (!paths.includes(path)) problems.push(`required file missing from the package: ${path}`);

  const bin = paths.includes('bin/affitor-tracker.mjs') ? readFileSync('bin/affitor-tracker.mjs', 'utf8') : '';
  if (bin && !bin.startsWith('#!/usr/bin/env node')) problems.push('bin/affitor-tracker.mjs must start with `#!/usr/bin/env node`');

  for (const file of tarball.files) console.log(`${String(file.size).padStart(8)} B  ${file.path}`);
  console.log(`${tarball.entryCount} files, packed ${tarball.size} B, unpacked ${tarball.unpackedSize} B`);
}

console.log('\n--- engines (package-lock.json, runtime packages)');
const ourNode = JSON.parse(readFileSync('package.json', 'utf8')).engines.node;
for (const [path, entry] of Object.entries(JSON.parse(readFileSync('package-lock.json', 'utf8')).packages)) {
  const theirNode = entry.engines?.node;
  if (!path || entry.dev || entry.devOptional || !theirNode) continue;
  if (!semver.subset(ourNode, theirNode)) problems.push(`${path.replace(/^.*node_modules\//, '')} needs Node ${theirNode}, outside ours (${ourNode}): npm would warn on a supported Node`);
}

if (problems.length) {
  console.error(`\nPackage check FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('\nPackage check passed.');
