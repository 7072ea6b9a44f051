// Stripe: Checkout Sessions get Affitor's metadata through `withAffitorCheckout` (so renewals stay
// attributed), and a self-hosted webhook that verifies with `stripe.webhooks.constructEvent` records
// the sale/refund with `handleStripeWebhook`, reusing the very body, signature and secret it verifies.
import {
  b,
  containsCall,
  enclosingFunction,
  enclosingStatementInBlock,
  ensureNamedImports,
  isCommonJs,
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

/** The request a handler received: its first parameter, when it is a plain name. */
function requestName(fn: FunctionNode | null): string | null {
  const first = fn?.params[0];
  return n.Identifier.check(first) ? first.name : null;
}

/** Wraps each `stripe.checkout.sessions.create({…})` options object in `withAffitorCheckout(…, ids)`. */
export function addCheckoutMetadata(module: ParsedModule, programId: string): EditOutcome[] {
  const outcomes: EditOutcome[] = [];
  const esmProblem = isCommonJs(module.ast.program);
  for (const path of callsOf(module, isCheckoutCreate)) {
    const line = `line ${lineOf(path.node)}`;
    const [params] = path.node.arguments as Expression[];
    if (n.CallExpression.check(params) && n.Identifier.check(params.callee) && params.callee.name === 'withAffitorCheckout') {
      outcomes.push(present);
      continue;
    }
    if (esmProblem) {
      outcomes.push(refused(`${line}: CommonJS module (require); affitor-tracker is ESM-only — add withAffitorCheckout by hand`));
      continue;
    }
    if (!n.ObjectExpression.check(params)) {
      outcomes.push(refused(`${line}: the Checkout options are not an object literal, so init cannot see whether Affitor's metadata fits; wrap them in withAffitorCheckout(…) by hand`));
      continue;
    }
    const handler = enclosingFunction(path);
    const request = requestName(handler ? (handler.node as FunctionNode) : null);
    if (!request) {
      outcomes.push(refused(`${line}: no request in scope (the enclosing function's first parameter) to read the click id from`));
      continue;
    }
    const ids = parseExpression(`{ clickId: clickIdFromRequest(${request}), programId: ${programIdSource(programId)} }`);
    path.node.arguments[0] = b.callExpression(b.identifier('withAffitorCheckout'), [params, ids as never]);
    ensureNamedImports(module.ast.program, STRIPE_ENTRY, ['withAffitorCheckout']);
    ensureNamedImports(module.ast.program, SERVER_ENTRY, ['clickIdFromRequest']);
    module.changed = true;
    outcomes.push(edited(`${module.file}:${lineOf(path.node)}: Affitor metadata on the Checkout Session (withAffitorCheckout: metadata and subscription_data.metadata)`));
  }
  return outcomes;
}

/** After `event = stripe.webhooks.constructEvent(body, signature, secret)`: record the sale/refund. */
export function addWebhookHandler(module: ParsedModule, programId: string): EditOutcome[] {
  const outcomes: EditOutcome[] = [];
  for (const path of callsOf(module, isConstructEvent)) {
    const line = `line ${lineOf(path.node)}`;
    const handlerPath = enclosingFunction(path);
    const handler = handlerPath ? (handlerPath.node as FunctionNode) : null;
    if (handler && containsCall(handler.body, 'handleStripeWebhook')) {
      outcomes.push(present);
      continue;
    }
    if (isCommonJs(module.ast.program)) {
      outcomes.push(refused(`${line}: CommonJS module (require); affitor-tracker is ESM-only — add handleStripeWebhook by hand`));
      continue;
    }
    if (!handler || !handler.async) {
      outcomes.push(refused(`${line}: the webhook handler is not an async function; add handleStripeWebhook by hand (README "Self-hosted webhook")`));
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
        "if (affitorOutcome?.error) console.warn(`Affitor: Stripe webhook ${affitorOutcome.event?.type ?? ''}: ${affitorOutcome.error}${affitorOutcome.retryable ? ' (not recorded: resend the event from the Stripe dashboard once fixed)' : ''}`);\n",
    );
    place.block.splice(place.index + 1, 0, ...statements);
    ensureNamedImports(module.ast.program, STRIPE_ENTRY, ['handleStripeWebhook']);
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
