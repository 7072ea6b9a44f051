// `npm run docs:build`: builds the docs site from docs/ (VitePress), then checks every link of every
// built page — the page exists, and so does its #anchor — and writes llms.txt / llms-full.txt for
// coding agents from the sidebar (docs/.vitepress/sidebar.mjs), the site's one table of contents.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { sidebar } from '../docs/.vitepress/sidebar.mjs';

const OUT = 'docs/.vitepress/dist';

const build = spawnSync('npx', ['vitepress', 'build', 'docs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status || 1);

const pages = new Map(); // '/cli' → { html, ids }
for (const file of readdirSync(OUT, { recursive: true })) {
  if (!file.endsWith('.html') || file === '404.html') continue;
  const html = readFileSync(join(OUT, file), 'utf8');
  const route = '/' + file.replace(/\\/g, '/').replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '');
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => decodeEntities(m[1])));
  pages.set(route, { html, ids });
}

const broken = [];
for (const [route, { html }] of pages) {
  // Only the page's own content: the theme's navigation is generated from the sidebar.
  const content = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  for (const [, raw] of content.matchAll(/<a [^>]*href="([^"]+)"/g)) {
    const href = decodeEntities(raw);
    if (/^[a-z]+:/i.test(href)) continue; // https:, mailto:
    const [path, anchor] = href.split('#');
    const target = path === '' ? route : posix.normalize(path.startsWith('/') ? path : posix.join(posix.dirname(route + 'x'), path)).replace(/\.html$/, '');
    const page = pages.get(target) ?? pages.get(target.replace(/\/$/, '')) ?? pages.get(target + '/');
    if (!page && existsSync(join(OUT, target))) continue; // a static asset
    if (!page) broken.push(`${route}: ${href} (no such page)`);
    else if (anchor && !page.ids.has(decodeURIComponent(anchor))) broken.push(`${route}: ${href} (no such anchor on ${target})`);
  }
}
// The pages GitHub shows: README.md and ARCHITECTURE.md link into docs/ by file path.
for (const file of ['README.md', 'ARCHITECTURE.md']) {
  for (const [, href] of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(href) || href.startsWith('#')) continue;
    const [path, anchor] = href.split('#');
    if (!existsSync(path)) broken.push(`${file}: ${href} (no such file)`);
    else if (anchor && path.startsWith('docs/') && path.endsWith('.md')) {
      const page = pages.get(path === 'docs/index.md' ? '/' : '/' + path.slice('docs/'.length, -'.md'.length));
      if (page && !page.ids.has(anchor)) broken.push(`${file}: ${href} (no such anchor)`);
    }
  }
}
if (broken.length) {
  console.error(`\n${broken.length} broken link(s) in the docs site:\n  ` + broken.join('\n  '));
  process.exit(1);
}

// llms.txt (https://llmstxt.org): the table of contents with one line per page; llms-full.txt: every
// page's Markdown in sidebar order.
const entries = sidebar.flatMap((group) => group.items.map((item) => ({ ...item, group: group.text })));
const sourceOf = (link) => (link === '/' ? 'docs/index.md' : `docs${link}.md`);
const markdownOf = (link) =>
  readFileSync(sourceOf(link), 'utf8').replace(/<!--@include: \.\.\/([\w.]+?)(?:#([\w-]+))?-->/g, (_, file, region) => {
    const text = readFileSync(file, 'utf8');
    if (!region) return text;
    const start = text.indexOf(`<!-- #region ${region} -->`);
    const end = text.indexOf(`<!-- #endregion ${region} -->`);
    return text.slice(start + `<!-- #region ${region} -->`.length, end).trim();
  });
const llms = [
  '# affitor-tracker',
  '',
  '> Affiliate tracking for Affitor programs — clicks → signups → sales — without losing any of them: a script tag, a typed browser/React/server/payment-provider/auth-library library, a local sandbox API, and a CLI (init, verify, doctor, mcp).',
  '',
  ...sidebar.flatMap((group) => [`## ${group.text}`, '', ...group.items.map((item) => `- [${item.text}](${item.link === '/' ? '/index' : item.link}.md): ${item.summary}`), '']),
].join('\n');
writeFileSync(join(OUT, 'llms.txt'), llms);
writeFileSync(join(OUT, 'llms-full.txt'), entries.map((entry) => markdownOf(entry.link).trim()).join('\n\n---\n\n') + '\n');
for (const entry of entries) writeFileSync(join(OUT, `${entry.link === '/' ? 'index' : entry.link.slice(1)}.md`), markdownOf(entry.link));
console.log(`docs: ${pages.size} pages, every link resolves; llms.txt and llms-full.txt written to ${OUT}`);

function decodeEntities(text) {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
