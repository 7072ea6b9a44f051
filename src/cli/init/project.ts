// What init reads of a project: package.json, its source and HTML files (never node_modules or
// build output), each source file parsed once and shared by every codemod.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule, type ParsedModule } from './ast.js';

/** Directories that are dependencies, build output or tool state, never the project's own code. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.next', 'dist', 'build', 'out', 'coverage', '.vercel', '.turbo', '.cache', '.output']);
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.jsx', '.mjs'];
/** A project larger than this is walked no further (init is for apps, not monorepos' roots). */
const MAX_FILES = 5000;

interface PackageJson {
  type?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

export class Project {
  readonly packageJson: PackageJson;
  /** Project-relative, `/`-separated paths. */
  readonly files: string[];
  private readonly parsed = new Map<string, ParsedModule | Error>();

  constructor(readonly dir: string) {
    const pkg = this.read('package.json');
    this.packageJson = pkg === null ? {} : (JSON.parse(pkg) as PackageJson);
    this.files = listFiles(dir);
  }

  has(file: string): boolean {
    return existsSync(join(this.dir, file));
  }

  read(file: string): string | null {
    const path = join(this.dir, file);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  }

  dependsOn(name: string): boolean {
    return !!(this.packageJson.dependencies?.[name] ?? this.packageJson.devDependencies?.[name]);
  }

  get sourceFiles(): string[] {
    return this.files.filter((f) => SOURCE_EXTENSIONS.some((ext) => f.endsWith(ext)) && !f.endsWith('.d.ts'));
  }

  get htmlFiles(): string[] {
    return this.files.filter((f) => f.endsWith('.html'));
  }

  /** The module's syntax tree, or the parse error (init leaves a file it cannot parse alone). */
  module(file: string): ParsedModule | Error {
    let entry = this.parsed.get(file);
    if (!entry) {
      const source = this.read(file) ?? '';
      try {
        entry = parseModule(file, source);
      } catch (error) {
        entry = error instanceof Error ? error : new Error(String(error));
      }
      this.parsed.set(file, entry);
    }
    return entry;
  }

  /** Every source module that parsed. */
  modules(): ParsedModule[] {
    return this.sourceFiles.map((f) => this.module(f)).filter((m): m is ParsedModule => !(m instanceof Error));
  }

  /** Source files that did not parse, with why. */
  parseFailures(): Array<{ file: string; error: Error }> {
    return this.sourceFiles.flatMap((file) => {
      const entry = this.module(file);
      return entry instanceof Error ? [{ file, error: entry }] : [];
    });
  }
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      if (files.length >= MAX_FILES) return;
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(path);
      } else if (entry.isFile()) {
        files.push(path);
      }
    }
  };
  walk('');
  return files.sort();
}
