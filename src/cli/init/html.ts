// The script tag in a plain HTML page: parse5 (the WHATWG parsing algorithm, as browsers parse)
// with source positions, so the tag is inserted at the end of the real <head> and every other byte
// of the file stays as it was.
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { DEFAULT_API_BASE } from '../../shared/constants.js';
import { edited, present, refused, type EditOutcome } from './types.js';

type Element = DefaultTreeAdapterMap['element'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

const SCRIPT_FILES = ['affitor-tracker.js', 'affitor-tracker.plus.js'];

function elements(root: ParentNode, tagName: string): Element[] {
  const found: Element[] = [];
  const walk = (node: ParentNode) => {
    for (const child of node.childNodes) {
      if ('tagName' in child) {
        if (child.tagName === tagName) found.push(child);
        walk(child);
      }
    }
    if ('content' in node && node.content) walk(node.content as ParentNode);
  };
  walk(root);
  return found;
}

const attribute = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

/** The page already loads the tracker (ours or Affitor's) — never a second tag. */
function hasTrackerTag(document: ParentNode): boolean {
  return elements(document, 'script').some((script) => {
    const src = attribute(script, 'src') ?? '';
    const file = src.split(/[?#]/)[0].split('/').pop() ?? '';
    return SCRIPT_FILES.includes(file);
  });
}

export function scriptTag(programId: string, api: string): string {
  const base = api.replace(/\/+$/, '');
  const apiBase = base === DEFAULT_API_BASE ? '' : ` data-affitor-api-base="${escapeAttribute(base)}"`;
  return `<script src="${escapeAttribute(base)}/js/affitor-tracker.js" data-affitor-program-id="${escapeAttribute(programId)}"${apiBase} defer></script>`;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Adds the tag as the last child of <head>, indented like the head's other children. */
export function addScriptTag(file: string, source: string, programId: string, api: string): { outcome: EditOutcome; contents: string } {
  const document = parse(source, { sourceCodeLocationInfo: true });
  if (hasTrackerTag(document)) return { outcome: present, contents: source };
  const heads = elements(document, 'head');
  const head = heads[0];
  const location = head?.sourceCodeLocation;
  if (!location?.endTag) {
    return { outcome: refused(`no <head>…</head> in the source (an implied head has no place to add the tag); add the script tag by hand`), contents: source };
  }
  const insertAt = location.endTag.startOffset;
  const lineStart = source.lastIndexOf('\n', insertAt - 1) + 1;
  const headIndent = source.slice(lineStart, insertAt);
  const onOwnLine = headIndent.trim() === '';
  const childIndent = childIndentation(source, head) ?? `${onOwnLine ? headIndent : ''}  `;
  const tag = scriptTag(programId, api);
  const contents = onOwnLine
    ? `${source.slice(0, lineStart)}${childIndent}${tag}\n${source.slice(lineStart)}`
    : `${source.slice(0, insertAt)}${tag}${source.slice(insertAt)}`;
  return { outcome: edited(`${file}:${location.endTag.startLine}: the tracker <script> tag at the end of <head>`), contents };
}

/** The indentation of the head's first element child, as written. */
function childIndentation(source: string, head: Element): string | null {
  for (const child of head.childNodes) {
    const start = child.sourceCodeLocation?.startOffset;
    if ('tagName' in child && start !== undefined) {
      const lineStart = source.lastIndexOf('\n', start - 1) + 1;
      const indent = source.slice(lineStart, start);
      return indent.trim() === '' ? indent : null;
    }
  }
  return null;
}
