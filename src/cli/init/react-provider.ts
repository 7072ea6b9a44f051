// The React provider (`AffitorProvider` from affitor-tracker/react) around the app: in the Next.js
// root layout's <body>, around the Pages Router's <Component>, or around Vite's root render.
import {
  b,
  ensureNamedImports,
  isFunction,
  lineOf,
  memberChain,
  n,
  offsets,
  parseExpression,
  spliceNamedImports,
  programIdSource,
  visit,
  type Node,
  type NodePath,
  type ParsedModule,
} from './ast.js';
import { edited, present, refused, type EditOutcome } from './types.js';

export const REACT_ENTRY = 'affitor-tracker/react';
const PROVIDER = 'AffitorProvider';

/** `process.env.NEXT_PUBLIC_…` (Next) or `import.meta.env.VITE_…` (Vite): the sandbox in development, unset in production. */
export type ApiBaseSource = 'process.env.NEXT_PUBLIC_AFFITOR_API_BASE' | 'import.meta.env.VITE_AFFITOR_API_BASE';

function containsProvider(root: Node): boolean {
  let found = false;
  visit(root, {
    visitJSXOpeningElement(path) {
      const name = path.node.name;
      if (n.JSXIdentifier.check(name) && name.name === PROVIDER) found = true;
      this.traverse(path);
    },
  });
  return found;
}

/** `<AffitorProvider programId={…} apiBase={…}>child</AffitorProvider>` around `child`. */
function wrapInProvider(child: Node, programId: string, apiBase: ApiBaseSource) {
  const template = parseExpression(`<${PROVIDER} programId={${programIdSource(programId)}} apiBase={${apiBase}}>{null}</${PROVIDER}>`);
  if (!n.JSXElement.check(template)) throw new Error('provider template is not JSX');
  const inner = n.JSXElement.check(child) || n.JSXFragment.check(child) || n.JSXExpressionContainer.check(child)
    ? child
    : b.jsxExpressionContainer(child as never);
  template.children = [b.jsxText('\n'), inner as never, b.jsxText('\n')];
  return template;
}

/** Next.js App Router: wrap the `{children}` of the root layout's <body>. */
export function addProviderToRootLayout(module: ParsedModule, programId: string): EditOutcome {
  const program = module.ast.program;
  if (containsProvider(program)) return present;
  const bodies: NodePath[] = [];
  visit(program, {
    visitJSXElement(path) {
      const name = path.node.openingElement.name;
      if (n.JSXIdentifier.check(name) && name.name === 'body') bodies.push(path);
      this.traverse(path);
    },
  });
  if (bodies.length !== 1) {
    return refused(`${bodies.length === 0 ? 'no <body> element' : `${bodies.length} <body> elements`} in the root layout; add <AffitorProvider> around the page content by hand`);
  }
  const body = bodies[0].node;
  // `{children}` wherever the body renders it: directly, or inside the app's own providers and wrappers.
  const slots: NodePath[] = [];
  const passedAsProps: number[] = [];
  visit(body, {
    visitJSXExpressionContainer(path) {
      if (isChildrenReference(path.node.expression)) {
        if (n.JSXAttribute.check(path.parent?.node)) passedAsProps.push(lineOf(path.node));
        else slots.push(path);
      }
      this.traverse(path);
    },
  });
  if (slots.length !== 1) {
    const why = slots.length > 1
      ? `the <body> renders \`{children}\` ${slots.length} times (lines ${slots.map((s) => lineOf(s.node)).join(', ')})`
      : passedAsProps.length > 0
        ? `the <body> passes \`children\` as a prop (line ${passedAsProps[0]}) instead of rendering \`{children}\``
        : 'the <body> does not render `{children}`';
    return refused(`line ${lineOf(body)}: ${why}; wrap the page content in <AffitorProvider programId={${programIdSource(programId)}} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}> by hand`);
  }
  // As text: recast would reprint the elements around the slot (re-indented, a `;` after the return's `)`).
  const slot = slots[0].node;
  const { start, end } = offsets(module, slot);
  const indent = indentOf(module.source, start);
  const opening = `<${PROVIDER} programId={${programIdSource(programId)}} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}>`;
  const unit = indent?.includes('\t') ? '\t' : '  ';
  const text = indent === null
    ? `${opening}${module.source.slice(start, end)}</${PROVIDER}>`
    : `${opening}\n${indent}${unit}${module.source.slice(start, end)}\n${indent}</${PROVIDER}>`;
  module.splices.push({ start, end, text });
  spliceNamedImports(module, REACT_ENTRY, [PROVIDER]);
  return edited(`${module.file}:${lineOf(slot)}: <AffitorProvider> around the root layout's {children}`);
}

/** The indentation of the line `offset` is on, when only whitespace precedes it there (else null: the slot shares its line). */
function indentOf(source: string, offset: number): string | null {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const indent = source.slice(lineStart, offset);
  return indent.trim() === '' ? indent : null;
}

const isChildrenReference = (node: Node): boolean => {
  const chain = memberChain(node);
  return !!chain && chain[chain.length - 1] === 'children';
};

/** Next.js Pages Router: wrap what the default-exported App returns. */
export function addProviderToPagesApp(module: ParsedModule, programId: string): EditOutcome {
  const program = module.ast.program;
  if (containsProvider(program)) return present;
  const app = defaultExportedFunction(program);
  if (!app) return refused(`no default-exported App component init can read; add <AffitorProvider> around <Component {...pageProps} /> by hand`);
  const returns: Array<Node & { argument: Node | null }> = [];
  if (!n.BlockStatement.check(app.body)) {
    app.body = wrapInProvider(app.body, programId, 'process.env.NEXT_PUBLIC_AFFITOR_API_BASE') as never;
  } else {
    visit(app.body, {
      visitFunction() {
        return false;
      },
      visitReturnStatement(path) {
        returns.push(path.node as never);
        return false;
      },
    });
    if (returns.length !== 1 || !returns[0].argument) {
      return refused(`line ${lineOf(app)}: the App component has ${returns.length} return statements; add <AffitorProvider> by hand`);
    }
    returns[0].argument = wrapInProvider(returns[0].argument, programId, 'process.env.NEXT_PUBLIC_AFFITOR_API_BASE') as never;
  }
  ensureNamedImports(program, REACT_ENTRY, [PROVIDER]);
  module.changed = true;
  return edited(`${module.file}:${lineOf(app)}: <AffitorProvider> around every page (the App component's result)`);
}

/** A new `pages/_app` when the project has none. */
export function pagesAppSource(programId: string, typescript: boolean): string {
  const props = typescript ? ': AppProps' : '';
  return [
    ...(typescript ? ["import type { AppProps } from 'next/app';"] : []),
    `import { ${PROVIDER} } from '${REACT_ENTRY}';`,
    '',
    `export default function App({ Component, pageProps }${props}) {`,
    '  return (',
    `    <${PROVIDER} programId={${programIdSource(programId)}} apiBase={process.env.NEXT_PUBLIC_AFFITOR_API_BASE}>`,
    '      <Component {...pageProps} />',
    `    </${PROVIDER}>`,
    '  );',
    '}',
    '',
  ].join('\n');
}

function defaultExportedFunction(program: ParsedModule['ast']['program']) {
  for (const statement of program.body) {
    if (!n.ExportDefaultDeclaration.check(statement)) continue;
    const declaration = statement.declaration;
    if (isFunction(declaration)) return declaration;
    if (n.Identifier.check(declaration)) {
      for (const other of program.body) {
        if (n.FunctionDeclaration.check(other) && other.id?.name === declaration.name) return other;
      }
    }
  }
  return null;
}

/** Every `root.render(<App />)` / `ReactDOM.render(<App />, el)` call with JSX, in one module. */
export function findRootRenders(module: ParsedModule): NodePath[] {
  const renders: NodePath[] = [];
  visit(module.ast.program, {
    visitCallExpression(path) {
      const callee = path.node.callee;
      const first = path.node.arguments[0];
      const isRender = n.MemberExpression.check(callee) && n.Identifier.check(callee.property) && callee.property.name === 'render';
      if (isRender && (n.JSXElement.check(first) || n.JSXFragment.check(first))) {
        renders.push(path);
      }
      this.traverse(path);
    },
  });
  return renders;
}

/** Vite + React: wrap the one root render's element. */
export function addProviderToRootRender(module: ParsedModule, render: NodePath, programId: string): EditOutcome {
  if (containsProvider(render.node)) return present;
  const call = render.node as Node & { arguments: Node[] };
  call.arguments[0] = wrapInProvider(call.arguments[0], programId, 'import.meta.env.VITE_AFFITOR_API_BASE') as never;
  ensureNamedImports(module.ast.program, REACT_ENTRY, [PROVIDER]);
  module.changed = true;
  return edited(`${module.file}:${lineOf(call)}: <AffitorProvider> around the root element`);
}
