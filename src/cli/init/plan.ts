// The plan: detect the stack, run every codemod on the parsed files, and turn what changed into
// per-file diffs. Reads the project, writes nothing.
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { applySplices, isCommonJs, memberChain, n, printModule, visit, type ParsedModule } from './ast.js';
import { envKeys, withEnvEntries, withEnvIgnored, type EnvEntry } from './env.js';
import { addScriptTag, scriptTag } from './html.js';
import { addNuxtHeadScript } from './nuxt.js';
import { addTagBeforeHeadEnd, addTagToPugHead, type TagFlavour } from './templates.js';
import { addCommand, findApps, findNativeApps, findSharedPackages, isNativeApp, packageManagerOf, Project } from './project.js';
import {
  addProviderToPagesApp,
  addProviderToRootLayout,
  addProviderToRootRender,
  findRootRenders,
  pagesAppSource,
} from './react-provider.js';
import { addBetterAuthPlugin, addClerkSignUpMetadata, addNextAuthEvent, addSupabaseSignupTracking, callsFunction, clerkWebhookRoute, LAZY_CLIENT, SUPABASE_BROWSER_STEP, supabaseClientCalls } from './auth.js';
import { addSignupLead, findSignupHandlers, passportAccountCreations } from './signup-lead.js';
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
  /** Environment entries the app's edits read, beyond the Affitor key and URL (a webhook secret). */
  readonly extraEnv: EnvEntry[] = [];

  record(file: string, outcome: EditOutcome): void {
    if (outcome.kind === 'refused' || outcome.kind === 'todo') this.skipped.push({ file, kind: outcome.kind, reason: outcome.reason });
    if (outcome.kind === 'edited') this.summaries.set(file, [...(this.summaries.get(file) ?? []), outcome.summary]);
  }

  refuse(file: string, reason: string): void {
    this.skipped.push({ file, kind: 'refused', reason });
  }

  todo(file: string, reason: string): void {
    this.skipped.push({ file, kind: 'todo', reason });
  }

  text(file: string, contents: string, action: 'create' | 'edit', summary: string): void {
    this.texts.set(file, { contents, action });
    this.summaries.set(file, [...(this.summaries.get(file) ?? []), summary]);
  }
}

/** The plan for the project in `dir`: one app, or each app of a repository of several. Reads, writes nothing. */
export function planInit(dir: string, given: InitOptions): InitPlan {
  // Callers other than the command (the MCP server) may pass a URL with a path or a trailing slash.
  const options: InitOptions = { ...given, api: new URL(given.api).origin };
  const native = isNativeApp(dir) ? ['.'] : findNativeApps(dir);
  const apps = native.includes('.') ? [] : findApps(dir).filter((app) => !native.includes(app));
  const shared = findSharedPackages(dir, apps);
  const plan: InitPlan = { stack: [], apps, changes: [], skipped: [], installs: [], notes: [] };
  for (const app of native) plan.notes.push(`${app === '.' ? 'This' : app} is a React Native / Expo app: the script tag, the provider and trackSupabaseSignups need a browser (a page and its cookies), so init leaves it alone; record its sign-ups and sales on your server (affitor-tracker/server).`);
  // Shared packages first: an app whose auth config lives in one is not told it has none.
  const sharedAuth = new Set<StackName>();
  const sharedStripe = new Map<string, SharedStripe>(); // by the shared package's name
  for (const app of [...shared, ...apps]) {
    const isShared = shared.includes(app);
    const inside = (other: string) => other !== app && (app === '.' || other.startsWith(`${app}/`));
    const nested = [...apps, ...shared].filter(inside).map((other) => (app === '.' ? other : other.slice(app.length + 1)));
    const part = planApp(join(dir, app), options, nested, isShared ? 'shared' : { auth: sharedAuth, stripe: stripeOfPackagesUsed(join(dir, app), sharedStripe) });
    const prefix = (file: string) => (app === '.' ? file : file === '.' ? app : `${app}/${file}`);
    if (isShared) {
      for (const name of part.authConfigs) sharedAuth.add(name);
      const name = new Project(join(dir, app), { listFiles: false }).packageJson.name;
      if (name) sharedStripe.set(name, { checkout: part.stripe.checkout.map(prefix), webhooks: part.stripe.webhooks.map(prefix), blockedBy: part.stripe.blockedBy && prefix(part.stripe.blockedBy) });
    }
    for (const name of part.stack) if (!plan.stack.includes(name)) plan.stack.push(name);
    plan.changes.push(
      ...part.changes.map((c) => ({
        ...c,
        file: prefix(c.file),
        diff: app === '.' ? c.diff : withPrefixedDiffPaths(c.diff, app),
        summary: c.summary.map((line) => withPrefixedSummaryPaths(line, prefix)),
      })),
    );
    plan.skipped.push(...part.skipped.map((s) => ({ ...s, file: s.file.split(', ').map(prefix).join(', ') })));
    if (part.install) plan.installs.push({ packageJson: prefix('package.json'), cwd: app, command: part.install });
    for (const note of part.notes) if (!plan.notes.includes(note)) plan.notes.push(note);
  }
  return plan;
}

const withPrefixedDiffPaths = (diff: string, app: string) =>
  diff.replace(/^(---|\+\+\+) ([ab])\//gm, `$1 $2/${app}/`);

/** A summary names its files before its first `: ` (`src/auth.ts:20`, `app.js:270 → controllers/user.js:244`): named from the repository root. */
function withPrefixedSummaryPaths(summary: string, prefix: (file: string) => string): string {
  const head = /^(.+?): /.exec(summary);
  if (!head) return summary;
  return `${head[1].split(' → ').map(prefix).join(' → ')}${summary.slice(head[1].length)}`;
}

/** The Stripe code of the shared packages an app depends on (by their package names). */
function stripeOfPackagesUsed(appDir: string, shared: Map<string, SharedStripe>): SharedStripe {
  const app = new Project(appDir, { listFiles: false });
  const used = [...shared].filter(([name]) => app.dependsOn(name)).map(([, stripe]) => stripe);
  return {
    checkout: used.flatMap((s) => s.checkout),
    webhooks: used.flatMap((s) => s.webhooks),
    blockedBy: used.find((s) => s.blockedBy)?.blockedBy ?? null,
  };
}

/** Stripe code of a repository's shared packages, for the apps that use it (files from the repository root). */
interface SharedStripe {
  checkout: string[];
  webhooks: string[];
  /** `file: why` of a Checkout init could not wire: no webhook is wired while one is not. */
  blockedBy: string | null;
}

interface AppPlan {
  stack: StackName[];
  /** The auth libraries whose config this app or package holds. */
  authConfigs: StackName[];
  /** This app's or package's Stripe code (files relative to it). */
  stripe: SharedStripe;
  changes: PlannedChange[];
  skipped: SkippedEdit[];
  notes: string[];
  /** The command that adds affitor-tracker to this app, when its edits import it and package.json lacks it. */
  install: string[] | null;
}

/**
 * One app, or (`'shared'`) a shared package of a repository: its auth config, signup and Checkout
 * code are wired, but it has no page, no .env and no steps of its own (the apps that use it do).
 * An app gets the auth libraries whose config a shared package holds.
 */
function planApp(dir: string, options: InitOptions, nestedApps: string[], role: 'shared' | { auth: Set<StackName>; stripe: SharedStripe }): AppPlan {
  const project = new Project(dir, { skip: nestedApps });
  const plan = new PlanBuilder();
  const isSandbox = isLocal(options.api);
  const shared = role === 'shared';

  for (const { file, error } of project.parseFailures()) {
    plan.refuse(file, `cannot parse it (${error.message.split('\n')[0]}); init leaves it unchanged`);
  }
  const modules = project.modules();

  const frontend = shared ? null : planFrontend(project, modules, plan, options);
  const { found: auth, configs: authConfigs, browserSignups } = planAuth(project, modules, plan, role === 'shared' ? 'shared' : role.auth);
  const { server, stripe } = planServer(project, modules, plan, options, { auth, browserSignups }, role === 'shared' ? 'shared' : role.stripe);
  if (shared) {
    const changes = collectChanges(project, modules, plan);
    const install = changes.length > 0 && !project.dependsOn('affitor-tracker') ? addCommand(packageManagerOf(dir), 'affitor-tracker') : null;
    return { stack: plan.stack, authConfigs, stripe, changes, skipped: plan.skipped, notes: plan.notes, install };
  }

  // .env: what the edited code reads. Never committed: .gitignore must cover it.
  const entries: EnvEntry[] = [];
  if (server || auth.length > 0) {
    entries.push({ key: 'AFFITOR_API_URL', value: options.api, comment: isSandbox ? 'Affitor API: the local sandbox in development (npx affitor-tracker sandbox)' : 'Affitor API' });
    entries.push({
      key: 'AFFITOR_API_KEY',
      value: options.apiKey ?? '',
      comment: isSandbox
        ? "The sandbox's program key (printed by npx affitor-tracker sandbox); production sets its real key in its own environment"
        : 'Your program key (Affitor dashboard); server-side only',
    });
  }
  entries.push(...plan.extraEnv);
  if (frontend === 'next') entries.push({ key: 'NEXT_PUBLIC_AFFITOR_API_BASE', value: options.api, comment: 'Where the browser tracker sends clicks and leads (unset in production: Affitor)' });
  if (frontend === 'vite') entries.push({ key: 'VITE_AFFITOR_API_BASE', value: options.api, comment: 'Where the browser tracker sends clicks and leads (unset in production: Affitor)' });
  if (entries.length > 0) {
    const existing = project.read('.env');
    const env = withEnvEntries(existing, entries);
    if (env !== null) {
      const have = envKeys(existing ?? '');
      plan.text('.env', env, existing === null ? 'create' : 'edit', `.env: ${entries.filter((e) => !have.has(e.key)).map((e) => e.key).join(', ')}`);
    }
    const gitignore = project.read('.gitignore');
    const ignored = withEnvIgnored(gitignore);
    if (ignored !== null) plan.text('.gitignore', ignored, gitignore === null ? 'create' : 'edit', '.gitignore: add .env (it holds the program key; it must never be committed)');
  }
  if (server === 'node' && !loadsEnvFile(project)) {
    plan.notes.push('Node does not read .env by itself: start the server with `node --env-file=.env <server file>` (Node ≥ 20.6) or load it with dotenv.');
  }

  const changes = collectChanges(project, modules, plan);
  const importsPackage = (source: string) => /(?:from\s*|require\(\s*|import\(\s*)['"]affitor-tracker(?:\/[\w-]+)?['"]/.test(source);
  const needsPackage = changes.some((c) => importsPackage(c.contents)) || modules.some((m) => importsPackage(m.source));
  const install = needsPackage && !project.dependsOn('affitor-tracker') ? addCommand(packageManagerOf(dir), 'affitor-tracker') : null;
  if (install && !project.has('package.json')) {
    plan.refuse('.', `no package.json: the edits import affitor-tracker; create one and run \`${install.join(' ')}\``);
  }
  return { stack: plan.stack, authConfigs, stripe, changes, skipped: plan.skipped, notes: plan.notes, install: project.has('package.json') ? install : null };
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

/** The browser side: the provider for React apps, the tag in the page shell of other frameworks and templates, else in HTML pages. */
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
    if (!appDir && !pagesDir) plan.refuse('.', 'Next.js without an app/ or pages/ directory; add <AffitorProvider> by hand');
    return 'next';
  }
  const tagIn = (file: string, flavour: TagFlavour) => {
    const { outcome, contents } = addTagBeforeHeadEnd(file, project.read(file) ?? '', options.programId, options.api, flavour);
    plan.record(file, outcome);
    if (outcome.kind === 'edited') plan.texts.set(file, { contents, action: 'edit' });
  };
  if (isRemix(project)) {
    plan.stack.push('remix');
    const roots = ['app/root.tsx', 'app/root.jsx', 'app/root.js'].filter((f) => project.has(f));
    if (roots.length === 1) tagIn(roots[0], 'jsx');
    else plan.refuse('app', `no app/root.tsx; add ${scriptTag(options.programId, options.api)} to the root route's <head> by hand`);
    return 'html';
  }
  if (project.dependsOn('@sveltejs/kit')) {
    plan.stack.push('sveltekit');
    if (project.has('src/app.html')) tagIn('src/app.html', 'html');
    else plan.refuse('src', `no src/app.html; add ${scriptTag(options.programId, options.api)} to the page shell's <head> by hand`);
    return 'html';
  }
  if (project.dependsOn('astro')) {
    plan.stack.push('astro');
    const layouts = project.filesEndingIn('.astro').filter((f) => /<\/head\s*>/i.test(project.read(f) ?? ''));
    for (const layout of layouts) tagIn(layout, 'astro');
    if (layouts.length === 0) plan.refuse('src', `no .astro file writes the <head>; add ${scriptTag(options.programId, options.api).replace('<script ', '<script is:inline ')} to the layout every page uses by hand`);
    return 'html';
  }
  if (project.dependsOn('nuxt')) {
    plan.stack.push('nuxt');
    const configs = ['nuxt.config.ts', 'nuxt.config.js', 'nuxt.config.mjs'].filter((f) => project.has(f));
    const config = configs.length === 1 ? project.module(configs[0]) : null;
    if (config && !(config instanceof Error)) plan.record(config.file, addNuxtHeadScript(config, options.programId, options.api));
    else if (!config) plan.refuse('.', `no nuxt.config; add the tracker to app.head.script of your Nuxt config by hand`);
    return 'html';
  }
  if (project.dependsOn('@tanstack/react-start') || project.dependsOn('@tanstack/start')) {
    // TanStack Start renders the whole document in its root route (`<html><head><HeadContent />…`): the tag goes in that <head>.
    plan.stack.push('tanstack-start');
    const roots = ['src/routes/__root.tsx', 'src/routes/__root.jsx', 'app/routes/__root.tsx', 'app/routes/__root.jsx'].filter((f) => project.has(f));
    if (roots.length === 1) tagIn(roots[0], 'jsx');
    else plan.refuse(roots.length === 0 ? 'src/routes' : roots.join(', '), `${roots.length === 0 ? 'no src/routes/__root.tsx' : `${roots.length} root routes`}; add ${scriptTag(options.programId, options.api)} to the <head> of the root route's document (beside <HeadContent />) by hand`);
    return 'html';
  }
  if (project.dependsOn('vite') && project.dependsOn('react')) {
    plan.stack.push('vite-react');
    const renders = modules.flatMap((m) => findRootRenders(m).map((path) => ({ module: m, path })));
    if (renders.length === 1) {
      plan.record(renders[0].module.file, addProviderToRootRender(renders[0].module, renders[0].path, options.programId));
    } else {
      plan.refuse(
        renders.length === 0 ? '.' : renders.map((r) => r.module.file).join(', '),
        renders.length === 0
          ? 'no root render (`createRoot(…).render(<App />)`) found; add <AffitorProvider> around the app by hand'
          : `${renders.length} root renders; init will not guess which one is the app — add <AffitorProvider> by hand`,
      );
    }
    return 'vite';
  }
  // Server-rendered templates: the tag in the layout (the file that writes <head>); partials and pages are left alone.
  const pug = project.filesEndingIn('.pug', '.jade').filter((f) => /^\s*head(\(.*\))?\s*$/m.test(project.read(f) ?? ''));
  const markup = project.filesEndingIn('.ejs', '.hbs', '.handlebars', '.njk', '.liquid', '.mustache').filter((f) => /<\/head\s*>/i.test(project.read(f) ?? ''));
  if (pug.length + markup.length > 0) plan.stack.push('templates');
  for (const file of pug) {
    const { outcome, contents } = addTagToPugHead(file, project.read(file) ?? '', options.programId, options.api);
    plan.record(file, outcome);
    if (outcome.kind === 'edited') plan.texts.set(file, { contents, action: 'edit' });
  }
  for (const file of markup) tagIn(file, 'html');
  const pages = project.htmlFiles;
  if (pages.length > 0) plan.stack.push('html');
  for (const file of pages) {
    const source = project.read(file) ?? '';
    let { outcome, contents } = addScriptTag(file, source, options.programId, options.api);
    // A <head> holding template text (`<%- include(…) %>`, `{{> head}}`) ends early for an HTML parser: its one `</head>` is still the place.
    if (outcome.kind === 'refused') ({ outcome, contents } = addTagBeforeHeadEnd(file, source, options.programId, options.api));
    plan.record(file, outcome);
    if (outcome.kind === 'edited') plan.texts.set(file, { contents, action: 'edit' });
  }
  return pages.length + pug.length + markup.length > 0 ? 'html' : null;
}

const isRemix = (project: Project) =>
  ['@remix-run/react', '@remix-run/node', '@remix-run/dev', '@react-router/dev', '@react-router/node'].some((name) => project.dependsOn(name));

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
    plan.refuse(
      layouts.length === 0 ? appDir : layouts.join(', '),
      layouts.length === 0
        ? 'no root layout found; add <AffitorProvider> to your root layout by hand'
        : `${layouts.length} root layouts; init will not pick one — add <AffitorProvider> to each root layout (or a component they share) by hand`,
    );
    return;
  }
  const module = project.module(layouts[0]);
  if (module instanceof Error) return; // already listed as unparsable
  plan.record(module.file, addProviderToRootLayout(module, options.programId));
}

function planPagesApp(project: Project, plan: PlanBuilder, pagesDir: string, options: InitOptions): void {
  const apps = APP_FILES.map((f) => `${pagesDir}/${f}`).filter((f) => project.has(f));
  if (apps.length > 1) {
    plan.refuse(apps.join(', '), `${apps.length} custom App files; add <AffitorProvider> by hand`);
    return;
  }
  if (apps.length === 0) {
    const typescript = project.has('tsconfig.json');
    const file = `${pagesDir}/_app.${typescript ? 'tsx' : 'jsx'}`;
    plan.text(file, pagesAppSource(options.programId, typescript), 'create', `${file}: new custom App with <AffitorProvider> around every page`);
    return;
  }
  const module = project.module(apps[0]);
  if (module instanceof Error) return;
  plan.record(module.file, addProviderToPagesApp(module, options.programId));
}

/**
 * Auth libraries that record the lead themselves once wired; returns the ones found (the
 * signup-handler search then stops) and those whose config is here. `elsewhere`: the libraries whose
 * config a shared package holds (no refusal for its absence here), or `'shared'` for a shared package
 * (a library it merely depends on without a config is no refusal either).
 */
function planAuth(project: Project, modules: ParsedModule[], plan: PlanBuilder, elsewhere: 'shared' | Set<StackName>): { found: StackName[]; configs: StackName[]; browserSignups: boolean } {
  let browserSignups = false;
  const found: StackName[] = [];
  const here: StackName[] = [];
  const absentIsFine = (name: StackName) => elsewhere === 'shared' || elsewhere.has(name);
  if (project.dependsOn('better-auth')) {
    found.push('better-auth');
    const configs = modules.filter((m) => callsFunction(m, 'betterAuth'));
    if (configs.length > 0) here.push('better-auth');
    if (configs.length === 1) plan.record(configs[0].file, addBetterAuthPlugin(configs[0]));
    else if (configs.length === 0 && absentIsFine('better-auth')) {
      // wired in the shared package that holds it
    } else plan.refuse(configs.length === 0 ? '.' : configs.map((m) => m.file).join(', '), `${configs.length === 0 ? "no betterAuth({ … }) call in this app's code (in a repository of several it often lives in a shared package)" : `${configs.length} betterAuth({ … }) calls`}; add \`plugins: [affitor({ affitor: ${LAZY_CLIENT} })]\` (affitor-tracker/better-auth) to your auth config by hand`);
  }
  if (project.dependsOn('next-auth') || project.dependsOn('@auth/core')) {
    found.push('next-auth');
    const configs = modules.filter((m) => m.source.includes('NextAuth') && (callsFunction(m, 'NextAuth') || /NextAuth(Options|Config)\b/.test(m.source)) && /providers\s*:/.test(m.source));
    if (configs.length > 0) here.push('next-auth');
    if (configs.length === 0 && absentIsFine('next-auth')) {
      // wired in the shared package that holds it
    } else if (configs.length === 1) plan.record(configs[0].file, addNextAuthEvent(configs[0], { appRouter: project.dependsOn('next') && project.files.some((f) => /^(src\/)?app\//.test(f)) }));
    else plan.refuse(configs.length === 0 ? '.' : configs.map((m) => m.file).join(', '), `${configs.length === 0 ? 'no NextAuth options' : `${configs.length} NextAuth option objects`} found; add \`events: { createUser: affitorCreateUser({ affitor: ${LAZY_CLIENT}, clickFrom: cookies }) }\` (affitor-tracker/next-auth; cookies from next/headers) to your NextAuth options by hand`);
  }
  const clerk = ['@clerk/nextjs', '@clerk/clerk-react', '@clerk/remix', '@clerk/react-router'].find((name) => project.dependsOn(name));
  if (clerk) {
    found.push('clerk');
    const signUps = modules.filter((m) => /<SignUp\b/.test(m.source));
    for (const module of signUps) for (const outcome of addClerkSignUpMetadata(module)) plan.record(module.file, outcome);
    if (signUps.length === 0) plan.todo('.', "no <SignUp /> component found: pass `unsafeMetadata: clerkSignUpMetadata()` (affitor-tracker/clerk) to your sign-up (signUp.create or <SignUp unsafeMetadata={…}>)");
    if (clerk === '@clerk/nextjs') {
      const appDir = ['app', 'src/app'].find((d) => project.files.some((f) => f.startsWith(`${d}/`))) ?? 'app';
      const existing = project.files.find((f) => /webhooks?\/clerk\/route\.[jt]sx?$/.test(f));
      const hasHandler = modules.some((m) => m.source.includes('handleClerkWebhook'));
      if (existing && !hasHandler) {
        plan.refuse(existing, 'your own Clerk webhook route: call `handleClerkWebhook({ rawBody, headers, secret, affitor })` (affitor-tracker/clerk) with the request\'s raw body and headers in it by hand');
      } else if (!existing) {
        const typescript = project.has('tsconfig.json');
        const file = `${appDir}/api/webhooks/clerk/route.${typescript ? 'ts' : 'js'}`;
        plan.text(file, clerkWebhookRoute(typescript), 'create', `${file}: Clerk's user.created webhook records the lead (handleClerkWebhook)`);
        plan.extraEnv.push({ key: 'CLERK_WEBHOOK_SIGNING_SECRET', value: '', comment: "Clerk → Webhooks → your endpoint (…/api/webhooks/clerk, event user.created) → Signing Secret" });
        plan.todo('.', 'in the Clerk dashboard, add a webhook endpoint at https://<your domain>/api/webhooks/clerk for user.created and put its Signing Secret in CLERK_WEBHOOK_SIGNING_SECRET');
      }
    } else {
      plan.todo('.', "add a route for Clerk's user.created webhook that calls `handleClerkWebhook({ rawBody, headers, secret, affitor })` (affitor-tracker/clerk)");
    }
  }
  if (project.dependsOn('@supabase/supabase-js') || project.dependsOn('@supabase/ssr')) {
    found.push('supabase');
    // Sign-ups in code that runs in the browser (components of any kind, Svelte and Vue files included): the step, named where the call is.
    // The Auth UI's <Auth> component (@supabase/auth-ui-react, -svelte, -vue…) signs people up in the browser too.
    const signsUp = (source: string) => /\.auth\.signUp\(/.test(source) || (/['"]@supabase\/auth-ui-[\w-]+['"]/.test(source) && /<Auth\b/.test(source));
    const signUpFiles = project.filesEndingIn(...BROWSER_EXTENSIONS).filter((f) => signsUp(project.read(f) ?? '') && !isServerFile(f, project.read(f) ?? ''));
    const tracked = project.filesEndingIn(...BROWSER_EXTENSIONS).some((f) => (project.read(f) ?? '').includes('trackSupabaseSignups'));
    if (!tracked && signUpFiles.length > 0) {
      // Wired where the browser's client is made; named at each sign-up when init finds no such place.
      const makers = modules.filter((m) => !isServerFile(m.file, m.source) && supabaseClientCalls(m).length > 0);
      for (const module of makers) for (const outcome of addSupabaseSignupTracking(module)) plan.record(module.file, outcome);
      if (makers.length === 0) for (const file of signUpFiles) plan.todo(file, SUPABASE_BROWSER_STEP);
    }
    browserSignups = signUpFiles.length > 0;
  }
  for (const name of found) plan.stack.push(name);
  return { found, configs: here, browserSignups };
}

const BROWSER_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.svelte', '.vue', '.astro'];

/**
 * Code that runs only on a server: server actions ('use server'), route handlers and API routes,
 * Remix / SvelteKit / Nuxt server modules, server folders. Everything else may run in the browser (a
 * 'use client' component, a Pages Router page, a plain React component, a Svelte or Vue file).
 */
function isServerFile(file: string, source: string): boolean {
  if (/^\s*['"]use client['"]/.test(source)) return false;
  if (/['"]use server['"]/.test(source)) return true; // a server action, the file's or one function's
  // Server-only imports (SvelteKit's private env, Next's server-only and next/headers) and the service-role key never reach a browser.
  if (/from\s*['"](\$env\/(static|dynamic)\/private|server-only|next\/headers)['"]|SERVICE_ROLE/.test(source)) return true;
  if (/(^|\/)(route|middleware)\.[cm]?[jt]sx?$/.test(file) || /\.server\.[cm]?[jt]sx?$/.test(file)) return true;
  if (/(^|\/)\+(page|layout)\.server\.[jt]s$|(^|\/)\+server\.[jt]s$|(^|\/)hooks\.server\.[jt]s$/.test(file)) return true;
  return /(^|\/)(pages\/api|app\/api|server|api|lib\/server)\//.test(file);
}

/** The server side: the lead after signup and the Stripe sale. Returns which kind of server it found. */
function planServer(
  project: Project,
  modules: ParsedModule[],
  plan: PlanBuilder,
  options: InitOptions,
  { auth, browserSignups }: { auth: StackName[]; browserSignups: boolean },
  role: 'shared' | SharedStripe,
): { server: 'next' | 'node' | 'framework' | null; stripe: SharedStripe } {
  const shared = role === 'shared';
  const sharedStripe: SharedStripe = role === 'shared' ? { checkout: [], webhooks: [], blockedBy: null } : role;
  const next = project.dependsOn('next');
  if (project.dependsOn('express')) plan.stack.push('express');
  if (project.dependsOn('fastify')) plan.stack.push('fastify');
  if (modules.some(createsHttpServer)) plan.stack.push('node-http');
  const framework = frameworkRunsServerCode(project, plan.stack);
  const server = next ? 'next' : plan.stack.some((s) => s === 'express' || s === 'fastify' || s === 'node-http') ? 'node' : framework ? 'framework' : null;
  const context = { modules, envSource: plan.stack.includes('sveltekit') ? 'sveltekit' : 'process.env' } as const;

  const handlers = modules.flatMap((m) => findSignupHandlers(m, context));
  const oauthHandlers = modules.flatMap((m) => {
    const at = /\bdefineOAuth\w+EventHandler\s*\(/.exec(m.source);
    return at ? [{ module: m, line: m.source.slice(0, at.index).split('\n').length }] : [];
  });
  // better-auth, NextAuth and Clerk record the lead themselves: a second lead from the route that calls them would be noise.
  const authLeads = auth.filter((a) => a !== 'supabase');
  if (authLeads.length > 0) {
    // nothing more: planAuth wired (or named) the lead
  } else if (handlers.length === 1) {
    plan.record(handlers[0].module.file, addSignupLead(handlers[0], context));
  } else if (handlers.length > 1) {
    plan.refuse(
      [...new Set(handlers.map((h) => h.module.file))].join(', '),
      `${handlers.length} signup handlers (${handlers.map((h) => h.where).join(', ')}); init will not guess which one creates accounts — add the lead to it by hand`,
    );
  } else if (shared || browserSignups) {
    // a shared package without a signup handler: the apps that use it name what is left; Supabase sign-ups in the browser: wired or named above
  } else if (server) {
    // An OAuth handler is named below instead.
    if (oauthHandlers.length === 0) plan.todo('.', 'no signup handler found (a POST route, server action or form action whose name ends in signup, register or join); after the account is created call `await affitor.trackLead({ customerExternalId: user.id, email: user.email, clickId: clickIdFrom(request) })` (affitor-tracker/server)');
  } else if (!auth.includes('supabase')) {
    plan.todo('.', 'no server code found: after the account is created, call window.affitor.signup(user.id, user.email) (or useAffitor().signup) in the browser');
  }

  if (authLeads.length === 0) {
    // nuxt-auth-utils: a first sign-up and every later sign-in end in the same onSuccess; only the app's own user store can tell them apart.
    for (const { module, line } of oauthHandlers) {
      plan.todo(
        module.file,
        `line ${line}: sign-ups and sign-ins both end in this OAuth handler's onSuccess, so init cannot tell a new account: where the app first stores the user, call \`await affitor.trackLead({ customerExternalId: String(user.id), email: user.email, clickId: clickIdFrom(event) })\` (affitor-tracker/server); without a user store, in onSuccess itself (a later sign-in's repeat is Affitor's 400: a customer's status never goes back)`,
      );
    }
  }
  if (authLeads.length === 0 && project.dependsOn('passport')) {
    const creations = modules.flatMap((m) => passportAccountCreations(m).map((line) => `${m.file}:${line}`));
    if (creations.length > 0) {
      plan.todo(
        [...new Set(creations.map((c) => c.split(':')[0]))].join(', '),
        `a sign-up through a passport strategy (OAuth) creates the account at ${creations.join(', ')}: after it is saved, call \`affitor.trackLead({ customerExternalId: String(user.id), email: user.email, clickId: clickIdFromRequest(req) })\` (affitor-tracker/server) — the request reaches a strategy's verify callback with \`passReqToCallback: true\` in its options (then \`req\` is the callback's first parameter)`,
      );
    }
  }

  const checkout = modules.filter((m) => usesStripeCall(m, isCheckoutCreate));
  const webhooks = modules.filter((m) => usesStripeCall(m, isConstructEvent));
  if (checkout.length > 0) plan.stack.push('stripe-checkout');
  if (webhooks.length > 0) plan.stack.push('stripe-webhook');
  // A Checkout a shared package holds and init could not wire holds back this app's webhook too.
  let blockedBy: string | null = sharedStripe.blockedBy;
  for (const module of checkout) {
    for (const outcome of addCheckoutMetadata(module, { programId: options.programId, next, frameworkEvent: framework })) {
      plan.record(module.file, outcome);
      if (outcome.kind === 'refused') blockedBy ??= `${module.file}: ${outcome.reason.split(':')[0]}`;
    }
  }
  for (const module of webhooks) for (const outcome of addWebhookHandler(module, options.programId, blockedBy)) plan.record(module.file, outcome);
  if (webhooks.length > 0) {
    plan.notes.push('Stripe webhook: handleStripeWebhook records the sale itself (a self-hosted webhook). If your Stripe account is connected to Affitor (Stripe Connect), remove that call: Affitor records those sales already, and both would count every sale twice.');
  }
  const anyCheckout = checkout.length + sharedStripe.checkout.length > 0;
  const anyWebhook = webhooks.length + sharedStripe.webhooks.length > 0;
  if (anyCheckout && !anyWebhook && !shared) {
    plan.todo('.', `Stripe Checkout${checkout.length === 0 ? ` (in ${sharedStripe.checkout.join(', ')})` : ''} without a webhook in this app: connect your Stripe account to Affitor, or add a webhook route that calls handleStripeWebhook (affitor-tracker/stripe) after stripe.webhooks.constructEvent`);
  }
  // Stripe code of a shared package this app uses is this app's too: wired (or named) there.
  if (!anyCheckout && !anyWebhook && server) {
    plan.todo('.', 'no Stripe Checkout or webhook code found: after a payment succeeds, call trackSale from affitor-tracker/server with your payment id as invoiceId (docs/init.md#sales-stripe-checkout-and-the-webhook)');
  }
  return { server, stripe: { checkout: checkout.map((m) => m.file), webhooks: webhooks.map((m) => m.file), blockedBy: shared ? blockedBy : null } };
}

/**
 * A framework app with code that runs on a server (where AFFITOR_API_KEY can be read): Remix / React
 * Router routes, TanStack Start (server functions and routes), SvelteKit's server files, Nuxt's server/ directory, an Astro site built for a server
 * (an adapter, or `output: 'server'`). A static site has none: it gets the tag, and no key in .env.
 */
function frameworkRunsServerCode(project: Project, stack: StackName[]): boolean {
  if (stack.includes('remix') || stack.includes('tanstack-start')) return true;
  if (stack.includes('sveltekit')) return project.files.some((f) => /(^|\/)(\+page\.server|\+layout\.server|\+server|hooks\.server)\.[jt]s$/.test(f) || f.startsWith('src/lib/server/'));
  if (stack.includes('nuxt')) return project.files.some((f) => /^(src\/)?server\//.test(f));
  if (stack.includes('astro')) {
    const config = project.files.find((f) => /^astro\.config\.[cm]?[jt]s$/.test(f));
    const source = config ? (project.read(config) ?? '') : '';
    return /\badapter\s*:/.test(source) || /\boutput\s*:\s*['"](server|hybrid)['"]/.test(source);
  }
  return false;
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
    if (!module.changed && module.splices.length === 0) continue;
    if (module.changed && module.splices.length > 0) {
      // Both kinds of edit in one file: write the text edits now; the next run finds them and makes the rest.
      plan.notes.push(`${module.file}: init made one of its edits there; run init again to make the other (it builds on the first)`);
    }
    const contents = module.splices.length > 0 ? applySplices(module.source, module.splices) : printModule(module);
    if (contents === module.source) continue;
    if (project.utf16.has(module.file)) {
      plan.refuse(module.file, `stored as UTF-16 and init writes UTF-8 only; make its edits by hand: ${(plan.summaries.get(module.file) ?? []).join('; ')}`);
      continue;
    }
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

