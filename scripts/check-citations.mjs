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
if (unresolved.length > 0) {
  console.error(unresolved.join('\n'));
  process.exit(1);
}
console.log(`Every § citation resolves to one of the ${headings.size} numbered headings of ${PROTOCOL}.`);
