import { defineConfig } from 'vitepress';
import { sidebar } from './sidebar.mjs';

// The docs site: every page is a file of docs/, the sidebar is the one list of them (sidebar.mjs),
// and scripts/docs.mjs builds it, checks its links and writes llms.txt from the same list.
export default defineConfig({
  title: 'affitor-tracker',
  description: 'Affiliate tracking for Affitor programs: clicks → signups → sales, without losing any of them.',
  cleanUrls: true,
  lastUpdated: false,
  // Every link to a page that does not exist fails the build.
  ignoreDeadLinks: false,
  markdown: {
    // Anchors as GitHub makes them, so a `page.md#anchor` link works both there and on the site.
    anchor: { slugify: (text) => text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-') },
    // Pages included from the repository root (README.md, ARCHITECTURE.md) link to `docs/x.md`,
    // which on the site is `x.md`.
    config(md) {
      md.core.ruler.push('repository-links', (state) => {
        for (const token of state.tokens) {
          for (const child of token.children ?? []) {
            const href = child.type === 'link_open' ? child.attrGet('href') : null;
            if (href?.startsWith('docs/')) child.attrSet('href', href.slice('docs/'.length));
            else if (href === 'ARCHITECTURE.md') child.attrSet('href', 'architecture.md');
          }
        }
      });
    },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/' },
      { text: 'Protocol', link: '/protocol' },
    ],
    sidebar,
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
