// `npm run bench` (after `node build.mjs`): the two budgets of issue 2, measured.
//   1. Size of dist/affitor-tracker.js: raw, gzip -9, brotli 11; budget 2,000 B gzip.
//   2. Main-thread CPU in headless Chromium (CDP Performance.getMetrics → ScriptDuration), with the
//      method of anchors.md §1.2: a fresh browser context per load (cold cache, no code cache), a
//      warm-up round discarded, rows interleaved, median of BENCH_LOADS (default 11) loads, metrics
//      read 1.5 s after `load` (so deferred work and the first send count), pages served from a
//      non-localhost name (http://tracker.test:PORT) with the API answering locally on api.test.
//      Budgets: plain visit ≤ 1.5 ms; ?aff= landing ≤ 2 ms beyond a control page that makes only
//      the unavoidable first Intl.DateTimeFormat().resolvedOptions().timeZone call.
//   3. The sandbox load section (bench/sandbox-load.mjs run(), written for issue 4).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { launchPersonLikeChromium } from './lib/browser.mjs';
import { GZIP_BUDGET_BYTES, measureSize } from './lib/size.mjs';
import { loadServers } from './lib/servers.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(repo, 'dist/affitor-tracker.js');
const PLUS_SCRIPT = join(repo, 'dist/affitor-tracker.plus.js');
const REACT_ENTRY = join(repo, 'dist/react.js');
const LOADS = Number(process.env.BENCH_LOADS || 11);
const SETTLE_MS = 1500;
const PLAIN_BUDGET_MS = 1.5;
const LANDING_OVER_CONTROL_BUDGET_MS = 2;

const rows = [];
const fmtBytes = (n) => n.toLocaleString('en-US') + ' B';
const fmtMs = (n) => n.toFixed(2) + ' ms';
function row(measure, value, goal = '', verdict = '') {
  rows.push({ measure, value, goal, verdict });
  console.log(`  ${measure.padEnd(58)} ${value.padEnd(34)} ${goal.padEnd(12)} ${verdict}`);
}
const verdict = (ok) => (ok ? 'PASS' : 'OVER');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};


function sizeSection() {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` first.`);
  // The budget is the main script's, the one every site ships; the .plus variant (opt-in features
  // for some sites) is reported beside it so its cost stays visible.
  for (const [file, budget] of [[SCRIPT, GZIP_BUDGET_BYTES], [PLUS_SCRIPT, null]]) {
    const size = measureSize(file);
    console.log(`\nSize of ${relative(repo, file)}`);
    row('raw', fmtBytes(size.raw));
    if (budget) row(`gzip (${size.gzipMethod})`, fmtBytes(size.gzip), `≤ ${fmtBytes(budget)}`, verdict(size.gzip <= budget));
    else row(`gzip (${size.gzipMethod})`, fmtBytes(size.gzip));
    row('brotli (quality 11)', fmtBytes(size.brotli));
  }
  // What affitor-tracker/react adds to an app: it imports the browser entry rather than a core of its own.
  const react = measureSize(REACT_ENTRY);
  console.log(`\nSize of ${relative(repo, REACT_ENTRY)} (provider and hook; the core is the browser entry's)`);
  row(`gzip (${react.gzipMethod})`, fmtBytes(react.gzip));
}

/**
 * Loads `url` in a fresh context and returns the main thread's ScriptDuration and TaskDuration in ms.
 * ScriptDuration does not count microtasks run right after a parser-blocking script (measured: a
 * 5 ms busy loop in `Promise.resolve().then(…)` shows as 0.3 ms), so work deferred that way would
 * vanish from it; TaskDuration (all main-thread work, page included) is the cross-check.
 */
async function mainThreadMs(browser, userAgent, url) {
  const context = await browser.newContext({ userAgent });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(SETTLE_MS);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const ms = (name) => metrics.find((m) => m.name === name).value * 1000;
    return { script: ms('ScriptDuration'), task: ms('TaskDuration') };
  } finally {
    await context.close();
  }
}

async function cpuSection() {
  const { startApiServer, startPagesServer } = await loadServers();
  const api = await startApiServer({ host: 'api.test' });
  const pages = await startPagesServer({ host: 'tracker.test' });
  const html = (head) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>Bench</title>${head}</head><body><h1>Bench</h1></body></html>`;
  const tag = `<script src="/affitor-tracker.js" data-affitor-program-id="1" data-affitor-api-base="${api.origin}"></script>`;
  pages.serve('/baseline', { body: html('') });
  pages.serve('/tracked', { body: html(tag) });
  // The control loads one external script, as the tracker is, that makes only the Intl call.
  pages.serve('/control.js', { body: 'window.__tz = Intl.DateTimeFormat().resolvedOptions().timeZone;', contentType: 'text/javascript' });
  pages.serve('/control', { body: html('<script src="/control.js"></script>') });

  const cases = [
    { key: 'baseline', label: 'no tracker (baseline)', url: pages.url('/baseline') },
    { key: 'plain', label: 'plain visit', url: pages.url('/tracked') },
    { key: 'landing', label: '?aff= landing', url: pages.url('/tracked?aff=BENCH') },
    { key: 'control', label: 'control: first Intl timeZone call only', url: pages.url('/control') },
  ];
  const { browser, userAgent } = await launchPersonLikeChromium();
  const samples = Object.fromEntries(cases.map((c) => [c.key, []]));
  const taskSamples = Object.fromEntries(cases.map((c) => [c.key, []]));
  try {
    for (let round = 0; round <= LOADS; round++) {
      for (const c of cases) {
        const { script, task } = await mainThreadMs(browser, userAgent, c.url);
        if (round > 0) {
          // round 0 warms up the browser and servers
          samples[c.key].push(script);
          taskSamples[c.key].push(task);
        }
      }
    }
  } finally {
    await browser.close();
    await api.close();
    await pages.close();
  }
  const clicks = api.posts('click').length;
  const expectedClicks = LOADS + 1;
  console.log(`\nMain-thread CPU (ScriptDuration), median of ${LOADS} interleaved loads, fresh context each, read ${SETTLE_MS} ms after load`);
  const m = Object.fromEntries(cases.map((c) => [c.key, median(samples[c.key])]));
  const spread = (key) => `(min ${Math.min(...samples[key]).toFixed(2)}, max ${Math.max(...samples[key]).toFixed(2)})`;
  row(cases[0].label, `${fmtMs(m.baseline)} ${spread('baseline')}`);
  row(cases[1].label, `${fmtMs(m.plain)} ${spread('plain')}`, `≤ ${PLAIN_BUDGET_MS} ms`, verdict(m.plain <= PLAIN_BUDGET_MS));
  row(cases[2].label, `${fmtMs(m.landing)} ${spread('landing')}`);
  row(cases[3].label, `${fmtMs(m.control)} ${spread('control')}`);
  const own = m.landing - m.control;
  row('landing − control (the tracker\'s own cost)', fmtMs(own), `≤ ${LANDING_OVER_CONTROL_BUDGET_MS} ms`, verdict(own <= LANDING_OVER_CONTROL_BUDGET_MS));
  const t = Object.fromEntries(cases.map((c) => [c.key, median(taskSamples[c.key])]));
  row('cross-check, TaskDuration: plain visit − baseline', fmtMs(t.plain - t.baseline));
  row('cross-check, TaskDuration: landing − control', fmtMs(t.landing - t.control));
  // A landing that sent no click would measure nothing: say so instead of printing a false PASS.
  row('clicks received during the landing loads', `${clicks} of ${expectedClicks}`, `= ${expectedClicks}`, clicks === expectedClicks ? 'ok' : 'WRONG');
}

// The sandbox load section: bench/sandbox-load.mjs (issue 4) exports run() → rows
// {measure, value, goal, verdict}. Optional: skipped with a note while the file or export is missing.
async function sandboxLoadSection() {
  const file = join(repo, 'bench/sandbox-load.mjs');
  console.log('\nSandbox load (bench/sandbox-load.mjs)');
  if (!existsSync(file)) return console.log('  (not present yet)');
  const mod = await import('./sandbox-load.mjs');
  if (typeof mod.run !== 'function') return console.log('  (bench/sandbox-load.mjs exports no run())');
  for (const r of await mod.run()) row(r.measure, String(r.value), r.goal ?? '', r.verdict ?? '');
}

const started = Date.now();
sizeSection();
await cpuSection();
await sandboxLoadSection();
console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
const over = rows.filter((r) => ['OVER', 'WRONG', 'MISSED'].includes(r.verdict));
if (over.length) console.log(`Over budget: ${over.map((r) => r.measure).join('; ')}`);
