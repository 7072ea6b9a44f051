// The Affitor server client a server file needs for the lead and webhook edits. It is made on first
// use, not at import: `next build` evaluates route modules, and a module-level `new Affitor()` without
// AFFITOR_API_KEY in the build's environment throws and fails the build (measured on the next-app
// fixture). Without a key the getter returns null and warns once, so a missing key never breaks a
// build, a server start or a signup.
import { afterImports, ensureNamedImports, ensureNames, indentUnit, inFileQuotes, isTypeScript, n, parseStatements, type ParsedModule } from './ast.js';

export const SERVER_ENTRY = 'affitor-tracker/server';

/** Where server code reads its environment: `process.env`, or SvelteKit's `$env/dynamic/private`. */
export type EnvSource = 'process.env' | 'sveltekit';
const GETTER = 'affitor';

/**
 * Makes sure the module can reach a client, and returns the expression that does (`affitor()`, or
 * the user's own `affitor` when they already create one); its value may be null.
 * A refusal (`{refused}`) when the name is taken by something init does not recognise.
 */
export function ensureServerClient(module: ParsedModule, envSource: EnvSource = 'process.env'): { client: string } | { refused: string } {
  const program = module.ast.program;
  for (const statement of program.body) {
    if (n.FunctionDeclaration.check(statement) && statement.id?.name === GETTER) return { client: `${GETTER}()` };
    if (!n.VariableDeclaration.check(statement)) continue;
    for (const declarator of statement.declarations) {
      if (!n.VariableDeclarator.check(declarator) || !n.Identifier.check(declarator.id) || declarator.id.name !== GETTER) continue;
      const init = declarator.init;
      if (n.NewExpression.check(init) && n.Identifier.check(init.callee) && init.callee.name === 'Affitor') return { client: GETTER };
      return { refused: `a top-level \`${GETTER}\` that is not \`new Affitor(…)\` already exists; init will not guess what it is` };
    }
  }
  ensureNames(program, SERVER_ENTRY, ['Affitor']);
  // SvelteKit reads the server's environment (.env included, in development too) through $env/dynamic/private.
  const env = envSource === 'sveltekit' ? 'env' : 'process.env';
  if (envSource === 'sveltekit') ensureNamedImports(program, '$env/dynamic/private', ['env']);
  const ts = isTypeScript(module.file);
  const unit = indentUnit(module.source);
  const getter = parseStatements(
    [
      `let affitorClient${ts ? ': Affitor | null | undefined' : ''};`,
      '/** The Affitor server client (AFFITOR_API_KEY, AFFITOR_API_URL), made on first use; null without a key, so a build or a signup never fails for it. */',
      `function ${GETTER}()${ts ? ': Affitor | null' : ''} {`,
      '  if (affitorClient === undefined) {',
      `    const apiKey = ${env}.AFFITOR_API_KEY;`,
      inFileQuotes(module, "    if (!apiKey) console.warn('Affitor: AFFITOR_API_KEY is not set, so no lead or sale is recorded (see .env)');"),
      `    affitorClient = apiKey ? new Affitor({ apiKey, apiUrl: ${env}.AFFITOR_API_URL }) : null;`,
      '  }',
      '  return affitorClient;',
      '}',
      '',
    ]
      // In the file's own indentation (recast keeps a snippet's whitespace as written).
      .map((line) => line.replace(/^(  )+/, (levels) => unit.repeat(levels.length / 2)))
      .join('\n'),
  );
  program.body.splice(afterImports(program), 0, ...getter);
  return { client: `${GETTER}()` };
}
