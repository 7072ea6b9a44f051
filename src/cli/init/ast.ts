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
  /**
   * Text edits at source offsets, for edits recast would reprint around (a JSX child, an object's new
   * property: recast re-indents siblings, adds blank lines, adds a `;` after `)`); applied to the
   * source as written when the tree is otherwise unchanged.
   */
  splices: Splice[];
}

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** recast's default: it parses the source with each line's leading tabs expanded to this width. */
const TAB_WIDTH = 4;

/**
 * A node's offsets in the source as written. The parser saw the source with leading tabs expanded
 * (recast does that), so positions are mapped back through each line's own indentation.
 */
export function offsets(module: ParsedModule, node: Node): { start: number; end: number } {
  const loc = node.loc;
  if (!loc) throw new Error('node without a source location');
  const lines = module.source.split('\n');
  const toOffset = ({ line, column }: { line: number; column: number }) => {
    let offset = 0;
    for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
    const indent = /^[ \t]*/.exec(lines[line - 1] ?? '')?.[0] ?? '';
    let expanded = 0;
    for (const char of indent) expanded = char === '\t' ? expanded + TAB_WIDTH - (expanded % TAB_WIDTH) : expanded + 1;
    return offset + (column >= expanded ? column - expanded + indent.length : Math.min(column, indent.length));
  };
  return { start: toOffset(loc.start), end: toOffset(loc.end) };
}

export function applySplices(source: string, splices: Splice[]): string {
  let out = source;
  // From the end back, so earlier offsets stay valid; two insertions at one place keep the order they were made in.
  const ordered = splices.map((splice, index) => ({ splice, index })).sort((a, b) => b.splice.start - a.splice.start || b.index - a.index);
  for (const { splice } of ordered) out = `${out.slice(0, splice.start)}${splice.text}${out.slice(splice.end)}`;
  return out;
}

/** The indentation of the line holding `offset`, as written. */
export const lineIndent = (source: string, offset: number): string => {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
};

/** One level of the file's indentation: a tab in a tab-indented file, else its smallest space indent (two when it has none). */
export function indentUnit(source: string): string {
  const tabs = source.match(/^\t/gm)?.length ?? 0;
  const spaced = source.match(/^ +(?=[^\s*])/gm) ?? []; // not a block comment's ` * ` lines
  if (tabs > spaced.length) return '\t';
  const widths = spaced.map((s) => s.length).filter((w) => w > 0);
  return ' '.repeat(widths.length > 0 ? Math.min(...widths) : 2);
}

/** As text: `import { names } from source` after the last import (or merged into one of that module), in the file's quotes and semicolons. */
export function spliceNamedImports(module: ParsedModule, source: string, names: string[]): void {
  const program = module.ast.program;
  const have = importedNames(program, source);
  const missing = names.filter((name) => !have.has(name) && !module.splices.some((s) => s.text.includes(` ${name} `) && s.text.includes(source)));
  if (missing.length === 0) return;
  const imports = program.body.filter((s): s is recast.types.namedTypes.ImportDeclaration => n.ImportDeclaration.check(s));
  const same = imports.find((s) => s.source.value === source && s.importKind !== 'type' && (s.specifiers ?? []).some((spec) => n.ImportSpecifier.check(spec)));
  if (same) {
    const specifiers = (same.specifiers ?? []).filter((spec) => n.ImportSpecifier.check(spec));
    const last = offsets(module, specifiers[specifiers.length - 1]);
    module.splices.push({ start: last.end, end: last.end, text: missing.map((name) => `, ${name}`).join('') });
    return;
  }
  const lastImport = imports[imports.length - 1];
  const raw = lastImport ? module.source.slice(offsets(module, lastImport).start, offsets(module, lastImport).end) : '';
  const quote = /from\s*"/.test(raw) ? '"' : "'";
  const semicolon = lastImport ? (raw.trimEnd().endsWith(';') ? ';' : '') : ';';
  const line = `import { ${missing.join(', ')} } from ${quote}${source}${quote}${semicolon}`;
  if (lastImport) {
    const end = offsets(module, lastImport).end;
    module.splices.push({ start: end, end, text: `\n${line}` });
    return;
  }
  const directives = (program as Program & { directives?: Node[] }).directives ?? [];
  const after = directives.length > 0 ? offsets(module, directives[directives.length - 1]).end : 0;
  module.splices.push(after > 0 ? { start: after, end: after, text: `\n${line}` } : { start: 0, end: 0, text: `${line}\n\n` });
}

/** As text: a new last property `key: value` of an object literal, on its own line like its siblings (or inline in a one-line object). */
export function spliceProperty(module: ParsedModule, object: Node & { properties: Node[] }, key: string, value: string): void {
  const source = module.source;
  const { start, end } = offsets(module, object);
  const closing = end - 1;
  const multiline = source.slice(start, end).includes('\n');
  const last = object.properties[object.properties.length - 1];
  if (!last) {
    const indent = lineIndent(source, start);
    module.splices.push({ start: start + 1, end: closing, text: multiline ? `\n${indent}${indentUnit(source)}${key}: ${value}\n${indent}` : ` ${key}: ${value} ` });
    return;
  }
  const lastEnd = offsets(module, last).end;
  const between = source.slice(lastEnd, closing);
  const trailingComma = /^\s*,/.test(between);
  const commaEnd = trailingComma ? lastEnd + between.indexOf(',') + 1 : lastEnd;
  if (!multiline) {
    module.splices.push({ start: commaEnd, end: commaEnd, text: `${trailingComma ? '' : ','} ${key}: ${value}${trailingComma ? ',' : ''}` });
    return;
  }
  const indent = lineIndent(source, offsets(module, last).start);
  const valueLines = value.split('\n').map((line, i) => (i === 0 ? line : `${indent}${line}`)).join('\n');
  module.splices.push({ start: commaEnd, end: commaEnd, text: `${trailingComma ? '' : ','}\n${indent}${key}: ${valueLines}${trailingComma ? ',' : ''}` });
}

export function parseModule(file: string, source: string): ParsedModule {
  return { file, source, ast: recast.parse(source, { parser: babelTs }), changed: false, splices: [] };
}

/** In a tab-indented file, reprinted lines' indentation back to tabs (canonical tab-then-space indentation is unchanged). */
function retab(code: string, useTabs: boolean): string {
  if (!useTabs) return code;
  return code.replace(/^[ \t]+/gm, (indent) => {
    let width = 0;
    for (const char of indent) width = char === '\t' ? width + TAB_WIDTH - (width % TAB_WIDTH) : width + 1;
    return `${'\t'.repeat(Math.floor(width / TAB_WIDTH))}${' '.repeat(width % TAB_WIDTH)}`;
  });
}

/** The quotes the file's imports use: what init's own imports and strings follow. */
const quoteOf = (module: ParsedModule): 'single' | 'double' =>
  (module.source.match(/from\s+"/g)?.length ?? 0) > (module.source.match(/from\s+'/g)?.length ?? 0) ? 'double' : 'single';

/** init's own code (written with single quotes) in the file's quotes: its string literals become double-quoted in a file that uses those. */
export const inFileQuotes = (module: ParsedModule, code: string): string =>
  quoteOf(module) === 'double' ? code.replace(/'([^'"\\\n]*)'/g, '"$1"') : code;

export function printModule(module: ParsedModule): string {
  // A file indented with tabs keeps them where recast reprints a block (it parsed them as TAB_WIDTH spaces).
  const useTabs = (module.source.match(/^\t/gm)?.length ?? 0) > (module.source.match(/^ /gm)?.length ?? 0);
  // Otherwise recast infers the indentation width from the file itself.
  const options = useTabs ? { quote: quoteOf(module), useTabs, tabWidth: TAB_WIDTH } : { quote: quoteOf(module) };
  // recast reprints a changed program's directives ('use server' gains a second `;` and loses the
  // blank line after it): print the body alone and keep the directives' text as written.
  const program = module.ast.program as Program & { directives?: Array<{ end?: number | null }> };
  const directives = program.directives ?? [];
  const end = directives[directives.length - 1]?.end;
  if (typeof end !== 'number') return retab(recast.print(module.ast, options).code, useTabs);
  program.directives = [];
  try {
    const body = recast.print(module.ast, options).code;
    const gap = /^\s*/.exec(module.source.slice(end))?.[0] ?? '\n';
    return `${module.source.slice(0, end)}${gap}${retab(body, useTabs).trimStart()}`;
  } finally {
    program.directives = directives as never;
  }
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

/** A CommonJS module (`require`, no `import`/`export`): init writes `require` there (Node ≥ 20.19 / 22.12 load ES modules with it). */
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
    // CommonJS: after the top-level requires.
    if (n.VariableDeclaration.check(s) && s.declarations.some((d) => n.VariableDeclarator.check(d) && containsRequire(d.init))) last = i;
  });
  return last;
};

/** `const { a, b } = require(source)`, merged into an existing destructuring require of that module. */
export function ensureRequiredNames(program: Program, source: string, names: string[]): void {
  const isRequireOf = (node: unknown) =>
    n.CallExpression.check(node) && n.Identifier.check(node.callee) && node.callee.name === 'require' &&
    n.StringLiteral.check(node.arguments[0]) && node.arguments[0].value === source;
  let pattern: recast.types.namedTypes.ObjectPattern | null = null;
  let lastRequire = -1;
  program.body.forEach((statement, index) => {
    if (!n.VariableDeclaration.check(statement)) return;
    for (const d of statement.declarations) {
      if (!n.VariableDeclarator.check(d)) continue;
      if (containsRequire(d.init)) lastRequire = index;
      if (isRequireOf(d.init) && n.ObjectPattern.check(d.id)) pattern = d.id;
    }
  });
  const found = pattern as recast.types.namedTypes.ObjectPattern | null;
  const have = new Set(
    (found?.properties ?? []).flatMap((p) => ((n.ObjectProperty.check(p) || n.Property.check(p)) && n.Identifier.check(p.key) ? [p.key.name] : [])),
  );
  const missing = names.filter((name) => !have.has(name));
  if (missing.length === 0) return;
  const properties = missing.map((name) => {
    const property = b.objectProperty(b.identifier(name), b.identifier(name));
    property.shorthand = true;
    return property;
  });
  if (found) {
    found.properties.push(...properties);
    return;
  }
  const declaration = b.variableDeclaration('const', [
    b.variableDeclarator(b.objectPattern(properties), b.callExpression(b.identifier('require'), [b.stringLiteral(source)])),
  ]);
  program.body.splice(lastRequire + 1, 0, declaration);
}

const containsRequire = (node: unknown): boolean => {
  let found = false;
  if (!node) return false;
  recast.visit(node as Node, {
    visitCallExpression(path) {
      if (n.Identifier.check(path.node.callee) && path.node.callee.name === 'require') found = true;
      this.traverse(path);
    },
  });
  return found;
};

/** The names from `source` in scope: an import in an ES module, a destructuring `require` in CommonJS. */
export function ensureNames(program: Program, source: string, names: string[]): void {
  if (isCommonJs(program)) ensureRequiredNames(program, source, names);
  else ensureNamedImports(program, source, names);
}

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
