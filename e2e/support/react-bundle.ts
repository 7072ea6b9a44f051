// Bundles a small React app the way a user's bundler would see the package: `affitor-tracker` and
// `affitor-tracker/react` resolve to the BUILT files the package exports (dist/index.js,
// dist/react.js), and react/react-dom come from node_modules, in development mode so that
// StrictMode really mounts twice.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const BUILT = { 'affitor-tracker': 'dist/index.js', 'affitor-tracker/react': 'dist/react.js' } as const;

const builtPackage: esbuild.Plugin = {
  name: 'built-affitor-tracker',
  setup(build) {
    build.onResolve({ filter: /^affitor-tracker(\/react)?$/ }, ({ path }) => ({ path: resolve(BUILT[path as keyof typeof BUILT]) }));
  },
};

export async function bundleReactApp(source: string): Promise<string> {
  for (const file of Object.values(BUILT)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test builds it).`);
  }
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'tsx' },
    bundle: true,
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [builtPackage],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
