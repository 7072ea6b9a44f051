// Stripe: Checkout Sessions get Affitor's metadata through `withAffitorCheckout` (so renewals stay
// attributed), and a self-hosted webhook that verifies with `stripe.webhooks.constructEvent` records
// the sale/refund with `handleStripeWebhook`, reusing the very body, signature and secret it verifies.
import {
  b,
  containsCall,
  enclosingFunction,
  enclosingStatementInBlock,
  ensureNamedImports,
  ensureNames,
  inFileQuotes,
  lineOf,
  memberChain,
  n,
  parseExpression,
  parseStatements,
  printNode,
  programIdSource,
  visit,
  type Expression,
  type FunctionNode,
  type Node,
  type NodePath,
  type ParsedModule,
} from './ast.js';
import { ensureServerClient, SERVER_ENTRY } from './server-client.js';
import { edited, present, refused, type EditOutcome } from './types.js';

export const STRIPE_ENTRY = 'affitor-tracker/stripe';

const endsWith = (chain: string[] | null, tail: string[]) =>
  !!chain && chain.length > tail.length && tail.every((name, i) => chain[chain.length - tail.length + i] === name);

export const isCheckoutCreate = (callee: unknown) => endsWith(memberChain(callee as never), ['checkout', 'sessions', 'create']);
export const isConstructEvent = (callee: unknown) => {
  const chain = memberChain(callee as never);
  return endsWith(chain, ['webhooks', 'constructEvent']) || endsWith(chain, ['webhooks', 'constructEventAsync']);
};

export function usesStripeCall(module: ParsedModule, test: (callee: unknown) => boolean): boolean {
  let found = false;
  visit(module.ast.program, {
    visitCallExpression(path) {
      if (test(path.node.callee)) found = true;
      this.traverse(path);
    },
  });
  return found;
}

/** Paths of every call in the module whose callee passes `test`. */
function callsOf(module: ParsedModule, test: (callee: unknown) => boolean): NodePath[] {
  const paths: NodePath[] = [];
  visit(module.ast.program, {
    visitCallExpression(path) {
      if (test(path.node.callee)) paths.push(path);
      this.traverse(path);
    },
  });
  return paths;
}

/** Parameter names and types that are a request (a helper's first parameter is often something else: a team, a price). */
const REQUEST_NAMES = new Set(['req', 'request']);
const REQUEST_TYPES = /^(Request|NextRequest|IncomingMessage|FastifyRequest|(express\.)?Request|NextApiRequest)$/;

/** The request a handler received: its first parameter (`req`, `request: Request`, `{ request }`). */
function requestName(fn: FunctionNode | null): string | null {
  const first = fn?.params[0];
  if (n.Identifier.check(first)) {
    const type = first.typeAnnotation && n.TSTypeAnnotation.check(first.typeAnnotation) ? printNode(first.typeAnnotation.typeAnnotation) : '';
    return REQUEST_NAMES.has(first.name) || REQUEST_TYPES.test(type) ? first.name : null;
  }
  if (n.ObjectPattern.check(first)) {
    for (const p of first.properties) {
      if ((n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.key) && p.key.name === 'request' && n.Identifier.check(p.value)) return p.value.name;
    }
  }
  return null;
}

/** A Remix / React Router / SvelteKit handler destructures its event (`{ params, url }`): the event holds the request too. */
function destructuresEvent(fn: FunctionNode | null, frameworkEvent: boolean): boolean {
  const first = fn?.params[0];
  return frameworkEvent && n.ObjectPattern.check(first) && !first.properties.some((p) => n.RestElement.check(p) || n.SpreadElement.check(p));
}

/** `user.id` when the function holding the Checkout has the signed-in user (`const user = …`, a `user` parameter, `session.user`). */
function customerKeyInScope(fn: FunctionNode | null): string | null {
  if (!fn) return null;
  const names = new Set<string>();
  for (const param of fn.params) if (n.Identifier.check(param)) names.add(param.name);
  visit(fn.body, {
    visitFunction() {
      return false;
    },
    visitVariableDeclarator(path) {
      const id = path.node.id;
      if (n.Identifier.check(id)) names.add(id.name);
      if (n.ObjectPattern.check(id)) {
        for (const p of id.properties) if ((n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.value)) names.add(p.value.name);
      }
      this.traverse(path);
    },
  });
  if (names.has('user')) return 'user.id';
  if (names.has('session') && /\bsession\??\.user\b/.test(printNode(fn.body))) return 'session.user.id';
  return null;
}

export interface CheckoutContext {
  programId: string;
  /** A Next.js app: a helper without a request reads the click id with `cookies()` (it runs inside the request). */
  next: boolean;
  /** Remix / React Router / SvelteKit: a handler's destructured first parameter is the event that holds `request`. */
  frameworkEvent: boolean;
}

/** Wraps each `stripe.checkout.sessions.create(params)` options (an object, or a variable holding them) in `withAffitorCheckout(…, ids)`. */
export function addCheckoutMetadata(module: ParsedModule, context: CheckoutContext): EditOutcome[] {
  const outcomes: EditOutcome[] = [];
  const program = module.ast.program;
  for (const path of callsOf(module, isCheckoutCreate)) {
    const line = `line ${lineOf(path.node)}`;
    const [params] = path.node.arguments as Expression[];
    if (n.CallExpression.check(params) && n.Identifier.check(params.callee) && params.callee.name === 'withAffitorCheckout') {
      outcomes.push(present);
      continue;
    }
    const handlerPath = enclosingFunction(path);
    const handler = handlerPath ? (handlerPath.node as FunctionNode) : null;
    const customerKey = customerKeyInScope(handler);
    const ids = (clickId: string) => `{ clickId: ${clickId}, ${customerKey ? `customerKey: ${customerKey}, ` : ''}programId: ${programIdSource(context.programId)} }`;
    if (!params || n.SpreadElement.check(params)) {
      outcomes.push(refused(`${line}: the Checkout options are spread into the call; wrap them in withAffitorCheckout(params, ${ids('clickIdFromRequest(req)')}) by hand`));
      continue;
    }
    let request = requestName(handler);
    if (!request && destructuresEvent(handler, context.frameworkEvent)) {
      const pattern = handler!.params[0] as Node & { properties: Node[] };
      const property = b.objectProperty(b.identifier('request'), b.identifier('request'));
      property.shorthand = true;
      pattern.properties.push(property as never);
      request = 'request';
    }
    let clickId: string;
    if (request) {
      ensureNames(program, SERVER_ENTRY, ['clickIdFromRequest']);
      clickId = `clickIdFromRequest(${request})`;
    } else if (context.next && handler?.async) {
      // A helper called from a server action or route handler: Next.js gives it the request's cookies.
      ensureNames(program, SERVER_ENTRY, ['clickIdFrom']);
      ensureNamedImports(program, 'next/headers', ['cookies']);
      clickId = 'clickIdFrom(await cookies())';
    } else {
      outcomes.push(
        refused(
          `${line}: no request in scope to read the click id from (the function is a helper); give it the click id from where it is called — \`clickIdFromRequest(req)\` there, \`clickIdFrom(await cookies())\` in a Next.js server action or route handler — and write \`stripe.checkout.sessions.create(withAffitorCheckout(${printNode(params).length > 40 ? 'params' : printNode(params)}, ${ids('clickId')}))\` here`,
        ),
      );
      continue;
    }
    path.node.arguments[0] = b.callExpression(b.identifier('withAffitorCheckout'), [params, parseExpression(ids(clickId)) as never]);
    ensureNames(program, STRIPE_ENTRY, ['withAffitorCheckout']);
    module.changed = true;
    outcomes.push(
      edited(`${module.file}:${lineOf(path.node)}: Affitor metadata on the Checkout Session (withAffitorCheckout: the click id${customerKey ? ' and the customer key' : ''}, also on the subscription)`),
    );
  }
  return outcomes;
}

/** After `event = stripe.webhooks.constructEvent(body, signature, secret)`: record the sale/refund. */
export function addWebhookHandler(module: ParsedModule, programId: string, blockedBy: string | null = null): EditOutcome[] {
  const outcomes: EditOutcome[] = [];
  for (const path of callsOf(module, isConstructEvent)) {
    const line = `line ${lineOf(path.node)}`;
    const handlerPath = enclosingFunction(path);
    const handler = handlerPath ? (handlerPath.node as FunctionNode) : null;
    if (handler && containsCall(handler.body, 'handleStripeWebhook')) {
      outcomes.push(present);
      continue;
    }
    if (blockedBy) {
      // A webhook recording sales of Checkouts that never carry the click would attribute none of them.
      outcomes.push(refused(`${line}: not wired while the Checkout is not (${blockedBy}); wire that first, then rerun init`));
      continue;
    }
    if (!handler || !handler.async) {
      outcomes.push(refused(`${line}: the webhook handler is not an async function; add handleStripeWebhook by hand (docs/stripe.md#self-hosted-webhook)`));
      continue;
    }
    const args = path.node.arguments as Expression[];
    if (args.length < 3 || !args.slice(0, 3).every(isReadOnlyExpression)) {
      outcomes.push(refused(`${line}: constructEvent's body, signature and secret are not plain names or property reads, so init cannot pass the same values again`));
      continue;
    }
    const place = enclosingStatementInBlock(path);
    if (!place) {
      outcomes.push(refused(`${line}: constructEvent is not a statement of its own; add handleStripeWebhook by hand`));
      continue;
    }
    const access = ensureServerClient(module);
    if ('refused' in access) {
      outcomes.push(refused(access.refused));
      continue;
    }
    const [rawBody, signature, secret] = args.slice(0, 3).map(printNode); // the user's expressions, as written
    // The merchant's own handling after this point always runs: an Affitor outage must not hold the
    // order hostage (no early 500). A sale not recorded is logged with how to recover it.
    const statements = parseStatements(
      `// Affitor: record the sale or refund this event carries (idempotent: a redelivery is a duplicate, not a second sale).\n` +
        `const affitorServer = ${access.client};\n` +
        `const affitorOutcome = affitorServer && (await handleStripeWebhook({ rawBody: ${rawBody}, signature: ${signature}, secret: ${secret}, affitor: affitorServer, programId: ${programIdSource(programId)} }));\n` +
        inFileQuotes(module, "if (affitorOutcome?.error) console.warn(`Affitor: Stripe webhook ${affitorOutcome.event?.type ?? ''}: ${affitorOutcome.error}${affitorOutcome.retryable ? ' (not recorded: resend the event from the Stripe dashboard once fixed)' : ''}`);\n"),
    );
    place.block.splice(place.index + 1, 0, ...statements);
    ensureNames(module.ast.program, STRIPE_ENTRY, ['handleStripeWebhook']);
    module.changed = true;
    outcomes.push(edited(`${module.file}:${lineOf(path.node)}: record the sale/refund from the verified event (handleStripeWebhook)`));
  }
  return outcomes;
}

/** Names and property reads (`req.body`, `req.headers['stripe-signature']`, `x as string`) can be evaluated twice safely. */
function isReadOnlyExpression(node: unknown): boolean {
  if (n.Identifier.check(node) || n.StringLiteral.check(node)) return true;
  if (n.MemberExpression.check(node)) return isReadOnlyExpression(node.object) && (!node.computed || isReadOnlyExpression(node.property));
  if (n.TSAsExpression.check(node) || n.TSNonNullExpression.check(node)) return isReadOnlyExpression(node.expression);
  return false;
}
