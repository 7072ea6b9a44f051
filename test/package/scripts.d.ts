// Types for the plain .mjs build scripts the tests import (the repo's tsconfig does not check JS).
declare module '*/scripts/fix-dts-imports.mjs' {
  /** Rewrites the .d.ts files under `dir` in place; returns the number of specifiers changed. */
  export function fixDtsImports(dir: string): number;
}
