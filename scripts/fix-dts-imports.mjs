// Makes the emitted declaration files resolvable under Node's ESM rules (TypeScript's `node16` /
// `nodenext`), where a relative import needs its file extension. The sources are written for
// `moduleResolution: bundler` (`import … from './client'`) and tsc copies those specifiers into
// the .d.ts files unchanged, so a user compiling with node16 would get `any` for every type that
// crosses a file. Each extensionless relative specifier becomes `./client.js` or `./dir/index.js`,
// whichever .d.ts exists; one that matches neither is an error, not a guess.
//
//   node scripts/fix-dts-imports.mjs [dir]      (default dist/types; run after tsc emits)
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `from '…'`, `import '…'` and `import('…')` with a relative specifier, either quote.
const RELATIVE_SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\2/g;

function declarationFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return declarationFiles(path);
    return path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Rewrites the .d.ts files under `dir` in place; returns the number of specifiers changed. */
export function fixDtsImports(dir) {
  const unresolved = [];
  let changed = 0;
  for (const file of declarationFiles(dir)) {
    const source = readFileSync(file, 'utf8');
    const fixed = source.replace(RELATIVE_SPECIFIER, (whole, lead, quote, specifier) => {
      if (/\.(js|mjs|cjs|json)$/.test(specifier)) return whole;
      const target = resolve(dirname(file), specifier);
      let withExtension;
      if (existsSync(`${target}.d.ts`)) withExtension = `${specifier}.js`;
      else if (existsSync(join(target, 'index.d.ts'))) withExtension = `${specifier.replace(/\/$/, '')}/index.js`;
      else {
        unresolved.push(`${file}: ${specifier}`);
        return whole;
      }
      changed++;
      return `${lead}${quote}${withExtension}${quote}`;
    });
    if (fixed !== source) writeFileSync(file, fixed);
  }
  if (unresolved.length) throw new Error(`Declaration imports with no matching .d.ts:\n  ${unresolved.join('\n  ')}`);
  return changed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist/types';
  console.log(`${dir}: ${fixDtsImports(dir)} relative declaration imports given their .js extension`);
}
