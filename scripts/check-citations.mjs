// Every "§N" the repository's tracked files cite must be a numbered heading of docs/protocol.md, so a
// citation can always be followed. A section of someone else's specification is named with it on the
// same line (W3C SRI §3.3.4, RFC 6265 §5.3) and is not checked here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PROTOCOL = 'docs/protocol.md';
const OTHER_SPECIFICATION = /\b(?:RFC|W3C|WHATWG|ECMA-?\d*|ISO)\b[^§]*$/;

const headings = new Set([...readFileSync(PROTOCOL, 'utf8').matchAll(/^#{2,6} (\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1]));
const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
const unresolved = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // a tracked file deleted in the working tree
  }
  if (!text.includes('§')) continue;
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(/§\s?(\d+(?:\.\d+)*)/g)) {
      if (headings.has(match[1]) || OTHER_SPECIFICATION.test(line.slice(0, match.index))) continue;
      unresolved.push(`${file}:${index + 1}: §${match[1]} is no heading of ${PROTOCOL}`);
    }
  });
}

// Every `docs/<page>.md#anchor` a tracked file outside docs/ cites (error messages, comments) must be a
// heading of that page, slugified as the docs site does (.vitepress/config.mts); docs/ itself is
// link-checked by its build. Sections of the README are not cited: the README is a map, and moves.
const slug = (text) => text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
const anchorsOf = new Map();
const anchors = (page) => {
  if (!anchorsOf.has(page)) {
    let text = null;
    try {
      text = readFileSync(page, 'utf8');
    } catch {
      // no such page: reported below
    }
    anchorsOf.set(page, text === null ? null : new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]))));
  }
  return anchorsOf.get(page);
};
for (const file of files) {
  if (file.startsWith('docs/') || !/\.(ts|mts|js|mjs|md)$/.test(file)) continue;
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(/\bdocs\/([\w-]+\.md)(?:#([\w-]+))?/g)) {
      const page = `docs/${match[1]}`;
      const known = anchors(page);
      if (known === null) unresolved.push(`${file}:${index + 1}: ${page} does not exist`);
      else if (match[2] && !known.has(match[2])) unresolved.push(`${file}:${index + 1}: ${page} has no heading #${match[2]}`);
    }
    if (file.startsWith('src/') && /README(?:'s)? "/.test(line)) unresolved.push(`${file}:${index + 1}: cites a README section; cite the docs page (docs/<page>.md#anchor)`);
  });
}

if (unresolved.length > 0) {
  console.error(unresolved.join('\n'));
  process.exit(1);
}
console.log(`Every § citation resolves to one of the ${headings.size} numbered headings of ${PROTOCOL}, and every docs/<page>.md#anchor to a heading.`);
