// The one module-level `affitor` server client a server file needs for the lead and webhook edits.
import { afterImports, ensureNamedImports, isTypeScript, n, parseStatements, type ParsedModule } from './ast.js';

export const SERVER_ENTRY = 'affitor-tracker/server';
export const CLIENT_NAME = 'affitor';

/**
 * Makes sure the module has `const affitor = new Affitor({…})` at its top level.
 * Returns a refusal reason when the name is taken by something else (init will not guess what it is).
 */
export function ensureServerClient(module: ParsedModule): string | null {
  const program = module.ast.program;
  for (const statement of program.body) {
    if (!n.VariableDeclaration.check(statement)) continue;
    for (const declarator of statement.declarations) {
      if (!n.VariableDeclarator.check(declarator) || !n.Identifier.check(declarator.id) || declarator.id.name !== CLIENT_NAME) continue;
      const init = declarator.init;
      if (n.NewExpression.check(init) && n.Identifier.check(init.callee) && init.callee.name === 'Affitor') return null;
      return `a top-level \`${CLIENT_NAME}\` that is not \`new Affitor(…)\` already exists`;
    }
  }
  ensureNamedImports(program, SERVER_ENTRY, ['Affitor']);
  const key = isTypeScript(module.file) ? 'process.env.AFFITOR_API_KEY!' : 'process.env.AFFITOR_API_KEY';
  const declaration = parseStatements(
    `// Affitor server client: the program key stays on the server (AFFITOR_API_KEY, AFFITOR_API_URL in .env).\n` +
      `const ${CLIENT_NAME} = new Affitor({ apiKey: ${key}, apiUrl: process.env.AFFITOR_API_URL });\n`,
  );
  program.body.splice(afterImports(program), 0, ...declaration);
  return null;
}
