// Nuxt: the tracker tag in every page's head through `app.head.script` of `defineNuxtConfig({…})`,
// merged into the `app`, `head` and `script` the config already has.
import { lineOf, n, offsets, spliceProperty, visit, type Node, type ParsedModule } from './ast.js';
import { DEFAULT_API_BASE } from '../../shared/constants.js';
import { edited, present, refused, type EditOutcome } from './types.js';

type ObjectExpression = Node & { properties: Node[] };

const keyName = (property: Node): string | null => {
  if (!n.ObjectProperty.check(property) && !n.Property.check(property)) return null;
  const key = property.key;
  if (n.Identifier.check(key)) return key.name;
  if (n.StringLiteral.check(key)) return key.value;
  return null;
};

const propertyValue = (object: ObjectExpression, key: string): Node | null =>
  (object.properties.find((p) => keyName(p) === key) as (Node & { value: Node }) | undefined)?.value ?? null;

export function addNuxtHeadScript(module: ParsedModule, programId: string, api: string): EditOutcome {
  if (module.source.includes('affitor-tracker.js')) return present;
  let config: (Node & { arguments: Node[] }) | null = null;
  visit(module.ast.program, {
    visitCallExpression(path) {
      if (n.Identifier.check(path.node.callee) && path.node.callee.name === 'defineNuxtConfig') config = path.node as never;
      this.traverse(path);
    },
  });
  const base = api.replace(/\/+$/, '');
  const attributes = [
    `src: ${JSON.stringify(`${base}/js/affitor-tracker.js`).replace(/"/g, "'")}`,
    `'data-affitor-program-id': '${programId}'`,
    ...(base === DEFAULT_API_BASE ? [] : [`'data-affitor-api-base': '${base}'`]),
    'defer: true',
  ];
  const script = `{ ${attributes.join(', ')} }`;
  const found = config as (Node & { arguments: Node[] }) | null;
  const root = found?.arguments[0];
  if (!found || !n.ObjectExpression.check(root)) {
    return refused(`no \`defineNuxtConfig({ … })\` object init can edit; add \`app: { head: { script: [${script}] } }\` to your Nuxt config by hand`);
  }
  // As text, nested as deep as the config already goes: recast would reprint the config object around a new property.
  const object = root as never as ObjectExpression;
  const app = propertyValue(object, 'app');
  const head = app && n.ObjectExpression.check(app) ? propertyValue(app as never, 'head') : null;
  const scripts = head && n.ObjectExpression.check(head) ? propertyValue(head as never, 'script') : null;
  if (app && !n.ObjectExpression.check(app)) return refused(`line ${lineOf(app)}: \`app\` is not an object literal; add ${script} to app.head.script by hand`);
  if (head && !n.ObjectExpression.check(head)) return refused(`line ${lineOf(head)}: \`app.head\` is not an object literal; add ${script} to app.head.script by hand`);
  if (scripts && !n.ArrayExpression.check(scripts)) return refused(`line ${lineOf(scripts)}: app.head.script is not an array literal; add ${script} to it by hand`);
  if (scripts) {
    const elements = (scripts as never as { elements: Node[] }).elements;
    const last = elements[elements.length - 1];
    const at = last ? offsets(module, last).end : offsets(module, scripts).start + 1;
    module.splices.push({ start: at, end: at, text: last ? `, ${script}` : script });
  } else if (head) {
    spliceProperty(module, head as never, 'script', `[${script}]`);
  } else if (app) {
    spliceProperty(module, app as never, 'head', `{ script: [${script}] }`);
  } else {
    spliceProperty(module, object, 'app', `{\n  head: {\n    script: [${script}]\n  }\n}`);
  }
  return edited(`${module.file}:${lineOf(root)}: the tracker <script> in every page's head (app.head.script)`);
}
