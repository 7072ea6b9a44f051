// `npm run bench:faults`: N simulated affiliate journeys in real Chromium against real sandbox
// processes, each under one injected fault. Per fault and overall it reports
// the share of journeys whose sale the sandbox attributed to the journey's partner, and the
// duplicate click rows created. Then the merchant backend's calls and Stripe's deliveries under
// lost answers (bench/faults/server-calls.mjs), judged from the sandbox's rows. The last two lines
// are always
//   server: <n> double-applied, <m> lost over <N> calls
//   overall: <pct>% attributed, <n> duplicate clicks over <N> journeys
//
// Options: --n N (journeys, default 200) · --concurrency C (parallel journeys, each with its own
// sandbox and shop so injected faults never hit another journey; default 3) · --budget-s S (stop
// starting journeys after S seconds; default 1800: on an idle 2-core machine 200 journeys take a
// few minutes, on a shared one much longer) · --timeout-s T (per journey; default 90) ·
// --faults a,b (only these fault keys, e.g. `--faults second-tab` as a repro) · --no-refresh (control:
// the shop does not re-issue cookies, to show what the Safari helper buys) · --verbose (one line
// per journey) · --server-rounds R (rounds of the server-side scenarios, default 4). A journey the harness could not drive to its checkout (a timeout on an overloaded
// machine) is reported as aborted, not as lost attribution, and is run once more under a new key.
import { parseArgs } from 'node:util';
import { launchPersonLikeChromium } from './lib/browser.mjs';
import { FAULTS, runJourney } from './faults/journeys.mjs';
import { formatReport } from './faults/report.mjs';
import { formatServerReport, runServerFaults } from './faults/server-calls.mjs';
import { startSandboxProcess } from './faults/sandbox.mjs';
import { startShop } from './faults/shop.mjs';
import { judge } from './faults/verdicts.mjs';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '3' },
    'budget-s': { type: 'string', default: '1800' },
    'timeout-s': { type: 'string', default: '90' },
    faults: { type: 'string' },
    'no-refresh': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'server-rounds': { type: 'string', default: '4' },
  },
});
const N = Number(args.n);
const CONCURRENCY = Number(args.concurrency);
const BUDGET_MS = Number(args['budget-s']) * 1000;
const JOURNEY_TIMEOUT_MS = Number(args['timeout-s']) * 1000;
const SERVER_ROUNDS = Number(args['server-rounds']);
for (const [name, v] of [['--n', N], ['--concurrency', CONCURRENCY], ['--budget-s', BUDGET_MS], ['--timeout-s', JOURNEY_TIMEOUT_MS], ['--server-rounds', SERVER_ROUNDS]]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
}

const runId = Date.now().toString(36);
const log = (line) => console.log(line);

const workers = [];
let browser, userAgent;
try {
  for (let i = 0; i < CONCURRENCY; i++) {
    const sandbox = await startSandboxProcess();
    const shop = await startShop(sandbox, { refresh: !args['no-refresh'] });
    workers.push({ sandbox, shop, records: [] });
  }
  // Real shops are https: secure contexts, where the script serialises landings across tabs with
  // Web Locks. The bench's shops are http on test names, so the browser is told to treat them alike.
  ({ browser, userAgent } = await launchPersonLikeChromium({ secureOrigins: workers.map((w) => w.shop.origin) }));
  const first = workers[0];
  const state = await first.sandbox.admin.state(0);
  const partners = state.partners
    .filter((p) => p.program_id === first.sandbox.programId && p.status === 'active')
    .map((p) => p.code);
  if (partners.length === 0) throw new Error('the sandbox has no active partner');

  // Consent mode exists once the built script exposes window.affitor.consent; it is never faked.
  const probe = await browser.newContext({ userAgent });
  const probePage = await probe.newPage();
  await probePage.goto(first.shop.origin + '/pricing');
  await probePage.waitForFunction(() => !!window.affitor);
  const features = {
    consent: await probePage.evaluate(() => typeof window.affitor.consent === 'function'),
    webdriver: await probePage.evaluate(() => navigator.webdriver),
  };
  await probe.close();
  const faults = FAULTS.map((fault) => ({
    fault,
    available: !fault.needs || features[fault.needs],
    why: fault.needs && !features[fault.needs] ? `not available yet (the built script has no window.affitor.${fault.needs})` : undefined,
  }));
  const only = args.faults?.split(',').map((k) => k.trim());
  const unknown = only?.filter((k) => !FAULTS.some((f) => f.key === k));
  if (unknown?.length) throw new Error(`unknown fault ${unknown.join(', ')}; known: ${FAULTS.map((f) => f.key).join(', ')}`);
  const active = faults.filter((f) => f.available && (!only || only.includes(f.fault.key))).map((f) => f.fault);
  if (active.length === 0) throw new Error('no fault to run');

  // Round-robin over faults; partners rotate per round so every fault meets every partner.
  const plan = Array.from({ length: N }, (_, index) => {
    const fault = active[index % active.length];
    const round = Math.floor(index / active.length);
    return {
      index,
      id: `${runId}-${index}`,
      fault,
      variant: fault.variants?.[round % fault.variants.length],
      partner: partners[round % partners.length],
    };
  });

  log(`fault benchmark: ${N} journeys, ${CONCURRENCY} at once, partners ${partners.join(', ')}, Chromium ${browser.version()} (navigator.webdriver=${features.webdriver})${args['no-refresh'] ? '; CONTROL RUN: the shop does not re-issue cookies' : ''}`);
  const started = Date.now();
  let next = 0;
  let done = 0;
  let skipped = 0;
  await Promise.all(
    workers.map(async (worker, w) => {
      // Staggered, so the workers' first browser contexts are not all created in the same second.
      await new Promise((resolve) => setTimeout(resolve, w * 700));
      while (next < plan.length) {
        const item = plan[next++];
        if (Date.now() - started > BUDGET_MS) {
          skipped++;
          continue;
        }
        const record = await runJourney({
          ...item,
          browser,
          userAgent,
          shop: worker.shop,
          sandbox: worker.sandbox,
          timeoutMs: JOURNEY_TIMEOUT_MS,
        });
        worker.records.push(record);
        done++;
        if (record.error && !record.checkout && !item.rerun) plan.push({ ...item, id: `${item.id}r`, rerun: true });
        if (args.verbose) {
          log(`  #${item.index} ${item.fault.key}${item.variant ? ` (${item.variant})` : ''} ${item.partner}: checkout ${record.checkout?.status ?? '-'} ${record.error ?? ''} ${record.notes.join('; ')} ${record.ms} ms`);
        } else if (done % 20 === 0) {
          log(`  ${done}/${plan.length} journeys done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        }
      }
    }),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);

  const results = [];
  for (const worker of workers) {
    const verdicts = judge(worker.records, await worker.sandbox.admin.state(10_000));
    for (const record of worker.records) results.push({ ...record, ...verdicts.get(record.id) });
  }
  results.sort((a, b) => a.index - b.index);

  const failures = results.filter((r) => !r.attributed || r.duplicateClicks > 0 || r.violation);
  if (failures.length > 0) {
    log(`\njourneys aborted, not attributed, with duplicate clicks or a violation (${failures.length}; first 40):`);
    for (const r of failures.slice(0, 40)) {
      const what = [r.aborted ? `aborted: ${r.error}` : !r.attributed && r.reason, r.duplicateClicks > 0 && `${r.clickRows} click rows: ${r.clickEvidence}`, ...r.notes].filter(Boolean).join('; ');
      log(`  #${r.index} ${r.fault}${r.variant ? ` (${r.variant})` : ''} → ${r.partner}: ${what}`);
    }
  }
  const unbound = results.filter((r) => !r.aborted && !r.leadBound);
  if (unbound.length > 0) {
    log(`\nbrowser lead not bound to the partner's customer (${unbound.length}; first 10):`);
    for (const r of unbound.slice(0, 10)) log(`  #${r.index} ${r.fault} → ${r.partner}: lead answers ${r.leadEvidence}; sale ${r.attributed ? 'attributed' : 'not attributed'}`);
  }
  const violations = results.filter((r) => r.violation);
  log(`\nviolations (e.g. a cookie or click before consent): ${violations.length}`);
  const unused = results.filter((r) => r.faultUnused);
  if (unused.length > 0) {
    const counts = new Map();
    for (const r of unused) counts.set(r.fault, (counts.get(r.fault) ?? 0) + 1);
    const byFault = [...counts].map(([fault, n]) => `${fault} ${n}`);
    log(`\ninjected fault not used up (the fault did not fully apply) in ${unused.length} journeys: ${byFault.join(', ')}`);
  }
  log(`\n${results.length} journeys run (${results.filter((r) => r.aborted).length} aborted) in ${seconds} s${skipped ? `; ${skipped} not started (time budget ${BUDGET_MS / 1000} s spent)` : ''}\n`);
  // The server section runs on a sandbox of its own, so its injected faults meet no journey.
  const serverSandbox = await startSandboxProcess();
  workers.push({ sandbox: serverSandbox, shop: { close: async () => {} }, records: [] });
  const serverStarted = Date.now();
  const serverRows = await runServerFaults(serverSandbox, { rounds: SERVER_ROUNDS, partner: partners[0], runId });
  const server = formatServerReport(serverRows);
  const journeyLines = formatReport(faults, results).split('\n');
  const overall = journeyLines.pop();
  log(journeyLines.join('\n'));
  log(`\nserver-side faults: ${serverRows.length} calls in ${((Date.now() - serverStarted) / 1000).toFixed(0)} s (lost answers through the server client; Stripe deliveries through handleStripeWebhook)\n`);
  log(server.table);
  log('');
  log(server.summary);
  log(overall);
} finally {
  await browser?.close().catch(() => {});
  for (const w of workers) {
    await w.shop.close().catch(() => {});
    await w.sandbox.stop().catch(() => {});
  }
}
