// Fails when any import cycle exists among the files of src/ (`npm test` runs this). Every .ts file
// is an entry point of one esbuild pass whose metafile lists each file's imports as the bundler
// resolves them; type-only imports are erased by then, so only imports that run count.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

const { metafile } = await esbuild.build({
  entryPoints: sourceFiles('src'),
  bundle: true,
  write: false,
  outdir: 'out',
  format: 'esm',
  platform: 'node',
  packages: 'external',
  metafile: true,
  logLevel: 'error',
});

const graph = new Map(
  Object.entries(metafile.inputs)
    .filter(([file]) => file.startsWith('src/'))
    .map(([file, input]) => [file, input.imports.map((i) => i.path).filter((path) => path.startsWith('src/'))]),
);

/** Depth-first search; a back edge to a file on the current path is a cycle. */
const cycles = [];
const state = new Map(); // file → 'open' while on the path, 'done' after
const path = [];
function visit(file) {
  state.set(file, 'open');
  path.push(file);
  for (const next of graph.get(file) || []) {
    if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  path.pop();
  state.set(file, 'done');
}
for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);

if (cycles.length) {
  console.error(`Import cycles among src/ files (${cycles.length}); break each, e.g. by passing a callback in:`);
  for (const cycle of cycles) console.error('  ' + cycle.join(' → '));
  process.exit(1);
}
console.log(`No import cycles among ${graph.size} src/ files.`);
