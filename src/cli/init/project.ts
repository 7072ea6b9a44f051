// What init reads of a project: package.json, its source and HTML files (never node_modules or
// build output), each source file parsed once and shared by every codemod.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseModule, type ParsedModule } from './ast.js';

/** Directories that are dependencies, build output or tool state, never the project's own code. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.next', 'dist', 'build', 'out', 'coverage', '.vercel', '.turbo', '.cache', '.output']);
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.jsx', '.mjs'];
/** A project larger than this is walked no further (init is for apps, not monorepos' roots). */
const MAX_FILES = 5000;

interface PackageJson {
  name?: string;
  type?: string;
  workspaces?: unknown;
  packageManager?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

export class Project {
  readonly packageJson: PackageJson;
  /** Project-relative, `/`-separated paths. */
  readonly files: string[];
  private readonly parsed = new Map<string, ParsedModule | Error>();
  /** Files stored as UTF-16 (a byte-order mark): read, never written (init writes UTF-8). */
  readonly utf16 = new Set<string>();

  constructor(
    readonly dir: string,
    { listFiles: list = true, skip = [] }: { listFiles?: boolean; skip?: string[] } = {},
  ) {
    const pkg = this.read('package.json');
    this.packageJson = pkg === null ? {} : (JSON.parse(pkg) as PackageJson);
    // `skip`: other apps nested inside this one (each is planned as its own project).
    this.files = list ? listFiles(dir).filter((f) => !skip.some((app) => f.startsWith(`${app}/`))) : [];
  }

  has(file: string): boolean {
    return existsSync(join(this.dir, file));
  }

  read(file: string): string | null {
    const path = join(this.dir, file);
    if (!existsSync(path)) return null;
    const bytes = readFileSync(path);
    // Generated files (Supabase's `gen types` output redirected by PowerShell) can be UTF-16 LE.
    if (bytes[0] === 0xff && bytes[1] === 0xfe) {
      this.utf16.add(file);
      return bytes.toString('utf16le').slice(1);
    }
    return bytes.toString('utf8');
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

  /** Files whose name ends in one of `extensions` (`.pug`, `.astro`, …). */
  filesEndingIn(...extensions: string[]): string[] {
    return this.files.filter((f) => extensions.some((ext) => f.endsWith(ext)));
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

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

const LOCKFILES: Array<[string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/**
 * The package manager of the project at `dir`: its lockfile, in `dir` or the nearest directory above
 * (an app of a workspace shares the repository's lockfile), else package.json's `packageManager`; npm
 * when nothing says.
 */
export function packageManagerOf(dir: string): PackageManager {
  for (let at = dir; ; at = dirname(at)) {
    for (const [file, manager] of LOCKFILES) if (existsSync(join(at, file))) return manager;
    const pkg = join(at, 'package.json');
    if (existsSync(pkg)) {
      const declared = /^(npm|pnpm|yarn|bun)@/.exec((JSON.parse(readFileSync(pkg, 'utf8')) as PackageJson).packageManager ?? '');
      if (declared) return declared[1] as PackageManager;
    }
    if (dirname(at) === at) return 'npm';
  }
}

/** The command that adds `name` to the dependencies of the package in the current directory. */
export function addCommand(manager: PackageManager, name: string): string[] {
  return manager === 'npm' ? ['npm', 'install', name] : [manager, 'add', name];
}

/** Dependencies that make a package an app init can wire (a web framework or a server). */
const APP_DEPENDENCIES = [
  'next', 'express', 'fastify', 'vite', '@remix-run/react', '@remix-run/node', 'react-router', '@react-router/dev',
  '@sveltejs/kit', 'astro', 'nuxt', 'koa', 'hono',
];

/**
 * The apps under `dir`, relative to it: `.` for a single app, or each package of a repository of
 * several (workspaces, or a root that is no app itself) that depends on a web framework or server.
 */
export function findApps(dir: string): string[] {
  const root = new Project(dir, { listFiles: false });
  const isApp = (pkg: PackageJson) => APP_DEPENDENCIES.some((name) => pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
  const isWorkspaceRoot = root.packageJson.workspaces !== undefined || existsSync(join(dir, 'pnpm-workspace.yaml'));
  if (!isWorkspaceRoot && (isApp(root.packageJson) || !existsSync(join(dir, 'package.json')) && !hasNestedPackages(dir))) return ['.'];
  const apps = listFiles(dir, 4)
    .filter((f) => f.endsWith('/package.json'))
    .map((f) => f.slice(0, -'/package.json'.length))
    .filter((app) => {
      try {
        return isApp(JSON.parse(readFileSync(join(dir, app, 'package.json'), 'utf8')) as PackageJson);
      } catch {
        return false;
      }
    });
  if (isApp(root.packageJson)) apps.unshift('.');
  return apps.length > 0 ? apps : ['.'];
}

/** What makes a workspace package that is no app worth searching: the code that creates accounts or takes payments often lives there. */
const SHARED_DEPENDENCIES = ['better-auth', 'next-auth', '@auth/core', 'stripe', '@supabase/supabase-js', '@supabase/ssr'];

/** What makes a package a React Native / Expo app: no page, no cookies, so no browser tracker. */
const NATIVE_DEPENDENCIES = ['expo', 'react-native'];

export const isNativeApp = (dir: string): boolean => {
  const pkg = new Project(dir, { listFiles: false }).packageJson;
  return NATIVE_DEPENDENCIES.some((name) => pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
};

/** The React Native / Expo apps of a repository of several apps (init names them and leaves them alone). */
export function findNativeApps(dir: string): string[] {
  if (!hasNestedPackages(dir)) return [];
  return listFiles(dir, 4)
    .filter((f) => f.endsWith('/package.json'))
    .map((f) => f.slice(0, -'/package.json'.length))
    .filter((pkg) => {
      try {
        return isNativeApp(join(dir, pkg));
      } catch {
        return false;
      }
    });
}

/**
 * The shared packages of a repository of several apps (`packages/auth`, `packages/api`, …): workspace
 * packages that are no app themselves but depend on an auth library, Stripe or Supabase. Their auth
 * config, routers and Checkout code are wired where they are, with affitor-tracker added to their own
 * package.json.
 */
export function findSharedPackages(dir: string, apps: string[]): string[] {
  if (apps.length === 1 && apps[0] === '.') return [];
  return listFiles(dir, 4)
    .filter((f) => f.endsWith('/package.json'))
    .map((f) => f.slice(0, -'/package.json'.length))
    .filter((pkg) => !apps.includes(pkg))
    .filter((pkg) => {
      try {
        if (isNativeApp(join(dir, pkg))) return false;
        const json = JSON.parse(readFileSync(join(dir, pkg, 'package.json'), 'utf8')) as PackageJson;
        return SHARED_DEPENDENCIES.some((name) => json.dependencies?.[name] ?? json.devDependencies?.[name]);
      } catch {
        return false;
      }
    });
}

const hasNestedPackages = (dir: string) => listFiles(dir, 4).some((f) => f.endsWith('/package.json'));

function listFiles(root: string, maxDepth = Infinity): string[] {
  const files: string[] = [];
  const walk = (relative: string, depth: number) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      if (files.length >= MAX_FILES) return;
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && depth < maxDepth) walk(path, depth + 1);
      } else if (entry.isFile()) {
        files.push(path);
      }
    }
  };
  walk('', 1);
  return files.sort();
}
