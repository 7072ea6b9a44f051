// The plan: detect the stack, run every codemod on the parsed files, and turn what changed into
// per-file diffs. Reads the project, writes nothing.
import { createTwoFilesPatch } from 'diff';
import { isCommonJs, memberChain, n, printModule, visit, type ParsedModule } from './ast.js';
import { envKeys, withEnvEntries, withEnvIgnored, type EnvEntry } from './env.js';
import { addScriptTag } from './html.js';
import { Project } from './project.js';
import {
  addProviderToPagesApp,
  addProviderToRootLayout,
  addProviderToRootRender,
  findRootRenders,
  pagesAppSource,
} from './react-provider.js';
import { addSignupLead, findSignupHandlers } from './signup-lead.js';
import { addCheckoutMetadata, addWebhookHandler, isCheckoutCreate, isConstructEvent, usesStripeCall } from './stripe.js';
import type { EditOutcome, InitOptions, InitPlan, PlannedChange, SkippedEdit, StackName } from './types.js';

const LAYOUT_FILES = ['layout.tsx', 'layout.jsx', 'layout.js', 'layout.ts'];
const APP_FILES = ['_app.tsx', '_app.jsx', '_app.js', '_app.ts'];

class PlanBuilder {
  readonly stack: StackName[] = [];
  readonly skipped: SkippedEdit[] = [];
  readonly notes: string[] = [];
  /** Whole-file results that are not syntax trees (HTML, .env, .gitignore, new files). */
  readonly texts = new Map<string, { contents: string; action: 'create' | 'edit' }>();
  readonly summaries = new Map<string, string[]>();

  record(file: string, outcome: EditOutcome): void {
    if (outcome.kind === 'refused') this.skipped.push({ file, reason: outcome.reason });
    if (outcome.kind === 'edited') this.summaries.set(file, [...(this.summaries.get(file) ?? []), outcome.summary]);
  }
}

export function planInit(dir: string, given: InitOptions): InitPlan {
  // Callers other than the command (the MCP server) may pass a URL with a path or a trailing slash.
  const options: InitOptions = { ...given, api: new URL(given.api).origin };
  const project = new Project(dir);
  const plan = new PlanBuilder();
  const isSandbox = isLocal(options.api);

  for (const { file, error } of project.parseFailures()) {
    plan.skipped.push({ file, reason: `cannot parse it (${error.message.split('\n')[0]}); init leaves it unchanged` });
  }
  const modules = project.modules();

  const frontend = planFrontend(project, modules, plan, options);
  const server = planServer(project, modules, plan, options);

  // .env: what the edited code reads. Never committed: .gitignore must cover it.
  const entries: EnvEntry[] = [];
  if (server) {
    entries.push({ key: 'AFFITOR_API_URL', value: options.api, comment: isSandbox ? 'Affitor API: the local sandbox in development (npx affitor-tracker sandbox)' : 'Affitor API' });
    entries.push({
      key: 'AFFITOR_API_KEY',
      value: options.apiKey ?? '',
      comment: isSandbox
        ? "The sandbox's program key (printed by npx affitor-tracker sandbox); production sets its real key in its own environment"
        : 'Your program key (Affitor dashboard); server-side only',
    });
  }
  if (frontend === 'next') entries.push({ key: 'NEXT_PUBLIC_AFFITOR_API_BASE', value: options.api, comment: 'Where the browser tracker sends clicks and leads (unset in production: Affitor)' });
  if (frontend === 'vite') entries.push({ key: 'VITE_AFFITOR_API_BASE', value: options.api, comment: 'Where the browser tracker sends clicks and leads (unset in production: Affitor)' });
  if (entries.length > 0) {
    const existing = project.read('.env');
    const env = withEnvEntries(existing, entries);
    if (env !== null) {
      plan.texts.set('.env', { contents: env, action: existing === null ? 'create' : 'edit' });
      const have = envKeys(existing ?? '');
      plan.summaries.set('.env', [`.env: ${entries.filter((e) => !have.has(e.key)).map((e) => e.key).join(', ')}`]);
    }
    const gitignore = project.read('.gitignore');
    const ignored = withEnvIgnored(gitignore);
    if (ignored !== null) {
      plan.texts.set('.gitignore', { contents: ignored, action: gitignore === null ? 'create' : 'edit' });
      plan.summaries.set('.gitignore', ['.gitignore: add .env (it holds the program key; it must never be committed)']);
    }
  }
  if (server === 'node' && !loadsEnvFile(project)) {
    plan.notes.push('Node does not read .env by itself: start the server with `node --env-file=.env <server file>` (Node ≥ 20.6) or load it with dotenv.');
  }

  return { stack: plan.stack, changes: collectChanges(project, modules, plan), skipped: plan.skipped, notes: plan.notes };
}

const isLocal = (api: string): boolean => {
  try {
    const host = new URL(api).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  } catch {
    return false;
  }
};

function loadsEnvFile(project: Project): boolean {
  return project.dependsOn('dotenv') || Object.values(project.packageJson.scripts ?? {}).some((s) => s.includes('--env-file'));
}

/** The browser side: the provider for React apps, else the script tag in HTML pages. */
function planFrontend(project: Project, modules: ParsedModule[], plan: PlanBuilder, options: InitOptions): 'next' | 'vite' | 'html' | null {
  if (project.dependsOn('next')) {
    const appDir = ['app', 'src/app'].find((d) => project.files.some((f) => f.startsWith(`${d}/`)));
    const pagesDir = ['pages', 'src/pages'].find((d) => project.files.some((f) => f.startsWith(`${d}/`)));
    if (appDir) {
      plan.stack.push('next-app');
      planRootLayout(project, plan, appDir, options);
    }
    if (pagesDir) plan.stack.push('next-pages');
    if (pagesDir && !appDir) planPagesApp(project, plan, pagesDir, options);
    if (!appDir && !pagesDir) plan.skipped.push({ file: '.', reason: 'Next.js without an app/ or pages/ directory; add <AffitorProvider> by hand' });
    return 'next';
  }
  if (project.dependsOn('vite') && project.dependsOn('react')) {
    plan.stack.push('vite-react');
    const renders = modules.flatMap((m) => findRootRenders(m).map((path) => ({ module: m, path })));
    if (renders.length === 1) {
      plan.record(renders[0].module.file, addProviderToRootRender(renders[0].module, renders[0].path, options.programId));
    } else {
      plan.skipped.push({
        file: renders.length === 0 ? '.' : renders.map((r) => r.module.file).join(', '),
        reason: renders.length === 0
          ? 'no root render (`createRoot(…).render(<App />)`) found; add <AffitorProvider> around the app by hand'
          : `${renders.length} root renders; init will not guess which one is the app — add <AffitorProvider> by hand`,
      });
    }
    return 'vite';
  }
  const pages = project.htmlFiles;
  if (pages.length === 0) return null;
  plan.stack.push('html');
  for (const file of pages) {
    const source = project.read(file) ?? '';
    const { outcome, contents } = addScriptTag(file, source, options.programId, options.api);
    plan.record(file, outcome);
    if (outcome.kind === 'edited') plan.texts.set(file, { contents, action: 'edit' });
  }
  return 'html';
}

function planRootLayout(project: Project, plan: PlanBuilder, appDir: string, options: InitOptions): void {
  let layouts = LAYOUT_FILES.map((f) => `${appDir}/${f}`).filter((f) => project.has(f));
  if (layouts.length === 0) {
    // Without app/layout, every route group has its own root layout (app/(shop)/layout.tsx, …).
    layouts = project.files.filter((f) => {
      const rest = f.slice(appDir.length + 1).split('/');
      return f.startsWith(`${appDir}/`) && rest.length === 2 && rest[0].startsWith('(') && LAYOUT_FILES.includes(rest[1]);
    });
  }
  if (layouts.length !== 1) {
    plan.skipped.push({
      file: layouts.length === 0 ? appDir : layouts.join(', '),
      reason: layouts.length === 0
        ? 'no root layout found; add <AffitorProvider> to your root layout by hand'
        : `${layouts.length} root layouts; init will not pick one — add <AffitorProvider> to each root layout (or a component they share) by hand`,
    });
    return;
  }
  const module = project.module(layouts[0]);
  if (module instanceof Error) return; // already listed as unparsable
  plan.record(module.file, addProviderToRootLayout(module, options.programId));
}

function planPagesApp(project: Project, plan: PlanBuilder, pagesDir: string, options: InitOptions): void {
  const apps = APP_FILES.map((f) => `${pagesDir}/${f}`).filter((f) => project.has(f));
  if (apps.length > 1) {
    plan.skipped.push({ file: apps.join(', '), reason: `${apps.length} custom App files; add <AffitorProvider> by hand` });
    return;
  }
  if (apps.length === 0) {
    const typescript = project.has('tsconfig.json');
    const file = `${pagesDir}/_app.${typescript ? 'tsx' : 'jsx'}`;
    plan.texts.set(file, { contents: pagesAppSource(options.programId, typescript), action: 'create' });
    plan.summaries.set(file, [`${file}: new custom App with <AffitorProvider> around every page`]);
    return;
  }
  const module = project.module(apps[0]);
  if (module instanceof Error) return;
  plan.record(module.file, addProviderToPagesApp(module, options.programId));
}

/** The server side: the lead after signup and the Stripe sale. Returns which kind of server it found. */
function planServer(project: Project, modules: ParsedModule[], plan: PlanBuilder, options: InitOptions): 'next' | 'node' | null {
  const next = project.dependsOn('next');
  if (project.dependsOn('express')) plan.stack.push('express');
  if (project.dependsOn('fastify')) plan.stack.push('fastify');
  if (modules.some(createsHttpServer)) plan.stack.push('node-http');
  const server = next ? 'next' : plan.stack.some((s) => s === 'express' || s === 'fastify' || s === 'node-http') ? 'node' : null;

  const handlers = modules.flatMap(findSignupHandlers);
  if (handlers.length === 1) {
    plan.record(handlers[0].module.file, addSignupLead(handlers[0]));
  } else if (handlers.length > 1) {
    plan.skipped.push({
      file: [...new Set(handlers.map((h) => h.module.file))].join(', '),
      reason: `${handlers.length} signup handlers (${handlers.map((h) => h.where).join(', ')}); init will not guess which one creates accounts — add the lead to it by hand`,
    });
  } else if (server) {
    plan.skipped.push({ file: '.', reason: 'no signup handler found (a POST route whose path ends in signup or register); call trackLead from affitor-tracker/server after the account is created (README "Express: a signup handler that forwards the click id")' });
  } else {
    plan.skipped.push({ file: '.', reason: 'no server code found: after the account is created, call window.affitor.signup(user.id, user.email) (or useAffitor().signup) in the browser' });
  }

  const checkout = modules.filter((m) => usesStripeCall(m, isCheckoutCreate));
  const webhooks = modules.filter((m) => usesStripeCall(m, isConstructEvent));
  if (checkout.length > 0) plan.stack.push('stripe-checkout');
  if (webhooks.length > 0) plan.stack.push('stripe-webhook');
  for (const module of checkout) for (const outcome of addCheckoutMetadata(module, options.programId)) plan.record(module.file, outcome);
  for (const module of webhooks) for (const outcome of addWebhookHandler(module, options.programId)) plan.record(module.file, outcome);
  if (webhooks.length > 0) {
    plan.notes.push('Stripe webhook: handleStripeWebhook records the sale itself (a self-hosted webhook). If your Stripe account is connected to Affitor (Stripe Connect), remove that call: Affitor records those sales already, and both would count every sale twice.');
  }
  if (checkout.length === 0 && webhooks.length === 0 && server) {
    plan.skipped.push({ file: '.', reason: 'no Stripe Checkout or webhook code found: after a payment succeeds, call trackSale from affitor-tracker/server with your payment id as invoiceId (README "The Sale API after payment")' });
  }
  return server;
}

function createsHttpServer(module: ParsedModule): boolean {
  const program = module.ast.program;
  const importsHttp = program.body.some(
    (s) => n.ImportDeclaration.check(s) && (s.source.value === 'node:http' || s.source.value === 'http' || s.source.value === 'node:https' || s.source.value === 'https'),
  );
  if (!importsHttp && !isCommonJs(program)) return false;
  let creates = false;
  visit(program, {
    visitCallExpression(path) {
      const chain = memberChain(path.node.callee);
      if (chain && chain[chain.length - 1] === 'createServer') creates = true;
      this.traverse(path);
    },
  });
  return creates;
}

function collectChanges(project: Project, modules: ParsedModule[], plan: PlanBuilder): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const module of modules) {
    if (!module.changed) continue;
    const contents = printModule(module);
    if (contents === module.source) continue;
    changes.push(change(module.file, 'edit', module.source, contents, plan.summaries.get(module.file) ?? []));
  }
  for (const [file, { contents, action }] of plan.texts) {
    changes.push(change(file, action, project.read(file) ?? '', contents, plan.summaries.get(file) ?? []));
  }
  return changes.sort((a, b) => a.file.localeCompare(b.file));
}

function change(file: string, action: 'create' | 'edit', before: string, after: string, summary: string[]): PlannedChange {
  const diff = createTwoFilesPatch(action === 'create' ? '/dev/null' : `a/${file}`, `b/${file}`, before, after, '', '', { context: 3 });
  return { file, action, diff: diff.replace(/^=+\n/, ''), contents: after, summary };
}

