// What `doctor` reads from a served HTML page: its script tags and its <meta> Content-Security-Policy,
// through a real HTML5 parser (parse5: the same tree a browser builds, comments and odd markup
// included), never by pattern-matching the text.
import { parse } from 'parse5';

export interface ScriptTag {
  /** The `src` attribute as written, or null for an inline script. */
  src: string | null;
  /** Every attribute, by lower-case name. */
  attributes: Record<string, string>;
  /** An inline script's text ('' for an external one). */
  text: string;
}

export interface PageContents {
  scripts: ScriptTag[];
  /** The `content` of each `<meta http-equiv="Content-Security-Policy">` (report-only has no meta form). */
  metaPolicies: string[];
}

interface TreeNode {
  nodeName: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: TreeNode[];
  /** A <template>'s contents: not part of the document, so never walked. */
  content?: unknown;
  value?: string;
}

export function readPage(html: string): PageContents {
  const scripts: ScriptTag[] = [];
  const metaPolicies: string[] = [];
  const walk = (node: TreeNode) => {
    if (node.nodeName === 'script' || node.nodeName === 'meta') {
      const attributes = Object.fromEntries((node.attrs ?? []).map((a) => [a.name.toLowerCase(), a.value]));
      if (node.nodeName === 'script') {
        const text = (node.childNodes ?? []).map((child) => child.value ?? '').join('');
        scripts.push({ src: attributes.src ?? null, attributes, text });
      } else if (attributes['http-equiv']?.trim().toLowerCase() === 'content-security-policy' && attributes.content) {
        metaPolicies.push(attributes.content);
      }
    }
    for (const child of node.childNodes ?? []) walk(child);
  };
  walk(parse(html) as unknown as TreeNode);
  return { scripts, metaPolicies };
}
