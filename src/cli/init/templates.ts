// The script tag in pages init cannot parse as HTML: server-rendered templates (Pug, EJS,
// Handlebars), framework shells whose <head> holds a placeholder (SvelteKit's `%sveltekit.head%`),
// Astro layouts and JSX root routes (Remix / React Router). Each is a text edit at one place the
// file shows unambiguously (its one `</head>`, or the end of Pug's `head` block), so every other byte
// stays as written.
import { scriptTag } from './html.js';
import { edited, present, refused, type EditOutcome } from './types.js';

export type TagFlavour = 'html' | 'astro' | 'jsx';

const loadsTracker = (source: string) => /affitor-tracker(\.plus)?\.js/.test(source);

/** The tag as this kind of file writes it: Astro must not bundle it (`is:inline`), JSX needs a closing tag it already has. */
function tagFor(flavour: TagFlavour, programId: string, api: string): string {
  const tag = scriptTag(programId, api);
  return flavour === 'astro' ? tag.replace('<script ', '<script is:inline ') : tag;
}

/** Inserts the tag on its own line before the file's one `</head>`, indented like the head's children. */
export function addTagBeforeHeadEnd(file: string, source: string, programId: string, api: string, flavour: TagFlavour = 'html'): { outcome: EditOutcome; contents: string } {
  if (loadsTracker(source)) return { outcome: present, contents: source };
  const ends = [...source.matchAll(/<\/head\s*>/gi)];
  if (ends.length !== 1) {
    return {
      outcome: refused(`${ends.length === 0 ? 'no </head>' : `${ends.length} </head> tags`} in it; add ${tagFor(flavour, programId, api)} to the <head> every page renders by hand`),
      contents: source,
    };
  }
  const at = ends[0].index ?? 0;
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  const before = source.slice(lineStart, at);
  const line = source.slice(0, at).split('\n').length;
  const tag = tagFor(flavour, programId, api);
  if (before.trim() !== '') {
    return { outcome: edited(`${file}:${line}: the tracker <script> tag at the end of <head>`), contents: `${source.slice(0, at)}${tag}${source.slice(at)}` };
  }
  const indent = childIndent(source.slice(0, lineStart), before);
  return {
    outcome: edited(`${file}:${line}: the tracker <script> tag at the end of <head>`),
    contents: `${source.slice(0, lineStart)}${indent}${tag}\n${source.slice(lineStart)}`,
  };
}

/** The indentation of the last non-blank line before `</head>` when it is deeper than `</head>`'s, else one level deeper. */
function childIndent(beforeEnd: string, endIndent: string): string {
  const lines = beforeEnd.split('\n').filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1] ?? '';
  const indent = /^\s*/.exec(last)?.[0] ?? '';
  if (indent.length > endIndent.length) return indent;
  const unit = endIndent.includes('\t') ? '\t' : '  ';
  return `${endIndent}${unit}`;
}

/** Pug: a `script(…)` line as the last child of the `head` block. */
export function addTagToPugHead(file: string, source: string, programId: string, api: string): { outcome: EditOutcome; contents: string } {
  if (loadsTracker(source)) return { outcome: present, contents: source };
  const lines = source.split('\n');
  const heads = lines.flatMap((line, index) => (/^\s*head(\(.*\))?\s*$/.test(line) ? [index] : []));
  if (heads.length !== 1) {
    return { outcome: refused(`${heads.length === 0 ? 'no `head` block' : `${heads.length} \`head\` blocks`}; add ${pugTag(programId, api, "'")} to the layout's head by hand`), contents: source };
  }
  const head = heads[0];
  const depth = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;
  const headDepth = depth(lines[head]);
  let last = head;
  let indent: string | null = null;
  for (let i = head + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    if (depth(lines[i]) <= headDepth) break;
    indent ??= /^\s*/.exec(lines[i])?.[0] ?? '';
    last = i;
  }
  const quote = (source.match(/='/g)?.length ?? 0) > (source.match(/="/g)?.length ?? 0) ? "'" : '"';
  const childIndentation = indent ?? `${/^\s*/.exec(lines[head])?.[0] ?? ''}  `;
  lines.splice(last + 1, 0, `${childIndentation}${pugTag(programId, api, quote)}`);
  return { outcome: edited(`${file}:${head + 1}: the tracker script at the end of the layout's head`), contents: lines.join('\n') };
}

function pugTag(programId: string, api: string, quote: string): string {
  const attributes = /data-affitor-program-id="[^"]*"|data-affitor-api-base="[^"]*"|src="[^"]*"/g;
  const parts = [...scriptTag(programId, api).matchAll(attributes)].map(([attribute]) => attribute.replace(/"/g, quote));
  return `script(${[...parts, 'defer'].join(', ')})`;
}
