// The server-side lead: after the signup code has created the user, `affitor.trackLead` with the
// user's id and email and the visitor's click id (from the request's cookies, or Next.js `cookies()`
// in a server action). Finds the signup code in Express/Fastify route calls (the handler inline or
// passed by reference, in this file or another, ES module or CommonJS), plain node:http branches,
// Next.js route handlers, API routes and server actions, Remix / React Router actions and SvelteKit
// form actions, and Supabase's `auth.signUp` in server code.
import { dirname, join, normalize } from 'node:path';
import {
  containsCall,
  enclosingStatementInBlock,
  ensureNamedImports,
  ensureNames,
  indentUnit,
  isFunction,
  lineOf,
  memberChain,
  n,
  parseStatements,
  printNode,
  visit,
  type FunctionNode,
  type Node,
  type NodePath,
  type ParsedModule,
  type Program,
} from './ast.js';
import { ensureServerClient, SERVER_ENTRY, type EnvSource } from './server-client.js';
import { edited, present, refused, type EditOutcome } from './types.js';

/** Path segments that name a signup endpoint. */
const SIGNUP_SEGMENTS = new Set(['signup', 'sign-up', 'sign_up', 'register', 'registration', 'join', 'create-account']);
/** Variable names a signup handler gives the account it just created. */
const USER_NAMES = new Set(['user', 'newUser', 'createdUser', 'account', 'customer', 'insertedUser', 'dbUser']);
/** Names of server actions / controller functions that create accounts. */
const SIGNUP_FUNCTION = /^(post)?(sign_?up|register|create_?(user_?)?account|join)(action|user)?$/i;

/** A collection of accounts (`POST /users` creates one, REST style), with the handler that creates it (`users.create`). */
const ACCOUNT_COLLECTIONS = new Set(['users', 'accounts']);
const CREATE_HANDLER = /^(create|store|add)(user|account)?$/i;

/** Middleware names that let only signed-in users through. */
const SIGNED_IN_GUARD = /^(isAuthenticated|ensureAuthenticated|requireAuth|ensureLoggedIn|requireLogin|requireUser|authenticated|isLoggedIn)$/i;

/** Where the handler's click id comes from: the request, Next.js `cookies()`, or an h3 / Nuxt event. */
type ClickSource = { kind: 'request'; name: string } | { kind: 'next-cookies' } | { kind: 'event'; name: string };

export interface SignupHandler {
  module: ParsedModule;
  /** The function that handles the request. */
  handler: FunctionNode;
  /** Where the signup code is: the handler's body, or the `if (req.url === '/signup')` branch. */
  body: Node;
  /** `file:line` of the route, for messages. */
  where: string;
  line: number;
  /** A Next.js server action: no request, the click id comes from `cookies()`. */
  serverAction?: boolean;
  /** A Nuxt / h3 event handler: its first parameter is the event (`clickIdFrom(event)`). */
  h3Event?: boolean;
}

export interface LeadContext {
  /** Every parsed module of the app, to follow a handler passed by reference into its file. */
  modules: ParsedModule[];
  envSource: EnvSource;
}

const lastSegment = (path: string): string => {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
};
const isSignupPath = (path: string): boolean => SIGNUP_SEGMENTS.has(lastSegment(path).toLowerCase());
const baseName = (file: string) => {
  const name = file.split('/').pop() ?? '';
  return name.slice(0, name.lastIndexOf('.'));
};

/** Next.js file-system routes: `app/**\/signup/route.ts` and `pages/api/**\/signup.ts` (or `…/signup/index.ts`). */
function nextRouteKind(file: string): 'app-route' | 'pages-api' | null {
  const parts = file.split('/');
  const base = baseName(file);
  const appIndex = parts.indexOf('app');
  if (appIndex >= 0 && base === 'route' && isSignupPath(parts.slice(0, -1).join('/'))) return 'app-route';
  const pagesIndex = parts.indexOf('pages');
  if (pagesIndex >= 0 && parts[pagesIndex + 1] === 'api') {
    const route = base === 'index' ? parts.slice(0, -1).join('/') : `${parts.slice(0, -1).join('/')}/${base}`;
    if (isSignupPath(route)) return 'pages-api';
  }
  return null;
}

/** Remix / React Router route modules (`app/routes/join.tsx`, `_auth.sign-up.tsx`, `signup/route.tsx`) and SvelteKit's `+page.server.ts`. */
function frameworkRouteKind(file: string): 'remix-action' | 'sveltekit-actions' | null {
  const parts = file.split('/');
  const routes = parts.indexOf('routes');
  if (routes < 0) return null;
  const base = baseName(file);
  if (base === '+page.server') return parts.slice(routes + 1, -1).some((p) => SIGNUP_SEGMENTS.has(p.toLowerCase())) ? 'sveltekit-actions' : null;
  if (parts[0] !== 'app' && parts[1] !== 'app') return null;
  const segments = [...parts.slice(routes + 1, -1), ...(base === 'route' ? [] : base.split('.'))].map((s) => s.replace(/^_+/, '').toLowerCase());
  return segments.length > 0 && SIGNUP_SEGMENTS.has(segments[segments.length - 1]) ? 'remix-action' : null;
}

/** Nuxt / Nitro server routes: `server/api/auth/register.post.ts`, `server/routes/signup.ts`, `…/signup/index.post.ts` (not a GET). */
function isNuxtSignupRoute(file: string): boolean {
  const match = /(?:^|\/)server\/(?:api|routes)\/(.+)\.[cm]?[jt]s$/.exec(file);
  if (!match) return false;
  const [name, method] = match[1].split('/').pop()!.split('.');
  if (method !== undefined && method !== 'post') return false;
  const segments = match[1].split('/').slice(0, -1);
  return isSignupPath(name === 'index' ? segments.join('/') : name);
}

const hasDirective = (body: { directives?: Array<{ value: { value: string } }> } | null | undefined, value: string) =>
  !!body?.directives?.some((d) => d.value.value === value);

/** Every signup handler init can see in one module (handlers passed by reference are followed into `context.modules`). */
export function findSignupHandlers(module: ParsedModule, context: LeadContext): SignupHandler[] {
  const found: SignupHandler[] = [];
  const at = (node: Node) => ({ where: `${module.file}:${lineOf(node)}`, line: lineOf(node) });
  const program = module.ast.program;
  const routeKind = nextRouteKind(module.file);

  if (routeKind === 'app-route') {
    for (const [name, fn, node] of exportedFunctions(program)) if (name === 'POST') found.push({ module, handler: fn, body: fn.body, ...at(node) });
    return found;
  }
  if (routeKind === 'pages-api') {
    for (const statement of program.body) {
      if (n.ExportDefaultDeclaration.check(statement) && isFunction(statement.declaration)) {
        const fn = statement.declaration;
        found.push({ module, handler: fn, body: fn.body, ...at(fn) });
      }
    }
    return found;
  }
  if (isNuxtSignupRoute(module.file)) {
    for (const statement of program.body) {
      const fn = n.ExportDefaultDeclaration.check(statement) ? functionIn(statement.declaration) : null;
      if (fn) found.push({ module, handler: fn, body: fn.body, h3Event: true, ...at(statement) });
    }
    return found;
  }
  const frameworkKind = frameworkRouteKind(module.file);
  if (frameworkKind === 'remix-action') {
    for (const [name, fn, node] of exportedFunctions(program)) if (name === 'action') found.push({ module, handler: fn, body: fn.body, ...at(node) });
    return found;
  }
  if (frameworkKind === 'sveltekit-actions') {
    for (const statement of program.body) {
      const declaration = n.ExportNamedDeclaration.check(statement) ? statement.declaration : null;
      if (!n.VariableDeclaration.check(declaration)) continue;
      for (const d of declaration.declarations) {
        if (!n.VariableDeclarator.check(d) || !n.Identifier.check(d.id) || d.id.name !== 'actions') continue;
        const actions = n.TSSatisfiesExpression.check(d.init) || n.TSAsExpression.check(d.init) ? d.init.expression : d.init;
        if (!n.ObjectExpression.check(actions)) continue;
        const entries = actions.properties.flatMap((p): Array<{ name: string; fn: FunctionNode; node: Node }> => {
          if ((n.ObjectProperty.check(p) || n.Property.check(p)) && isFunction(p.value)) return [{ name: n.Identifier.check(p.key) ? p.key.name : '', fn: p.value as FunctionNode, node: p }];
          if (n.ObjectMethod.check(p)) return [{ name: n.Identifier.check(p.key) ? p.key.name : '', fn: p as unknown as FunctionNode, node: p }];
          return [];
        });
        const signup = entries.filter((e) => e.name === 'default' || SIGNUP_FUNCTION.test(e.name));
        for (const entry of signup.length > 0 ? signup : entries) found.push({ module, handler: entry.fn, body: entry.fn.body, ...at(entry.node) });
      }
    }
    return found;
  }
  // Next.js server actions: a 'use server' module's exported signup functions, or any exported function of it calling Supabase's auth.signUp.
  if (hasDirective(program as never, 'use server')) {
    for (const [name, fn, node] of exportedFunctions(program)) {
      if (SIGNUP_FUNCTION.test(name) || callsSupabaseSignUp(fn.body)) found.push({ module, handler: fn, body: fn.body, serverAction: true, ...at(node) });
    }
    return found;
  }

  visit(program, {
    // app.post('/signup', …, handler) — Express, Fastify, Hono-style routers; the handler inline or by reference.
    visitCallExpression(path) {
      const { callee, arguments: args } = path.node;
      const chain = memberChain(callee);
      const route = args[0];
      const last = args[args.length - 1];
      // A route behind a signed-in check (`passport.isAuthenticated`, `requireAuth`) registers something for an existing account (a passkey), not an account.
      const signedInOnly = args.slice(1, -1).some((arg) => SIGNED_IN_GUARD.test(memberChain(arg)?.at(-1) ?? ''));
      // REST style: `app.post('/users', …)` creates an account — inline, or a handler named so (`users.create`).
      const createsAccount = (value: string) => ACCOUNT_COLLECTIONS.has(lastSegment(value).toLowerCase()) && (isFunction(last) || CREATE_HANDLER.test(memberChain(last)?.at(-1) ?? ''));
      if (chain && chain.length >= 2 && chain[chain.length - 1] === 'post' && n.StringLiteral.check(route) && (isSignupPath(route.value) || createsAccount(route.value)) && !signedInOnly) {
        if (isFunction(last)) found.push({ module, handler: last, body: last.body, ...at(path.node) });
        else {
          const target = resolveHandler(module, last, context.modules);
          if (target) found.push({ module: target.module, handler: target.fn, body: target.fn.body, where: `${module.file}:${lineOf(path.node)} → ${target.module.file}:${lineOf(target.fn)}`, line: lineOf(target.fn) });
        }
      }
      this.traverse(path);
    },
    // if (req.method === 'POST' && req.url === '/signup') { … } — plain node:http servers.
    visitIfStatement(path) {
      if (comparesUrlToSignup(path.node.test)) {
        const fn = enclosingFunctionNode(path);
        if (fn) found.push({ module, handler: fn, body: path.node.consequent, ...at(path.node) });
      }
      this.traverse(path);
    },
  });
  return found;
}

/** `export function name`, `export const name = fn`, `export const name = wrapper(schema, fn)`: [name, the function, the node]. */
function exportedFunctions(program: Program): Array<[string, FunctionNode, Node]> {
  const found: Array<[string, FunctionNode, Node]> = [];
  for (const statement of program.body) {
    if (!n.ExportNamedDeclaration.check(statement)) continue;
    const declaration = statement.declaration;
    if (n.FunctionDeclaration.check(declaration) && n.Identifier.check(declaration.id)) found.push([declaration.id.name, declaration, statement]);
    if (n.VariableDeclaration.check(declaration)) {
      for (const d of declaration.declarations) {
        if (!n.VariableDeclarator.check(d) || !n.Identifier.check(d.id)) continue;
        const fn = functionIn(d.init);
        if (fn) found.push([d.id.name, fn, d]);
      }
    }
  }
  return found;
}

/** The function itself, or the one function passed to a wrapper (`validatedAction(schema, async (data) => …)`). */
function functionIn(node: unknown): FunctionNode | null {
  if (isFunction(node)) return node;
  if (n.CallExpression.check(node)) {
    const fns = node.arguments.filter(isFunction);
    return fns.length === 1 ? (fns[0] as FunctionNode) : null;
  }
  return null;
}

const callsSupabaseSignUp = (body: Node) => supabaseSignUps(body).length > 0;

/** `… = await supabase.auth.signUp(…)` declarations: the destructured `data` (or the whole result). */
function supabaseSignUps(body: Node): NodePath[] {
  const found: NodePath[] = [];
  visit(body, {
    visitCallExpression(path) {
      const chain = memberChain(path.node.callee);
      if (chain && chain.length >= 2 && chain[chain.length - 2] === 'auth' && chain[chain.length - 1] === 'signUp') found.push(path);
      this.traverse(path);
    },
  });
  return found;
}

/** A handler passed by name (`signup`, `userController.postSignup`): its function, here or in the module it is imported from. */
function resolveHandler(module: ParsedModule, reference: unknown, modules: ParsedModule[]): { module: ParsedModule; fn: FunctionNode } | null {
  const program = module.ast.program;
  if (n.Identifier.check(reference)) {
    const local = localFunction(program, reference.name);
    if (local) return { module, fn: local };
    const imported = importOf(program, reference.name);
    if (!imported) return null;
    const target = moduleAt(module.file, imported.source, modules);
    const fn = target && exportedFunction(target.ast.program, imported.name ?? reference.name);
    return target && fn ? { module: target, fn } : null;
  }
  const chain = memberChain(reference as Node);
  if (!chain || chain.length !== 2) return null;
  const imported = importOf(program, chain[0]);
  if (!imported || imported.name !== null) return null;
  const target = moduleAt(module.file, imported.source, modules);
  const fn = target && exportedFunction(target.ast.program, chain[1]);
  return target && fn ? { module: target, fn } : null;
}

function localFunction(program: Program, name: string): FunctionNode | null {
  for (const statement of program.body) {
    if (n.FunctionDeclaration.check(statement) && statement.id?.name === name) return statement;
    if (!n.VariableDeclaration.check(statement)) continue;
    for (const d of statement.declarations) if (n.VariableDeclarator.check(d) && n.Identifier.check(d.id) && d.id.name === name && isFunction(d.init)) return d.init;
  }
  return null;
}

/**
 * Where a local name comes from: `{source, name}` for a named import / destructured require, `{source,
 * name: null}` for a whole module (`import * as c`, a default import, `const c = require(…)`).
 */
function importOf(program: Program, local: string): { source: string; name: string | null } | null {
  for (const statement of program.body) {
    if (n.ImportDeclaration.check(statement) && typeof statement.source.value === 'string') {
      for (const spec of statement.specifiers ?? []) {
        if (spec.local?.name !== local) continue;
        if (n.ImportSpecifier.check(spec) && n.Identifier.check(spec.imported)) return { source: statement.source.value, name: spec.imported.name };
        return { source: statement.source.value, name: null };
      }
    }
    if (!n.VariableDeclaration.check(statement)) continue;
    for (const d of statement.declarations) {
      if (!n.VariableDeclarator.check(d)) continue;
      const init = d.init;
      if (!n.CallExpression.check(init) || !n.Identifier.check(init.callee) || init.callee.name !== 'require' || !n.StringLiteral.check(init.arguments[0])) continue;
      const source = init.arguments[0].value;
      if (n.Identifier.check(d.id) && d.id.name === local) return { source, name: null };
      if (n.ObjectPattern.check(d.id)) {
        for (const p of d.id.properties) {
          if ((n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.key) && n.Identifier.check(p.value) && p.value.name === local) return { source, name: p.key.name };
        }
      }
    }
  }
  return null;
}

/** The project module a relative specifier points to (with or without its extension, or a directory's index). */
function moduleAt(from: string, specifier: string, modules: ParsedModule[]): ParsedModule | null {
  if (!specifier.startsWith('.')) return null;
  const base = normalize(join(dirname(from), specifier)).replace(/\\/g, '/');
  const stem = base.replace(/\.(m?js|cjs|jsx)$/, '');
  const candidates = [base, ...['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'].flatMap((ext) => [`${stem}${ext}`, `${base}/index${ext}`])];
  return modules.find((m) => candidates.includes(m.file)) ?? null;
}

/** `export function name`, `export const name = fn`, `exports.name = fn`, `module.exports = { name }`. */
function exportedFunction(program: Program, name: string): FunctionNode | null {
  for (const [exported, fn] of exportedFunctions(program)) if (exported === name) return fn;
  for (const statement of program.body) {
    if (!n.ExpressionStatement.check(statement) || !n.AssignmentExpression.check(statement.expression)) continue;
    const { left, right } = statement.expression;
    const chain = memberChain(left);
    // `exports.create = wrap(function* (req, res) { … })` (co): the wrapped function.
    const fn = functionIn(right);
    if (chain && chain[chain.length - 1] === name && (chain[0] === 'exports' || (chain[0] === 'module' && chain[1] === 'exports')) && fn) return fn;
    if (chain && chain.join('.') === 'module.exports' && n.ObjectExpression.check(right)) {
      for (const p of right.properties) {
        if (!(n.ObjectProperty.check(p) || n.Property.check(p)) || !n.Identifier.check(p.key) || p.key.name !== name) continue;
        if (isFunction(p.value)) return p.value;
        if (n.Identifier.check(p.value)) return localFunction(program, p.value.name);
      }
    }
  }
  return null;
}

function comparesUrlToSignup(test: Node): boolean {
  let matches = false;
  visit(test, {
    visitBinaryExpression(path) {
      const { operator, left, right } = path.node;
      if (operator === '===' || operator === '==') {
        for (const [a, c] of [[left, right], [right, left]] as const) {
          const chain = memberChain(a);
          const last = chain?.[chain.length - 1];
          if ((last === 'url' || last === 'pathname') && n.StringLiteral.check(c) && isSignupPath(c.value)) matches = true;
        }
      }
      this.traverse(path);
    },
  });
  return matches;
}

function enclosingFunctionNode(path: NodePath): FunctionNode | null {
  for (let p: NodePath | null = path.parent; p; p = p.parent) if (isFunction(p.node)) return p.node;
  return null;
}

/** The click id's source: the request the handler received (`req`, `{ request }`), or `cookies()` in a server action. */
function clickSource(target: SignupHandler): ClickSource | null {
  if (target.serverAction) return { kind: 'next-cookies' };
  const first = target.handler.params[0];
  if (target.h3Event && n.Identifier.check(first)) return { kind: 'event', name: first.name };
  if (n.Identifier.check(first)) return { kind: 'request', name: first.name };
  if (n.ObjectPattern.check(first)) {
    for (const p of first.properties) {
      if ((n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.key) && p.key.name === 'request' && n.Identifier.check(p.value)) {
        return { kind: 'request', name: p.value.name };
      }
    }
  }
  return null;
}

/** Adds the lead call to the one signup handler. */
export function addSignupLead(target: SignupHandler, context: LeadContext): EditOutcome {
  const { module, handler, body } = target;
  const program = module.ast.program;
  if (containsCall(body, 'trackLead')) return present;
  const click = clickSource(target);
  const manual = 'add `await affitor.trackLead({ customerExternalId: user.id, email: user.email, clickId })` after the account is created by hand (docs/init.md#signups-the-lead)';
  if (!click) return refused(`line ${target.line}: the handler receives no request init can read the click id from (its first parameter is neither a name nor \`{ request }\`); ${manual}`);
  // A generator run by co (`wrap(function* (req, res) { … yield user.save() … })`) waits with `yield`.
  const generator = !handler.async && !!handler.generator;
  if (!handler.async && !generator) return refused(`line ${target.line}: the signup handler is not async; ${manual}`);

  const created = createdUser(body);
  if ('refused' in created) return refused(`line ${target.line}: ${created.refused}; ${manual}`);
  const access = ensureServerClient(module, context.envSource);
  if ('refused' in access) return refused(access.refused);

  let clickId: string;
  if (click.kind === 'request') {
    ensureNames(program, SERVER_ENTRY, ['clickIdFromRequest']);
    clickId = `clickIdFromRequest(${click.name})`;
  } else if (click.kind === 'event') {
    ensureNames(program, SERVER_ENTRY, ['clickIdFrom']);
    clickId = `clickIdFrom(${click.name})`;
  } else {
    ensureNames(program, SERVER_ENTRY, ['clickIdFrom']);
    ensureNamedImports(program, 'next/headers', ['cookies']);
    clickId = 'clickIdFrom(await cookies())';
  }
  const email = emailInScope(body, created);
  const call =
    `const affitorLead = ${generator ? 'yield Promise.resolve(' : 'await '}${access.client}?.trackLead({ customerExternalId: String(${created.id}), ${email ? (email === 'email' ? 'email, ' : `email: ${email}, `) : ''}clickId: ${clickId} })${generator ? ')' : ''};\n` +
    'if (affitorLead && !affitorLead.ok) console.warn(`Affitor lead not recorded (${affitorLead.code}): ${affitorLead.error}`);\n';
  const comment = "// Affitor: the signup is a lead of the visitor's click (never fails the signup; the result says why when not recorded).\n";
  const code = created.guard ? `${comment}if (${created.guard}) {\n${indented(call, indentUnit(module.source))}}\n` : `${comment}${call}`;
  // `yield` parses only inside a generator: the snippet is parsed in one and taken out of it.
  const lead = generator ? ((parseStatements(`function* lead() {\n${code}}\n`)[0] as Node & { body: { body: Node[] } }).body.body) : parseStatements(code);
  created.block.splice(created.insertAt, 0, ...lead);
  module.changed = true;
  return edited(`${target.where}: record the signup as a lead (trackLead with the user's id${email ? ' and email' : ''} and the visitor's click id)`);
}

const indented = (code: string, unit: string) => code.split('\n').map((line) => (line ? `${unit}${line}` : line)).join('\n');

interface CreatedUser {
  /** The user's id as an expression: `user.id`, `data.user.id`. */
  id: string;
  /** The user object as an expression. */
  user: string;
  /** A condition the lead runs under when the user may be absent (`data.user`), or null. */
  guard: string | null;
  block: Node[];
  /** Where the lead goes: after the creation and after the checks and saves that follow it. */
  insertAt: number;
  /** The creating expression, for an email it was given. */
  init: Node | null;
}

/**
 * The account the handler creates: `const user = await createUser(…)`, `const [createdUser] = await
 * db.insert(…)`, `const user = new User(…)` (then `await user.save()`), or Supabase's `const { data } =
 * await supabase.auth.signUp(…)`. Among several candidates, the one that awaits a call.
 */
function createdUser(body: Node): CreatedUser | { refused: string } {
  const supabase = supabaseSignUps(body);
  if (supabase.length === 1) {
    const place = enclosingStatementInBlock(supabase[0]);
    const declarator = declaratorAround(supabase[0]);
    if (place && declarator && n.ObjectPattern.check(declarator.id)) {
      const data = declarator.id.properties.find((p) => (n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.key) && p.key.name === 'data');
      if (data && (n.ObjectProperty.check(data) || n.Property.check(data)) && n.Identifier.check(data.value)) {
        const name = data.value.name;
        return { id: `${name}.user.id`, user: `${name}.user`, guard: `${name}.user`, block: place.block, insertAt: afterChecks(place.block, place.index, `${name}`), init: supabase[0].node };
      }
    }
    return { refused: 'Supabase `auth.signUp` whose result is not destructured as `const { data, error } = …`' };
  }
  const candidates: Array<{ name: string; block: Node[]; index: number; init: Node; awaited: boolean; optional: boolean }> = [];
  visit(body, {
    visitFunction() {
      return false;
    },
    visitVariableDeclarator(path) {
      const { id, init } = path.node;
      const name = n.Identifier.check(id)
        ? id.name
        : n.ArrayPattern.check(id) && id.elements.length === 1 && n.Identifier.check(id.elements[0])
          ? id.elements[0].name
          : null;
      if (name && USER_NAMES.has(name) && init && !isFunction(init)) {
        const place = enclosingStatementInBlock(path);
        const awaited = n.AwaitExpression.check(init) || n.NewExpression.check(init);
        if (place) candidates.push({ name, block: place.block, index: place.index, init, awaited, optional: n.ArrayPattern.check(id) });
      }
      this.traverse(path);
    },
  });
  // Among several, the one made (`new User(…)`, `await createUser(…)`), not a lookup (`await User.findOne(…)` checking the email is free).
  const made = candidates.length > 1 ? candidates.filter((c) => c.awaited && !isLookup(c.init)) : candidates;
  const created = made.length > 0 ? made : candidates.filter((c) => c.awaited);
  if (created.length !== 1) {
    const names = [...USER_NAMES].join(', ');
    return {
      refused: candidates.length === 0
        ? `cannot tell which value is the created user (no \`const user = …\`; names looked for: ${names})`
        : `${candidates.length} candidate user values (${candidates.map((d) => d.name).join(', ')}); init will not guess which one was created`,
    };
  }
  const [user] = created;
  const { block, insertAt } = savedIn(user.block, user.index, user.name);
  const checked = block !== user.block || insertAt > user.index + 1;
  return { id: `${user.name}.id`, user: user.name, guard: user.optional && !checked ? user.name : null, block, insertAt, init: user.init };
}

/**
 * Where the created user is known to be stored: after its checks and saves, or — when its fields are
 * set and it is saved in a `try` (`user.provider = 'local'; try { await user.save(); … } catch …`) —
 * after the save inside that `try`, so a failed save records no lead.
 */
function savedIn(block: Node[], index: number, name: string): { block: Node[]; insertAt: number } {
  const at = afterChecks(block, index, name);
  const next = block[at];
  if (n.TryStatement.check(next)) {
    const inner = next.block.body as Node[];
    const first = inner.findIndex((statement) => !isFieldAssignment(statement, name));
    if (first >= 0 && isSave(inner[first], name)) return { block: inner, insertAt: afterChecks(inner, first, name) };
  }
  return { block, insertAt: at };
}

const isFieldAssignment = (statement: Node, name: string) =>
  n.ExpressionStatement.check(statement) && n.AssignmentExpression.check(statement.expression) && memberChain(statement.expression.left)?.[0] === name;

const isSave = (statement: Node, name: string) =>
  n.ExpressionStatement.check(statement) && new RegExp(`^(await|yield) ${name}\\.(save|insert|create|persist)\\(`).test(printNode(statement));

function declaratorAround(path: NodePath): { id: Node } | null {
  for (let p: NodePath | null = path.parent; p; p = p.parent) {
    if (n.VariableDeclarator.check(p.node)) return p.node;
    if (n.Statement.check(p.node)) return null;
  }
  return null;
}

/** The index after the declaration at `index` and the statements right after it that check or save `name` (`if (!user) return …`, `await user.save()`). */
function afterChecks(block: Node[], index: number, name: string): number {
  let at = index + 1;
  while (at < block.length) {
    const statement = block[at];
    const isCheck = n.IfStatement.check(statement) && new RegExp(`\\b${name}\\b`).test(printNode(statement.test)) && !statement.alternate;
    // Fields set on the new object before it is saved (`user.provider = 'local'`) belong to its creation.
    if (!isCheck && !isSave(statement, name) && !isFieldAssignment(statement, name)) break;
    at++;
  }
  return at;
}

/** The user's email where the handler has it: a declared `email`, the created object's `email`, `req.body.email`. */
function emailInScope(body: Node, created: CreatedUser): string | null {
  let declared = false;
  visit(body, {
    visitFunction() {
      return false;
    },
    visitVariableDeclarator(path) {
      const id = path.node.id;
      if (n.Identifier.check(id) && id.name === 'email') declared = true;
      if (n.ObjectPattern.check(id) && id.properties.some((p) => (n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.value) && p.value.name === 'email')) declared = true;
      this.traverse(path);
    },
  });
  if (declared) return 'email';
  if (created.user.endsWith('.user')) return `${created.user}.email`; // Supabase's user carries it
  let passed: string | null = null;
  if (created.init) {
    visit(created.init, {
      visitObjectProperty(path) {
        const key = path.node.key;
        if (n.Identifier.check(key) && key.name === 'email') passed = `${created.user}.email`;
        this.traverse(path);
      },
    });
  }
  if (passed) return passed;
  // Made from the posted form itself (`new User(req.body)`, `User.create(req.body)`): the form's email is the user's.
  const args = created.init && (n.NewExpression.check(created.init) || n.CallExpression.check(created.init) || n.AwaitExpression.check(created.init)) ? argumentsOf(created.init) : [];
  if (args.some((arg) => /^(req|request)\.body$/.test(memberChain(arg)?.join('.') ?? ''))) return `${created.user}.email`;
  const source = printNode(body);
  const bodyEmail = /\b(req|request)\.body\.email\b/.exec(source);
  return bodyEmail ? bodyEmail[0] : null;
}

/** The arguments of `new X(…)`, `f(…)` or `await f(…)`. */
function argumentsOf(node: Node): Node[] {
  const inner = n.AwaitExpression.check(node) ? node.argument : node;
  return n.NewExpression.check(inner) || n.CallExpression.check(inner) ? (inner.arguments as Node[]) : [];
}

/**
 * Passport strategies (OAuth sign-ins that create the account on first use): `new User(…)` or
 * `User.create(…)` in a module that configures a strategy. Their callbacks run without the request
 * unless the strategy passes it (`passReqToCallback`), and save in callbacks or helpers: named, not edited.
 */
export function passportAccountCreations(module: ParsedModule): number[] {
  if (/(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$/.test(module.file)) return []; // tests make users of their own
  if (!/Strategy\b/.test(module.source) || !/(require\(\s*|from\s*)['"]passport/.test(module.source)) return [];
  const lines: number[] = [];
  const isAccountModel = (node: Node) => n.Identifier.check(node) && /^(User|Account)$/.test(node.name);
  visit(module.ast.program, {
    visitNewExpression(path) {
      if (isAccountModel(path.node.callee)) lines.push(lineOf(path.node));
      this.traverse(path);
    },
    visitCallExpression(path) {
      const chain = memberChain(path.node.callee);
      if (chain && chain.length === 2 && /^(User|Account)$/.test(chain[0]) && chain[1] === 'create') lines.push(lineOf(path.node));
      this.traverse(path);
    },
  });
  return lines;
}

/** `await User.findOne(…)`, `await db.user.findUnique(…)`, `await getUser(…)`: reading an account, not making one. */
function isLookup(init: Node): boolean {
  const call = n.AwaitExpression.check(init) ? init.argument : init;
  if (!n.CallExpression.check(call)) return false;
  const chain = memberChain(call.callee as Node);
  return /^(find|get|load|select|fetch|query|exists)/i.test(chain?.at(-1) ?? '');
}
