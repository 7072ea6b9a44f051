// Sizes of the served script files, measured the way peer trackers' sizes are usually compared:
// `gzip -9 -c FILE | wc -c` (GNU gzip stores the file name in the header) and brotli quality 11.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { spawnSync } from 'node:child_process';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

/** dist/affitor-tracker.js, the every-page file (issue 22); stretch 1,300 B. */
export const EVERY_PAGE_GOAL_BYTES = 1500;
/** Everything a landing downloads: the every-page file and the core it loads. */
export const LANDING_GOAL_BYTES = 6500;

/** @param {string} file */
export function measureSize(file) {
  const source = readFileSync(file);
  const cli = spawnSync('gzip', ['-9', '-c', file]);
  let gzip, gzipMethod;
  if (cli.status === 0) {
    gzip = cli.stdout.length;
    gzipMethod = 'gzip -9 -c';
  } else {
    // No gzip binary: zlib level 9 plus the header's stored file name (name + NUL), which GNU gzip adds.
    gzip = gzipSync(source, { level: 9 }).length + basename(file).length + 1;
    gzipMethod = 'zlib level 9 + file-name header (no gzip binary)';
  }
  const brotli = brotliCompressSync(source, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
  }).length;
  return { raw: source.length, gzip, gzipMethod, brotli };
}
