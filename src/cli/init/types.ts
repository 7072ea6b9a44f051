// Shapes shared by the stack detectors, the codemods and the `init` command.

/** What `init` found in the project; one project may have several (an HTML site and an Express server). */
export type StackName =
  | 'next-app'
  | 'next-pages'
  | 'vite-react'
  | 'remix'
  | 'tanstack-start'
  | 'sveltekit'
  | 'astro'
  | 'nuxt'
  | 'templates'
  | 'html'
  | 'express'
  | 'fastify'
  | 'node-http'
  | 'stripe-checkout'
  | 'stripe-webhook'
  | 'next-auth'
  | 'better-auth'
  | 'clerk'
  | 'supabase';

export interface InitOptions {
  /** The program id written into the tag / provider. */
  programId: string;
  /** The Affitor API origin the project talks to (the sandbox in development). */
  api: string;
  /** The program key written to .env; left empty for the developer to fill in when unknown. */
  apiKey?: string;
}

export interface PlannedChange {
  /** Path relative to the project directory, `/`-separated. */
  file: string;
  action: 'create' | 'edit';
  /** Unified diff of this file (old → new). */
  diff: string;
  /** The file's full new contents (what `--yes` writes). */
  contents: string;
  /** What the edit does, one line per edit, for people. */
  summary: string[];
}

export interface SkippedEdit {
  /** The file the edit would have touched, or `.` for the project as a whole. */
  file: string;
  /**
   * `refused`: init found the code to edit and left it alone (ambiguous or unsafe; the reason names
   * the edit to make by hand). `todo`: a step with nothing to edit yet (no payment code written).
   */
  kind: 'refused' | 'todo';
  reason: string;
}

/** `affitor-tracker` in the project's dependencies, added with the project's own package manager. */
export interface InstallStep {
  /** The package.json that gets the dependency, relative to the directory init ran in. */
  packageJson: string;
  /** Where to run the command, relative to the directory init ran in (`.` for itself). */
  cwd: string;
  /** The command, e.g. `['pnpm', 'add', 'affitor-tracker']`. */
  command: string[];
}

export interface InitPlan {
  stack: StackName[];
  /** The apps init planned for, relative to its directory (`.`, or each app of a repository of several). */
  apps: string[];
  changes: PlannedChange[];
  skipped: SkippedEdit[];
  /** One per app whose package.json lacks `affitor-tracker`. */
  installs: InstallStep[];
  /** Things to know that are neither a change nor a refusal (how to load .env, Stripe Connect). */
  notes: string[];
}

/** A codemod's verdict on one file: it changed the tree, found its edit already there, or refused. */
export type EditOutcome =
  | { kind: 'edited'; summary: string }
  | { kind: 'present' }
  | { kind: 'refused'; reason: string }
  | { kind: 'todo'; reason: string };

export const edited = (summary: string): EditOutcome => ({ kind: 'edited', summary });
export const present: EditOutcome = { kind: 'present' };
export const refused = (reason: string): EditOutcome => ({ kind: 'refused', reason });
export const todo = (reason: string): EditOutcome => ({ kind: 'todo', reason });
