// Auth libraries record the lead themselves once told to: better-auth through the `affitor` plugin,
// NextAuth / Auth.js through its `createUser` event, Clerk through the click id in the sign-up's
// `unsafeMetadata` and its `user.created` webhook. Supabase sign-ups are leads of the server action
// that calls `auth.signUp` (signup-lead.ts); in the browser, `trackSupabaseSignups(supabase)`.
import { b, ensureNames, indentUnit, isTypeScript, lineIndent, lineOf, n, offsets, printNode, spliceNamedImports, spliceProperty, visit, type Node, type NodePath, type ParsedModule } from './ast.js';
import { SERVER_ENTRY } from './server-client.js';
import { edited, present, refused, todo, type EditOutcome } from './types.js';

type ObjectNode = Node & { properties: Node[] };

const keyName = (property: Node): string | null => {
  if (!n.ObjectProperty.check(property) && !n.Property.check(property) && !n.ObjectMethod.check(property)) return null;
  const key = property.key;
  if (n.Identifier.check(key)) return key.name;
  if (n.StringLiteral.check(key)) return key.value;
  return null;
};
const propertyOf = (object: ObjectNode, key: string) => object.properties.find((p) => keyName(p) === key) as (Node & { value: Node }) | undefined;

/** The options object of the first call to `callee(…)` in the module: an object literal, or a `const` holding one (`satisfies` / `as` included). */
function configOf(module: ParsedModule, callee: string): ObjectNode | null {
  let found: ObjectNode | null = null;
  let named: string | null = null;
  visit(module.ast.program, {
    visitCallExpression(path) {
      const c = path.node.callee;
      const argument = path.node.arguments[0];
      if (!found && !named && n.Identifier.check(c) && c.name === callee) {
        if (n.ObjectExpression.check(argument)) found = argument as never;
        else if (n.Identifier.check(argument)) named = argument.name;
      }
      this.traverse(path);
    },
  });
  if (found || !named) return found;
  visit(module.ast.program, {
    visitVariableDeclarator(path) {
      const { id, init } = path.node;
      if (!found && n.Identifier.check(id) && id.name === named) {
        const value = n.TSSatisfiesExpression.check(init) || n.TSAsExpression.check(init) ? init.expression : init;
        if (n.ObjectExpression.check(value)) found = value as never;
      }
      this.traverse(path);
    },
  });
  return found;
}

export const callsFunction = (module: ParsedModule, callee: string): boolean => {
  let found = false;
  visit(module.ast.program, {
    visitCallExpression(path) {
      if (n.Identifier.check(path.node.callee) && path.node.callee.name === callee) found = true;
      this.traverse(path);
    },
  });
  return found;
};

// A function that makes the client, not a client: the auth entries call it at the first new account,
// so the config module loads where AFFITOR_API_KEY is not set (`next build` evaluates it without the
// runtime secrets, and `new Affitor()` without a key throws there). docs/better-auth.md, docs/next-auth.md.
const CLIENT = "() => new Affitor({ apiKey: process.env.AFFITOR_API_KEY!, apiUrl: process.env.AFFITOR_API_URL })";
const client = (file: string) => (isTypeScript(file) ? CLIENT : CLIENT.replace('!', ''));
/** The one-line form the refusals name (the key alone; the docs page has the rest). */
export const LAZY_CLIENT = '() => new Affitor({ apiKey: process.env.AFFITOR_API_KEY! })';

/** better-auth: `plugins: [affitor({ affitor: new Affitor({ apiKey }) })]` in `betterAuth({…})`. */
export function addBetterAuthPlugin(module: ParsedModule): EditOutcome {
  if (module.source.includes('affitor-tracker/better-auth')) return present;
  const config = configOf(module, 'betterAuth');
  const plugin = `affitor({ affitor: ${client(module.file)} })`;
  if (!config) return refused(`no \`betterAuth({ … })\` options object; add \`plugins: [${plugin}]\` (import { affitor } from 'affitor-tracker/better-auth') by hand`);
  const plugins = propertyOf(config, 'plugins');
  if (plugins && !n.ArrayExpression.check(plugins.value)) return refused(`line ${lineOf(plugins)}: \`plugins\` is not an array literal; add ${plugin} to it by hand`);
  if (plugins) {
    const elements = (plugins.value as Node & { elements: Node[] }).elements;
    const last = elements[elements.length - 1];
    const array = offsets(module, plugins.value);
    if (last && module.source.slice(array.start, array.end).includes('\n')) {
      // One element a line: the plugin on a line of its own, like the others (their trailing comma kept).
      const end = offsets(module, last).end;
      const trailingComma = /^\s*,/.test(module.source.slice(end, array.end - 1));
      const at = trailingComma ? module.source.indexOf(',', end) + 1 : end;
      module.splices.push({ start: at, end: at, text: `${trailingComma ? '' : ','}\n${lineIndent(module.source, offsets(module, last).start)}${plugin}${trailingComma ? ',' : ''}` });
    } else {
      const at = last ? offsets(module, last).end : array.start + 1;
      module.splices.push({ start: at, end: at, text: last ? `, ${plugin}` : plugin });
    }
  } else {
    spliceProperty(module, config, 'plugins', `[${plugin}]`);
  }
  spliceNamedImports(module, 'affitor-tracker/better-auth', ['affitor']);
  spliceNamedImports(module, SERVER_ENTRY, ['Affitor']);
  return edited(`${module.file}:${lineOf(config)}: the affitor plugin in betterAuth (every sign-up becomes a lead with the visitor's click id)`);
}

/**
 * NextAuth / Auth.js: `events: { createUser: affitorCreateUser({ affitor, clickFrom }) }` in the
 * options; `clickFrom: cookies` (next/headers) where the App Router runs it, so the lead carries the
 * visitor's click.
 */
export function addNextAuthEvent(module: ParsedModule, { appRouter }: { appRouter: boolean }): EditOutcome {
  if (module.source.includes('affitor-tracker/next-auth')) return present;
  const config = configOf(module, 'NextAuth') ?? typedOptions(module);
  const cookies = appRouter ? cookiesName(module) : null;
  const event = `affitorCreateUser({ affitor: ${client(module.file)}${cookies ? `, clickFrom: ${cookies}` : ''} })`;
  if (!config) return refused(`no NextAuth options object init can edit; add \`events: { createUser: ${event} }\` (import { affitorCreateUser } from 'affitor-tracker/next-auth') by hand`);
  const events = propertyOf(config, 'events');
  if (events && !n.ObjectExpression.check(events.value)) return refused(`line ${lineOf(events)}: \`events\` is not an object literal; add createUser: ${event} by hand`);
  if (events && propertyOf(events.value as ObjectNode, 'createUser')) {
    return refused(`line ${lineOf(events)}: \`events.createUser\` is already yours; call \`await ${event}(message)\` inside it by hand`);
  }
  if (events) spliceProperty(module, events.value as ObjectNode, 'createUser', event);
  else spliceProperty(module, config, 'events', `{\n${indentUnit(module.source)}createUser: ${event}\n}`);
  if (cookies === 'cookies') spliceNamedImports(module, 'next/headers', ['cookies']);
  spliceNamedImports(module, 'affitor-tracker/next-auth', ['affitorCreateUser']);
  spliceNamedImports(module, SERVER_ENTRY, ['Affitor']);
  return edited(`${module.file}:${lineOf(config)}: NextAuth's createUser event records the lead (affitorCreateUser; needs a database adapter)`);
}

/** The module's name for next/headers' `cookies`: its own import, else `cookies` when that name is free; null when taken. */
function cookiesName(module: ParsedModule): string | null {
  for (const statement of module.ast.program.body) {
    if (!n.ImportDeclaration.check(statement) || statement.source.value !== 'next/headers') continue;
    for (const spec of statement.specifiers ?? []) {
      if (n.ImportSpecifier.check(spec) && n.Identifier.check(spec.imported) && spec.imported.name === 'cookies') return n.Identifier.check(spec.local) ? spec.local.name : 'cookies';
    }
  }
  return /\bcookies\b/.test(module.source) ? null : 'cookies';
}

/** `export const authOptions: NextAuthOptions = {…}` (NextAuth 4) or `{…} satisfies NextAuthConfig` (Auth.js). */
function typedOptions(module: ParsedModule): ObjectNode | null {
  let found: ObjectNode | null = null;
  visit(module.ast.program, {
    visitVariableDeclarator(path) {
      const { id, init } = path.node;
      const annotation = n.Identifier.check(id) && id.typeAnnotation && n.TSTypeAnnotation.check(id.typeAnnotation) ? id.typeAnnotation.typeAnnotation : null;
      const typeName = annotation && n.TSTypeReference.check(annotation) && n.Identifier.check(annotation.typeName) ? annotation.typeName.name : null;
      if (!found && typeName && /^(NextAuthOptions|NextAuthConfig|AuthOptions)$/.test(typeName) && n.ObjectExpression.check(init)) found = init as never;
      const satisfied = n.TSSatisfiesExpression.check(init) && n.TSTypeReference.check(init.typeAnnotation) && n.Identifier.check(init.typeAnnotation.typeName) ? init : null;
      if (!found && satisfied && /^(NextAuthConfig|NextAuthOptions)$/.test((satisfied.typeAnnotation as never as { typeName: { name: string } }).typeName.name) && n.ObjectExpression.check(satisfied.expression)) {
        found = satisfied.expression as never;
      }
      this.traverse(path);
    },
  });
  return found;
}

/** Clerk: `unsafeMetadata={clerkSignUpMetadata()}` on each `<SignUp />`. */
export function addClerkSignUpMetadata(module: ParsedModule): EditOutcome[] {
  const outcomes: EditOutcome[] = [];
  visit(module.ast.program, {
    visitJSXOpeningElement(path) {
      const name = path.node.name;
      if (n.JSXIdentifier.check(name) && name.name === 'SignUp') {
        const attributes = path.node.attributes ?? [];
        const has = attributes.find((a) => n.JSXAttribute.check(a) && n.JSXIdentifier.check(a.name) && a.name.name === 'unsafeMetadata');
        if (has && module.source.includes('clerkSignUpMetadata')) outcomes.push(present);
        else if (has) outcomes.push(refused(`line ${lineOf(path.node)}: <SignUp> already has its own unsafeMetadata; add \`...clerkSignUpMetadata()\` (from 'affitor-tracker/clerk') into it by hand`));
        else {
          attributes.push(b.jsxAttribute(b.jsxIdentifier('unsafeMetadata'), b.jsxExpressionContainer(b.callExpression(b.identifier('clerkSignUpMetadata'), []))));
          path.node.attributes = attributes;
          ensureNames(module.ast.program, 'affitor-tracker/clerk', ['clerkSignUpMetadata']);
          module.changed = true;
          outcomes.push(edited(`${module.file}:${lineOf(path.node)}: the visitor's click id in the Clerk sign-up's unsafeMetadata (clerkSignUpMetadata)`));
        }
      }
      this.traverse(path);
    },
  });
  return outcomes;
}

/** A Next.js route handler for Clerk's `user.created` webhook (svix-signed): the lead with the click id the sign-up carried. */
export function clerkWebhookRoute(typescript: boolean): string {
  return [
    "import { handleClerkWebhook } from 'affitor-tracker/clerk';",
    "import { Affitor } from 'affitor-tracker/server';",
    '',
    '// Clerk → Webhooks: an endpoint at /api/webhooks/clerk for the user.created event; its Signing Secret is',
    '// CLERK_WEBHOOK_SIGNING_SECRET. Records each sign-up as a lead of the click its unsafeMetadata carries.',
    `export async function POST(request${typescript ? ': Request' : ''}) {`,
    '  const apiKey = process.env.AFFITOR_API_KEY;',
    '  const secret = process.env.CLERK_WEBHOOK_SIGNING_SECRET;',
    "  if (!apiKey || !secret) return new Response('AFFITOR_API_KEY or CLERK_WEBHOOK_SIGNING_SECRET is not set', { status: 500 });",
    '  const outcome = await handleClerkWebhook({',
    '    rawBody: await request.text(),',
    '    headers: request.headers,',
    '    secret,',
    '    affitor: new Affitor({ apiKey, apiUrl: process.env.AFFITOR_API_URL }),',
    '  });',
    '  return Response.json(outcome.error ? { error: outcome.error } : { ok: true }, { status: outcome.httpStatus });',
    '}',
    '',
  ].join('\n');
}

/** Client-side Supabase: the exact edit, named at each sign-up when init finds no place where the browser client is made. */
export const SUPABASE_BROWSER_STEP =
  "after creating the browser client, call `trackSupabaseSignups(supabase)` (import { trackSupabaseSignups } from 'affitor-tracker/supabase'): every sign-up in this browser becomes a lead with the visitor's click id";

/** The functions that make a Supabase client in the browser, by the module they come from. */
const SUPABASE_CLIENT_MAKERS: Record<string, string> = { createBrowserClient: '@supabase/ssr', createClient: '@supabase/supabase-js' };

/** `createBrowserClient(…)` (@supabase/ssr) and `createClient(…)` (@supabase/supabase-js) calls of a module, under whatever local names it imports them. */
export function supabaseClientCalls(module: ParsedModule): NodePath[] {
  const makers = new Map<string, string>();
  for (const statement of module.ast.program.body) {
    if (!n.ImportDeclaration.check(statement) || statement.importKind === 'type') continue;
    for (const spec of statement.specifiers ?? []) {
      if (!n.ImportSpecifier.check(spec) || !n.Identifier.check(spec.imported) || !spec.local) continue;
      if (n.Identifier.check(spec.local) && SUPABASE_CLIENT_MAKERS[spec.imported.name] === statement.source.value) makers.set(spec.local.name, spec.imported.name);
    }
  }
  const calls: NodePath[] = [];
  if (makers.size === 0) return calls;
  visit(module.ast.program, {
    visitCallExpression(path) {
      if (n.Identifier.check(path.node.callee) && makers.has(path.node.callee.name)) calls.push(path);
      this.traverse(path);
    },
  });
  return calls;
}

/**
 * Browser sign-ups (the Auth UI's `<Auth>`, `auth.signUp` in a component) become leads where the
 * browser client is made: `trackSupabaseSignups(supabase)` right after `const supabase =
 * createBrowserClient(…)` — under the test of `isBrowser() ? createBrowserClient(…) :
 * createServerClient(…)` (a SvelteKit universal load), or `typeof window !== 'undefined'` for
 * supabase-js's `createClient`, which servers use too. A factory's `return createBrowserClient(…)`
 * becomes `const supabase = …; trackSupabaseSignups(supabase); return supabase`. Code that runs again
 * (a load function, a factory) is fine: a client is listened to once.
 */
export function addSupabaseSignupTracking(module: ParsedModule): EditOutcome[] {
  const outcomes: EditOutcome[] = [];
  const comment = "// Affitor: a new account's first sign-in in this browser is a lead of the visitor's click (once per account).";
  for (const call of supabaseClientCalls(module)) {
    const maker = (call.node.callee as Node & { name: string }).name as string;
    const conditional = n.ConditionalExpression.check(call.parent?.node) && call.parent.node.consequent === call.node ? call.parent : null;
    const holder = (conditional ?? call).parent;
    const statement = n.ReturnStatement.check(holder?.node) ? holder : holder?.parent;
    const inBlock = n.Program.check(statement?.parent?.node) || n.BlockStatement.check(statement?.parent?.node);
    const where = `${module.file}:${lineOf(call.node)}`;
    const declared = n.VariableDeclarator.check(holder?.node) && n.Identifier.check(holder.node.id) && n.VariableDeclaration.check(statement?.node) ? holder.node.id.name : null;
    const returned = n.ReturnStatement.check(statement?.node) && !declared && !conditional && !declaresName(statement, 'supabase') ? 'supabase' : null;
    const name = declared ?? returned;
    if (!name || !inBlock) {
      outcomes.push(todo(`${where}: the browser's Supabase client is made here, in a shape init does not edit; call \`trackSupabaseSignups(client)\` (affitor-tracker/supabase) on it where it is made: every sign-up in this browser becomes a lead with the visitor's click id`));
      continue;
    }
    const guard = conditional
      ? printNode((conditional.node as Node & { test: Node }).test)
      : SUPABASE_CLIENT_MAKERS[maker] === '@supabase/supabase-js' && !/^\s*['"]use client['"]/.test(module.source)
        ? "typeof window !== 'undefined'"
        : null;
    const { start, end } = offsets(module, statement.node);
    const semicolon = module.source.slice(start, end).trimEnd().endsWith(';') ? ';' : '';
    const indent = lineIndent(module.source, start);
    const track = `${guard ? `if (${guard}) ` : ''}trackSupabaseSignups(${name})${semicolon}`;
    if (returned) {
      // `return createBrowserClient(…)` → `const supabase = createBrowserClient(…)`, then track it and return it.
      module.splices.push({ start, end: start + 'return'.length, text: `const ${name} =` });
      module.splices.push({ start: end, end, text: `\n${indent}${comment}\n${indent}${track}\n${indent}return ${name}${semicolon}` });
    } else {
      module.splices.push({ start: end, end, text: `\n${indent}${comment}\n${indent}${track}` });
    }
    spliceNamedImports(module, 'affitor-tracker/supabase', ['trackSupabaseSignups']);
    outcomes.push(edited(`${where}: sign-ups in the browser become leads (trackSupabaseSignups on the client made here)`));
  }
  return outcomes;
}

/** Does the function around `path` already use `name` (a parameter or a declaration)? */
function declaresName(path: NodePath, name: string): boolean {
  for (let p: NodePath | null = path.parent; p; p = p.parent) {
    if (n.FunctionDeclaration.check(p.node) || n.FunctionExpression.check(p.node) || n.ArrowFunctionExpression.check(p.node)) {
      return new RegExp(`\\b${name}\\b`).test(printNode(p.node));
    }
  }
  return false;
}
