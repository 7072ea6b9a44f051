// One simulated affiliate journey per call: a fresh browser context lands on the shop from a
// partner link, browses, signs up with `window.affitor.signup`, and the shop's backend records the
// sale — all under exactly one injected fault. The verdict is not decided here: it is read later
// from the sandbox's own rows (see verdicts.mjs), so a journey cannot grade itself.
import { CONSENT_COOKIE, JOURNEY_COOKIE, SHOP_HOST } from './shop.mjs';
import { journeyOfUrl } from './verdicts.mjs';

/** Time a visitor spends on the landing page before clicking on (no waiting for the tracker). */
const LANDING_DWELL_MS = 800;
/** Time on the second page before going to sign up. */
const SECOND_PAGE_DWELL_MS = 300;
/** Days that pass in the Safari journey: past ITP's 7-day cap on script-written cookies. */
const SAFARI_DAYS_AWAY = 8;
/** Generous: on a shared 2-core machine a page load can take seconds; a stuck step still ends. */
const PAGE_TIMEOUT_MS = 30_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The faults, in round-robin order. `variants` alternate between a fault's journeys (reported as
 * sub-rows); `needs: 'consent'` marks a fault that only exists once the script has consent mode.
 * `run(j)` drives the journey and returns the checkout answer (or throws).
 */
export const FAULTS = [
  {
    key: 'api-5xx',
    label: 'API 5xx then recovery (next 2 clicks answer 503)',
    async run(j) {
      await j.sandbox.admin.setFaults({ click: { mode: '503', count: 2 } });
      return j.landAndBuy(await j.newPage());
    },
  },
  {
    key: 'dropped',
    label: 'dropped connection (next 2 click connections cut)',
    // `drop`: cut before the sandbox reads the request. `drop_after`: stored, then cut without an
    // answer — the browser sees a failure although the click exists (what protocol §10.19's dedupe is for).
    variants: ['drop', 'drop_after'],
    async run(j) {
      await j.sandbox.admin.setFaults({ click: { mode: j.variant, count: 2 } });
      return j.landAndBuy(await j.newPage());
    },
  },
  {
    key: 'latency',
    label: 'API latency 3 s (visitor moves on meanwhile)',
    async run(j) {
      await j.sandbox.admin.setFaults({ click: { mode: 'delay', count: 1, delayMs: 3000 } });
      return j.landAndBuy(await j.newPage());
    },
  },
  {
    key: 'nav-away',
    label: 'navigation away 10 ms after load',
    async run(j) {
      const page = await j.newPage();
      // In the page itself, so the 10 ms are not stretched by the remote-control round trip.
      await page.addInitScript(() => {
        if (/[?&]aff=/.test(location.search)) {
          addEventListener('load', () => setTimeout(() => location.assign('/pricing'), 10));
        }
      });
      await page.goto(j.landingUrl, { waitUntil: 'load' });
      await page.waitForURL((url) => url.pathname === '/pricing', { timeout: PAGE_TIMEOUT_MS });
      await j.waitForTracker(page);
      return j.buyFromPricing(page);
    },
  },
  {
    key: 'signup-first',
    label: 'signup fired before the click answer (queued before load)',
    async run(j) {
      const page = await j.newPage();
      // Affitor's documented caller pattern for code that runs before the script: the queue is
      // drained right after init, while the landing's click request is still in flight.
      await page.addInitScript(
        ([key, email]) => {
          if (/[?&]aff=/.test(location.search)) window.affitorQueue = [['signup', key, email]];
        },
        [j.customerKey, j.email],
      );
      await j.land(page);
      return j.browseAndBuy(page, { signedUp: true });
    },
  },
  {
    key: 'consent',
    label: 'consent granted on the second page',
    needs: 'consent',
    // `full load`: the second page is a new document. `spa`: the second page is a pushState route.
    variants: ['full load', 'spa'],
    async run(j) {
      await j.context.addCookies([{ name: CONSENT_COOKIE, value: 'required', url: j.shop.origin + '/' }]);
      const page = await j.newPage();
      await j.land(page);
      await sleep(LANDING_DWELL_MS);
      if (j.variant === 'spa') await page.evaluate(() => history.pushState({}, '', '/pricing'));
      else await j.follow(page, '/pricing');
      // Consent mode's promise: before consent, no affitor cookie and no click reached the API.
      const cookies = (await j.context.cookies()).filter((c) => c.name.startsWith('affitor_') || c.name === 'customer_code');
      const clicks = (await j.sandbox.admin.state(100)).events.filter((e) => e.type === 'click' && journeyOfUrl(e.affiliate_url) === j.id);
      if (cookies.length > 0 || clicks.length > 0) {
        j.violation(`before consent: cookies [${cookies.map((c) => c.name).join(', ')}], ${clicks.length} click(s) at the API`);
      }
      await page.evaluate(() => window.affitor.consent(true));
      return j.buyFromPricing(page);
    },
  },
  {
    key: 'spa-strip',
    label: 'SPA router strips aff right after load (replaceState)',
    async run(j) {
      const page = await j.newPage();
      await page.addInitScript(() => {
        document.addEventListener('DOMContentLoaded', () => {
          if (/[?&]aff=/.test(location.search)) history.replaceState(history.state, '', location.pathname);
        });
      });
      return j.landAndBuy(page);
    },
  },
  {
    key: 'safari-expiry',
    label: `Safari 7-day cap: script cookies gone ${SAFARI_DAYS_AWAY} days later`,
    async run(j) {
      /** Cookie name → Date.now() (page clock, same machine) of the page's last document.cookie write. */
      const scriptWrites = new Map();
      await j.context.exposeBinding('__benchCookieWritten', (_source, name, at) => void scriptWrites.set(name, at));
      await j.context.addInitScript(() => {
        // Pass-through wrapper: only notes which cookie the page's JavaScript wrote, and when.
        const native = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
        Object.defineProperty(Document.prototype, 'cookie', {
          configurable: true,
          enumerable: true,
          get() {
            return native.get.call(this);
          },
          set(value) {
            native.set.call(this, value);
            const at = Date.now();
            window.__benchCookieWritten(String(value).split('=')[0].trim(), at).catch(() => {});
          },
        });
      });
      const page = await j.newPage();
      await j.land(page);
      await sleep(LANDING_DWELL_MS);
      await j.follow(page, '/pricing');
      // The visitor leaves; whatever the tracker was still doing has finished before days pass.
      await page.evaluate(() => new Promise((resolve) => window.affitor.ready(resolve)));
      await sleep(SECOND_PAGE_DWELL_MS);

      const serverWrites = j.shop.serverWrites(j.id);
      const before = await j.context.cookies();
      const kept = before.filter(
        (c) => c.name.startsWith('bench_') || (serverWrites.get(c.name) ?? -Infinity) > (scriptWrites.get(c.name) ?? -Infinity),
      );
      j.note(`kept ${kept.map((c) => c.name).join(',') || 'none'}; dropped ${before.filter((c) => !kept.includes(c)).map((c) => c.name).join(',') || 'none'}`);
      await j.context.clearCookies();
      await j.context.addCookies(kept);
      // ITP also clears script-writable storage after 7 days without interaction.
      await page.evaluate(() => localStorage.clear());
      const clickId = before.find((c) => c.name === 'affitor_click_id')?.value;
      if (clickId) await j.sandbox.admin.shiftClick(decodeURIComponent(clickId), SAFARI_DAYS_AWAY);

      await j.goto(page, '/signup');
      await j.signup(page);
      return j.checkout(page);
    },
  },
  {
    key: 'second-tab',
    label: 'second tab: two tabs land on the same link at once',
    async run(j) {
      const [first, second] = await Promise.all([j.newPage(), j.newPage()]);
      await Promise.all([j.land(first), j.land(second)]);
      return j.browseAndBuy(first);
    },
  },
];

/**
 * Runs journey `spec` and resolves with its record (never rejects: a failure is part of the record).
 * @param {{browser: import('@playwright/test').Browser, userAgent: string, shop: any, sandbox: any,
 *   id: string, index: number, partner: string, fault: typeof FAULTS[number], variant?: string,
 *   timeoutMs: number}} spec
 */
export async function runJourney(spec) {
  const { browser, userAgent, shop, sandbox, id, index, partner, fault, variant, timeoutMs } = spec;
  const context = await browser.newContext({ userAgent, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const notes = [];
  const record = { id, index, partner, fault: fault.key, variant, invoiceId: `bench_inv_${id}`, customerKey: `bench-customer-${id}`, checkout: null, error: null, notes, ms: 0 };
  const started = Date.now();
  const j = {
    id,
    partner,
    variant,
    context,
    shop,
    sandbox,
    customerKey: record.customerKey,
    email: `buyer-${id}@example.com`,
    invoiceId: record.invoiceId,
    landingUrl: `${shop.origin}/?aff=${encodeURIComponent(partner)}&j=${encodeURIComponent(id)}`,
    note: (text) => notes.push(text),
    /** Something the script must never do happened (listed separately in the report). */
    violation: (text) => {
      record.violation = text;
      notes.push(`VIOLATION ${text}`);
    },
    newPage: () => context.newPage(),
    // The tag is a plain script in <head>, so at `load` this normally holds at once.
    waitForTracker: (page) => page.waitForFunction(() => !!window.affitor, null, { timeout: PAGE_TIMEOUT_MS, polling: 50 }),
    /** A visitor's click on the page's link to `path`: a real navigation, with the referrer it sends. */
    async follow(page, path) {
      await Promise.all([page.waitForURL((url) => url.pathname === path, { waitUntil: 'load' }), page.click(`a[href="${path}"]`)]);
      await j.waitForTracker(page);
    },
    /** Typing the address (or a bookmark): no referrer. */
    async goto(page, path) {
      await page.goto(shop.origin + path, { waitUntil: 'load' });
      await j.waitForTracker(page);
    },
    async land(page) {
      await page.goto(j.landingUrl, { waitUntil: 'load' });
      await j.waitForTracker(page);
    },
    signup: (page) => page.evaluate(([key, email]) => window.affitor.signup(key, email), [j.customerKey, j.email]),
    checkout: (page) =>
      page.evaluate(async (body) => {
        const res = await fetch('/api/checkout', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        return res.json();
      }, { customerKey: j.customerKey, invoiceId: j.invoiceId }),
    /** The ordinary rest of a journey: look around, go to pricing, sign up, buy. */
    async browseAndBuy(page, { signedUp = false } = {}) {
      await sleep(LANDING_DWELL_MS);
      await j.follow(page, '/pricing');
      return j.buyFromPricing(page, { signedUp });
    },
    /** From the pricing page on: read it, go to sign up, sign up (unless done already), buy. */
    async buyFromPricing(page, { signedUp = false } = {}) {
      await sleep(SECOND_PAGE_DWELL_MS);
      await j.follow(page, '/signup');
      if (!signedUp) await j.signup(page);
      return j.checkout(page);
    },
    /** The ordinary journey from the partner link on. */
    async landAndBuy(page) {
      await j.land(page);
      return j.browseAndBuy(page);
    },
  };
  try {
    await context.addCookies([{ name: JOURNEY_COOKIE, value: id, url: `http://${SHOP_HOST}:${shop.port}/` }]);
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`journey timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      record.checkout = await Promise.race([fault.run(j), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    record.error = String(err?.message ?? err).split('\n')[0];
  } finally {
    // An injected fault the journey's requests did not use up means the fault never fully applied
    // (e.g. Chromium silently resent a request); it is reported, then cleared for the next journey.
    const left = await sandbox.admin.faults().catch(() => ({}));
    for (const [endpoint, f] of Object.entries(left)) notes.push(`injected fault not used up: ${endpoint} ${f.mode} ×${f.count} left`);
    record.faultUnused = Object.keys(left).length > 0;
    await sandbox.admin.setFaults({ click: null, lead: null }).catch(() => {});
    await context.close().catch(() => {});
    record.ms = Date.now() - started;
  }
  return record;
}
