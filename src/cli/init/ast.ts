// Syntax-tree helpers for the codemods: recast keeps every untouched line byte for byte, so a diff
// shows only what init added; @babel/parser (through recast's babel-ts parser) reads TS, JSX and JS.
import * as recast from 'recast';
import * as babelTs from 'recast/parsers/babel-ts.js';

export const n = recast.types.namedTypes;
export const b = recast.types.builders;
export type Node = recast.types.namedTypes.Node;
export type Program = recast.types.namedTypes.Program;
export type Statement = recast.types.namedTypes.Program['body'][number];
export type Expression = recast.types.namedTypes.CallExpression['arguments'][number];
export type FunctionNode =
  | recast.types.namedTypes.FunctionDeclaration
  | recast.types.namedTypes.FunctionExpression
  | recast.types.namedTypes.ArrowFunctionExpression;
export type NodePath = recast.types.NodePath;

export interface ParsedModule {
  file: string;
  source: string;
  ast: recast.types.namedTypes.File;
  /** True once a codemod changed the tree. */
  changed: boolean;
}

export function parseModule(file: string, source: string): ParsedModule {
  return { file, source, ast: recast.parse(source, { parser: babelTs }), changed: false };
}

export function printModule(module: ParsedModule): string {
  return recast.print(module.ast, { quote: 'single' }).code;
}

/** Statements from a snippet init itself writes (never the user's code). */
export function parseStatements(code: string): Statement[] {
  const file: recast.types.namedTypes.File = recast.parse(code, { parser: babelTs });
  return file.program.body;
}

export function parseExpression(code: string): Expression {
  // As a declarator's initialiser, not `(code)`: a parenthesised template would print its parentheses.
  const statement = parseStatements(`const expression = ${code};`)[0];
  if (!n.VariableDeclaration.check(statement) || !n.VariableDeclarator.check(statement.declarations[0])) {
    throw new Error(`not an expression: ${code}`);
  }
  return statement.declarations[0].init as Expression;
}

export const printNode = (node: Node): string => recast.print(node).code;

/** The program id as source: a number literal when it is digits, else a string literal. */
export const programIdSource = (programId: string): string => (/^\d+$/.test(programId) ? programId : JSON.stringify(programId));

export const lineOf = (node: Node): number => node.loc?.start.line ?? 0;

/** A CommonJS module (`require`, no `import`/`export`): affitor-tracker is ESM-only, so init leaves it alone. */
export function isCommonJs(program: Program): boolean {
  const esm = program.body.some(
    (s) => n.ImportDeclaration.check(s) || n.ExportNamedDeclaration.check(s) || n.ExportDefaultDeclaration.check(s),
  );
  if (esm) return false;
  let usesRequire = false;
  recast.visit(program, {
    visitCallExpression(path) {
      const callee = path.node.callee;
      if (n.Identifier.check(callee) && callee.name === 'require') usesRequire = true;
      this.traverse(path);
    },
  });
  return usesRequire;
}

/** The names a module imports from `source` (`import {a, b as c} from source` → a, b). */
export function importedNames(program: Program, source: string): Set<string> {
  const names = new Set<string>();
  for (const statement of program.body) {
    if (!n.ImportDeclaration.check(statement) || statement.source.value !== source) continue;
    for (const spec of statement.specifiers ?? []) {
      if (n.ImportSpecifier.check(spec) && n.Identifier.check(spec.imported)) names.add(spec.imported.name);
    }
  }
  return names;
}

/** Adds `import { ...names } from source`, merged into an existing import of that module. */
export function ensureNamedImports(program: Program, source: string, names: string[]): void {
  const have = importedNames(program, source);
  const missing = names.filter((name) => !have.has(name));
  if (missing.length === 0) return;
  const existing = program.body.find(
    (s): s is recast.types.namedTypes.ImportDeclaration =>
      n.ImportDeclaration.check(s) && s.source.value === source && s.importKind !== 'type' &&
      !(s.specifiers ?? []).some((spec) => n.ImportNamespaceSpecifier.check(spec)),
  );
  const specifiers = missing.map((name) => b.importSpecifier(b.identifier(name)));
  if (existing) {
    existing.specifiers = [...(existing.specifiers ?? []), ...specifiers];
    return;
  }
  const declaration = b.importDeclaration(specifiers, b.stringLiteral(source));
  program.body.splice(lastImportIndex(program) + 1, 0, declaration);
}

const lastImportIndex = (program: Program): number => {
  let last = -1;
  program.body.forEach((s, i) => {
    if (n.ImportDeclaration.check(s)) last = i;
  });
  return last;
};

/** Index right after the imports (and after a leading `'use client'`-style directive). */
export const afterImports = (program: Program): number => lastImportIndex(program) + 1;

/** `a.b.c` of a member chain as a list of property names (`stripe.checkout.sessions.create` → […]); null otherwise. */
export function memberChain(node: Node): string[] | null {
  if (n.Identifier.check(node)) return [node.name];
  if (n.MemberExpression.check(node) && !node.computed && n.Identifier.check(node.property)) {
    const head = memberChain(node.object);
    return head ? [...head, node.property.name] : null;
  }
  return null;
}

export function isFunction(node: unknown): node is FunctionNode {
  return n.FunctionDeclaration.check(node) || n.FunctionExpression.check(node) || n.ArrowFunctionExpression.check(node);
}

/** The innermost function around `path`, with its path. */
export function enclosingFunction(path: NodePath): NodePath | null {
  for (let p: NodePath | null = path.parent; p; p = p.parent) if (isFunction(p.node)) return p;
  return null;
}

/** The statement containing `path` that sits directly in a block (where new statements can follow it). */
export function enclosingStatementInBlock(path: NodePath): { block: Statement[]; index: number } | null {
  for (let p: NodePath | null = path; p && p.parent; p = p.parent) {
    const parent = p.parent.node;
    if ((n.BlockStatement.check(parent) || n.Program.check(parent)) && p.name !== null && typeof p.name === 'number') {
      return { block: parent.body as Statement[], index: p.name };
    }
    if (isFunction(p.node)) return null;
  }
  return null;
}

/** The name a call ends in: `f(…)` → f, `a.b.f(…)` / `a()?.f(…)` → f. */
export function calledName(callee: Node): string | null {
  if (n.Identifier.check(callee)) return callee.name;
  if ((n.MemberExpression.check(callee) || n.OptionalMemberExpression.check(callee)) && !callee.computed && n.Identifier.check(callee.property)) {
    return callee.property.name;
  }
  return null;
}

/** Does `root` contain a call `*.name(…)` / `name(…)`, optional chaining included? */
export function containsCall(root: Node, name: string): boolean {
  let found = false;
  const check = (callee: Node) => {
    if (calledName(callee) === name) found = true;
  };
  recast.visit(root, {
    visitCallExpression(path) {
      check(path.node.callee);
      this.traverse(path);
    },
    visitOptionalCallExpression(path) {
      check(path.node.callee);
      this.traverse(path);
    },
  });
  return found;
}

export function isTypeScript(file: string): boolean {
  return /\.(ts|tsx|mts|cts)$/.test(file);
}

export const visit = recast.visit;
