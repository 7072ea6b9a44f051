// The server-side lead: after the signup handler has created the user, `affitor.trackLead` with the
// visitor's click id from the request's cookies. Finds the handler in Express/Fastify route calls,
// plain node:http `if (req.url === '/signup')` branches, Next.js route handlers and API routes.
import {
  containsCall,
  enclosingStatementInBlock,
  ensureNamedImports,
  isCommonJs,
  isFunction,
  lineOf,
  memberChain,
  n,
  parseStatements,
  visit,
  type FunctionNode,
  type Node,
  type NodePath,
  type ParsedModule,
} from './ast.js';
import { ensureServerClient, SERVER_ENTRY } from './server-client.js';
import { edited, present, refused, type EditOutcome } from './types.js';

/** Path segments that name a signup endpoint. */
const SIGNUP_SEGMENTS = new Set(['signup', 'sign-up', 'sign_up', 'register', 'registration']);
/** Variable names a signup handler gives the account it just created. */
const USER_NAMES = new Set(['user', 'newUser', 'createdUser', 'account', 'customer']);

export interface SignupHandler {
  module: ParsedModule;
  /** The function that handles the request. */
  handler: FunctionNode;
  /** Where the signup code is: the handler's body, or the `if (req.url === '/signup')` branch. */
  body: Node;
  /** `file:line` of the route, for messages. */
  where: string;
  line: number;
}

const lastSegment = (path: string): string => {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
};
const isSignupPath = (path: string): boolean => SIGNUP_SEGMENTS.has(lastSegment(path).toLowerCase());

/** Next.js file-system routes: `app/**\/signup/route.ts` and `pages/api/**\/signup.ts` (or `…/signup/index.ts`). */
function nextRouteKind(file: string): 'app-route' | 'pages-api' | null {
  const parts = file.split('/');
  const name = parts[parts.length - 1];
  const base = name.slice(0, name.lastIndexOf('.'));
  const appIndex = parts.indexOf('app');
  if (appIndex >= 0 && base === 'route' && isSignupPath(parts.slice(0, -1).join('/'))) return 'app-route';
  const pagesIndex = parts.indexOf('pages');
  if (pagesIndex >= 0 && parts[pagesIndex + 1] === 'api') {
    const route = base === 'index' ? parts.slice(0, -1).join('/') : `${parts.slice(0, -1).join('/')}/${base}`;
    if (isSignupPath(route)) return 'pages-api';
  }
  return null;
}

/** Every signup handler init can see in one module. */
export function findSignupHandlers(module: ParsedModule): SignupHandler[] {
  const found: SignupHandler[] = [];
  const at = (node: Node) => ({ where: `${module.file}:${lineOf(node)}`, line: lineOf(node) });
  const program = module.ast.program;
  const routeKind = nextRouteKind(module.file);

  if (routeKind === 'app-route') {
    for (const statement of program.body) {
      if (!n.ExportNamedDeclaration.check(statement)) continue;
      const declaration = statement.declaration;
      if (n.FunctionDeclaration.check(declaration) && declaration.id?.name === 'POST') {
        found.push({ module, handler: declaration, body: declaration.body, ...at(statement) });
      }
      if (n.VariableDeclaration.check(declaration)) {
        for (const d of declaration.declarations) {
          if (n.VariableDeclarator.check(d) && n.Identifier.check(d.id) && d.id.name === 'POST' && isFunction(d.init)) {
            found.push({ module, handler: d.init, body: d.init.body, ...at(d) });
          }
        }
      }
    }
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

  visit(program, {
    // app.post('/signup', …, handler) — Express, Fastify, Hono-style routers.
    visitCallExpression(path) {
      const { callee, arguments: args } = path.node;
      const chain = memberChain(callee);
      const route = args[0];
      const handler = args[args.length - 1];
      if (
        chain && chain.length >= 2 && chain[chain.length - 1] === 'post' &&
        n.StringLiteral.check(route) && isSignupPath(route.value) && isFunction(handler)
      ) {
        found.push({ module, handler, body: handler.body, ...at(path.node) });
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

/** Adds the lead call to the one signup handler. */
export function addSignupLead(target: SignupHandler): EditOutcome {
  const { module, handler, body } = target;
  if (containsCall(body, 'trackLead')) return present;
  if (isCommonJs(module.ast.program)) {
    return refused(`line ${target.line}: CommonJS module (require); affitor-tracker is ESM-only — convert the file to \`import\` or add the lead by hand (README "Express: a signup handler that forwards the click id")`);
  }
  const request = handler.params[0];
  if (!n.Identifier.check(request)) {
    return refused(`line ${target.line}: the handler's first parameter is not a plain name, so init cannot pass the request to clickIdFromRequest`);
  }
  if (!handler.async) {
    return refused(`line ${target.line}: the signup handler is not async; add \`await affitor.trackLead(…)\` after the user is created by hand`);
  }
  const userDeclarations = findUserDeclarations(body);
  if (userDeclarations.length !== 1) {
    const names = [...USER_NAMES].join(', ');
    return refused(
      userDeclarations.length === 0
        ? `line ${target.line}: cannot tell which value is the created user (no \`const user = …\`; names looked for: ${names})`
        : `line ${target.line}: ${userDeclarations.length} candidate user values (${userDeclarations.map((d) => d.name).join(', ')}); init will not guess which one was created`,
    );
  }
  const [user] = userDeclarations;
  const access = ensureServerClient(module);
  if ('refused' in access) return refused(access.refused);
  ensureNamedImports(module.ast.program, SERVER_ENTRY, ['clickIdFromRequest']);
  const lead = parseStatements(
    `// Affitor: the signup is a lead of the visitor's click (never fails the signup; the result says why when not recorded).\n` +
      `const affitorLead = await ${access.client}?.trackLead({ customerExternalId: String(${user.name}.id), clickId: clickIdFromRequest(${request.name}) });\n` +
      'if (affitorLead && !affitorLead.ok) console.warn(`Affitor lead not recorded (${affitorLead.code}): ${affitorLead.error}`);\n',
  );
  user.block.splice(user.index + 1, 0, ...lead);
  module.changed = true;
  return edited(`${target.where}: record the signup as a lead (trackLead with the click id from the request's cookies)`);
}

interface UserDeclaration {
  name: string;
  block: Node[];
  index: number;
}

/** `const user = await createUser(…)` / `const user = {…}` declarations in the handler body, not inside nested functions. */
function findUserDeclarations(body: Node): UserDeclaration[] {
  const found: UserDeclaration[] = [];
  visit(body, {
    visitFunction() {
      return false;
    },
    visitVariableDeclarator(path) {
      const { id, init } = path.node;
      if (n.Identifier.check(id) && USER_NAMES.has(id.name) && init && !isFunction(init)) {
        const place = enclosingStatementInBlock(path);
        if (place) found.push({ name: id.name, block: place.block, index: place.index });
      }
      this.traverse(path);
    },
  });
  return found;
}
