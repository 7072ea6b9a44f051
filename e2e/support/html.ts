// Fixture HTML: the tracker tag in each way sites install it, and a page around it.
import { TRACKER_PATH, HOST_SCRIPT_PATH } from './pages-server';

export type TagMode = 'plain' | 'defer' | 'async' | 'injected';

export interface TagOptions {
  /** `data-affitor-program-id` value; null omits the attribute. Default '1'. */
  programId?: string | number | null;
  /** Use the older `data-affitor-program` attribute for the program id instead. */
  legacyProgramAttribute?: boolean;
  /** `data-affitor-debug` value; omitted when undefined. */
  debug?: string | boolean;
  /** `data-affitor-api-base`; null omits it (the tracker then defaults to https://api.affitor.com). */
  apiBase?: string | null;
  cookieDomain?: string;
  mode?: TagMode;
  src?: string;
  /** More `data-affitor-*` attributes, by name without the prefix (e.g. `{ consent: 'required' }`). */
  extra?: Record<string, string>;
}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function attributes(o: TagOptions, apiBase: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const programId = o.programId === undefined ? '1' : o.programId;
  if (programId !== null) attrs[o.legacyProgramAttribute ? 'data-affitor-program' : 'data-affitor-program-id'] = String(programId);
  if (o.debug !== undefined) attrs['data-affitor-debug'] = String(o.debug);
  const base = o.apiBase === undefined ? apiBase : o.apiBase;
  if (base !== null) attrs['data-affitor-api-base'] = base;
  if (o.cookieDomain !== undefined) attrs['data-affitor-cookie-domain'] = o.cookieDomain;
  for (const [name, value] of Object.entries(o.extra ?? {})) attrs['data-affitor-' + name] = value;
  return attrs;
}

/** The tracker tag as HTML. `injected` is an inline script that appends the tag from JS, as tag managers do. */
export function trackerTag(o: TagOptions, apiBase: string): string {
  const src = o.src ?? TRACKER_PATH;
  const attrs = attributes(o, apiBase);
  if (o.mode === 'injected') {
    const sets = Object.entries(attrs)
      .map(([k, v]) => `s.setAttribute(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join('');
    return `<script>(function(){var s=document.createElement('script');s.src=${JSON.stringify(src)};${sets}document.head.appendChild(s);})();</script>`;
  }
  const flag = o.mode === 'defer' ? ' defer' : o.mode === 'async' ? ' async' : '';
  const attrText = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  return `<script src="${src}"${flag}${attrText}></script>`;
}

export interface PageOptions {
  title?: string;
  /** Tag options, or an array for several tags (double include), or false for no tracker. */
  tag?: TagOptions | TagOptions[] | false;
  /** HTML placed in <head> before the tag (e.g. a queue set up before load). */
  head?: string;
  /** HTML in <body>. */
  body?: string;
}

/** A page with the tag in <head> (as installed in the wild) and the host's own script after it. */
export function pageHtml(o: PageOptions, apiBase: string): string {
  const tags = o.tag === false ? [] : Array.isArray(o.tag) ? o.tag : [o.tag ?? {}];
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${o.title ?? 'Shop'}</title>
${o.head ?? ''}
${tags.map((t) => trackerTag(t, apiBase)).join('\n')}
</head><body>
${o.body ?? '<h1>Shop</h1>'}
<script src="${HOST_SCRIPT_PATH}"></script>
</body></html>`;
}
