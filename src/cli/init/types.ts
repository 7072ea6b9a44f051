// Shapes shared by the stack detectors, the codemods and the `init` command.

/** What `init` found in the project; one project may have several (an HTML site and an Express server). */
export type StackName =
  | 'next-app'
  | 'next-pages'
  | 'vite-react'
  | 'html'
  | 'express'
  | 'fastify'
  | 'node-http'
  | 'stripe-checkout'
  | 'stripe-webhook';

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
  reason: string;
}

export interface InitPlan {
  stack: StackName[];
  changes: PlannedChange[];
  skipped: SkippedEdit[];
  /** Things to know that are neither a change nor a refusal (how to load .env, Stripe Connect). */
  notes: string[];
}

/** A codemod's verdict on one file: it changed the tree, found its edit already there, or refused. */
export type EditOutcome = { kind: 'edited'; summary: string } | { kind: 'present' } | { kind: 'refused'; reason: string };

export const edited = (summary: string): EditOutcome => ({ kind: 'edited', summary });
export const present: EditOutcome = { kind: 'present' };
export const refused = (reason: string): EditOutcome => ({ kind: 'refused', reason });
