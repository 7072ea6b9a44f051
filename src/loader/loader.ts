// The every-page script (dist/affitor-tracker.js). Every byte here ships to every page view, so
// this file holds only what a plain visit needs, and a landing's first move:
// - the tag's settings, `window.affitor` and the queue; getClickId(), getClickIds(), getData() and
//   ready() answered from the cookies; the double-load guard;
// - on a landing (`aff` in the URL, a click needed, nothing unusual): the write-ahead record and the
//   click request, in this first task (under the Web Locks lock where the browser has it);
// - for everything else — the landing's answer and retries, signups, a record an earlier page left,
//   a legacy cookie, consent, debug mode, an SPA landing, bots, prerendering — it loads the core
//   (affitor-tracker.core.js, integrity-pinned by the build) from beside itself and hands the page
//   over (src/core/handover.ts). When in doubt, the core decides: correctness lives there.
// Byte tricks are allowed here, and only here (ARCHITECTURE.md).
import { parseAff } from '../core/aff.js';
import { botReason } from '../core/bots.js';
import { resolveApiBase } from '../core/config.js';
import { deviceFields } from '../core/device.js';
import type { Handover } from '../core/handover.js';
import { toJson } from '../core/transport.js';
import { DEFAULT_API_BASE } from '../shared/constants.js';
import {
  AFF_URL_COOKIE, CLICK_ID_COOKIE, CLICK_IDS_COOKIE, CONSENT_COOKIE, LEGACY_CLICK_ID_COOKIE, PENDING_CLICK_COOKIE, PENDING_LEAD_COOKIE,
  cookieLine, isSafeCookieDomain, readCookieValues, splitClickIds,
} from '../shared/cookies.js';

/** The core's integrity hash, written in by build.mjs. */
declare const AFFITOR_CORE_SRI: string;

type Method = (...args: unknown[]) => unknown;
type Facade = Record<string, unknown>;

const error = (...args: unknown[]) => console.error('[Affitor]', ...args);
const flag = (v: unknown) => String(v).trim().toLowerCase() == 'true';
const readJar = () => {
  try {
    return document.cookie;
  } catch (e) {
    return '';
  }
};
const cookie = (jar: string, name: string) => readCookieValues(jar, name)[0] || null;
/** A stored refusal (`affitor_consent` other than 1) stops everything (protocol §6 optOut). */
const allowed = (jar: string, stored = cookie(jar, CONSENT_COOKIE)) => !stored || stored == '1';

export function startLoader() {
  try {
    // currentScript is set only while the script runs synchronously, so it is read first.
    const tag = (document.currentScript || document.querySelector('script[data-affitor-program-id],script[data-affitor-program]')) as HTMLScriptElement | null;
    const attr = (name: string) => tag && tag.getAttribute('data-affitor-' + name);
    const existing = window.affitor as Facade | undefined;
    if (existing && existing.$affitor) {
      if (flag(attr('debug'))) console.log('[Affitor]', 'already loaded on this page; this copy does nothing');
    } else if (existing && typeof existing.signup == 'function' && typeof existing.getClickId == 'function') {
      error('another Affitor tracker is already on this page; this copy does nothing');
    } else start(tag, attr);
  } catch (e) {
    error(e);
  }
}

function start(tag: HTMLScriptElement | null, attr: (name: string) => string | null) {
  const href = location.href;
  const aff = parseAff(href);
  let programId: number | null = parseInt((attr('program-id') || attr('program'))!, 10);
  // `n !== n`: NaN.
  if (programId !== programId) programId = parseInt(window.AFFITOR_PROGRAM_ID as string, 10);
  const domainOption = attr('cookie-domain');
  const apiBase = resolveApiBase(attr('api-base') || DEFAULT_API_BASE);
  const page: Handover = {
    tag,
    session: 'sess_' + (Math.random().toString(36) + '000000000').slice(2, 11) + '_' + Date.now(),
    url: href,
    referrer: document.referrer,
    calls: [],
  };
  /** 1 once the core is asked for; 2 once it is known not to come. */
  let core = 0;
  let passed: unknown;
  let hasAttribution = false;
  let affiliateUrl: string | null = null;
  let lastAff = aff;
  let current = href;
  let coreUrl = '';

  /** The core's answer once it runs the page (it also knows what this page's memory holds), else the cookies'. */
  // oxlint-disable-next-line no-explicit-any -- each local answer has its own parameters
  const fromCore = (method: string, local: (...args: any[]) => unknown) => () => (page.core ? (page.core as Record<string, Method>)[method]() : local());
  // The first of each name: two same-named click-id cookies (a stale copy) are the core's to tell apart.
  const getClickId = (jar = readJar()) => (allowed(jar) ? cookie(jar, CLICK_ID_COOKIE) || cookie(jar, LEGACY_CLICK_ID_COOKIE) : null);
  const getData = fromCore('getData', () => (pass(), { clickId: getClickId(), programId: programId === programId ? programId : null, hasAttribution, affiliateUrl }));
  const fire = () => {
    page.fired = true;
    dispatchEvent(new CustomEvent('affitor:ready', { detail: getData() }));
  };
  /** What the core must settle for a call when it cannot come: `ready` still gets its data. */
  const settleWithout = (method: string, args: unknown[]) => (method == 'ready' ? (args[0] as Method)(getData()) : undefined);

  const failed = () => {
    core = 2;
    error('could not load ' + coreUrl + ' (served beside affitor-tracker.js? allowed by the CSP?)');
    if (page.release) page.release(0);
    page.calls.splice(0).forEach(([method, args, settle]) => {
      try {
        settle(settleWithout(method, args));
      } catch (e) {
        error(e);
      }
    });
    if (!page.fired) fire();
  };

  const loadCore = () => {
    if (core) return;
    core = 1;
    try {
      coreUrl = new URL('affitor-tracker.core.js', tag!.src).href;
      const script = document.createElement('script') as HTMLScriptElement & { affitor: Handover };
      script.affitor = page;
      script.onerror = failed;
      script.integrity = AFFITOR_CORE_SRI;
      script.crossOrigin = 'anonymous';
      // Under Trusted Types a plain string URL is refused; `affitor` is the policy a site lists.
      const types = (window as { trustedTypes?: { createPolicy(n: string, p: object): { createScriptURL(u: string): string } } }).trustedTypes;
      script.src = types ? types.createPolicy('affitor', { createScriptURL: (url: string) => url }).createScriptURL(coreUrl) : coreUrl;
      document.head.appendChild(script);
    } catch (e) {
      failed();
    }
  };

  /** A call for the core: run by it, now or once it arrives, in order. */
  const toCore = (method: string, args: unknown[]) =>
    page.core
      ? (page.core as Record<string, Method>)[method](...args)
      : core > 1
        ? settleWithout(method, args)
        : new Promise((settle) => {
          page.calls.push([method, args, settle]);
          loadCore();
        });

  const facade: Facade = {
    $affitor: 1,
    get programId() {
      return page.core ? (page.core as Facade).programId : programId === programId ? programId : null;
    },
    getClickId: fromCore('getClickId', () => getClickId()),
    getClickIds: fromCore('getClickIds', (jar: string = readJar(), id: string | null = getClickId(jar), ids: string[] = splitClickIds(cookie(jar, CLICK_IDS_COOKIE))) =>
      (id && ids.indexOf(id) < 0 ? ids.concat(id) : ids).slice(-20),
    ),
    getData,
    /** Once the page's attribution has settled: at once on a plain visit, else when the core says so. */
    ready: (callback: Method) => {
      setTimeout(() => {
        pass();
        if (core == 1) void toCore('ready', [callback]);
        else callback(getData());
      });
    },
  };
  'init signup trackClick trackLead consent optOut'.split(' ').forEach((method) => {
    facade[method] = (...args: unknown[]) => {
      const result = toCore(method, args);
      // signup, trackClick, trackLead return their promise; init the tracker; consent, optOut nothing.
      return method == 'init' ? facade : method[0] == 's' || method[0] == 't' ? Promise.resolve(result) : undefined;
    };
  });

  /**
   * A plain visit's look at the cookies, a task after the tag (its first `document.cookie` read is
   * cheaper then) or when a call needs it first. Anything a plain visit does not know — a record an
   * earlier page left, a lead waiting, a legacy cookie to migrate — is the core's.
   */
  /**
   * What a plain visit leaves to the core: a record an earlier page left, a lead waiting, a legacy
   * click id to migrate, two same-named click-id cookies (a stale copy to tell apart, protocol §4.2).
   */
  function unusual(jar: string) {
    return cookie(jar, PENDING_CLICK_COOKIE) || cookie(jar, PENDING_LEAD_COOKIE) || (!cookie(jar, CLICK_ID_COOKIE) && cookie(jar, LEGACY_CLICK_ID_COOKIE)) || readCookieValues(jar, CLICK_ID_COOKIE).length > 1;
  }

  function pass() {
    if (passed) return;
    passed = 1;
    const jar = readJar();
    const id = getClickId(jar);
    if (allowed(jar) && unusual(jar)) loadCore();
    hasAttribution = !!id;
    affiliateUrl = id && cookie(jar, AFF_URL_COOKIE);
  }

  // Unusual settings are the core's from the start: debug mode, consent mode, no program id, a
  // cookie domain to refuse, a prerendered page.
  if (
    flag(attr('debug')) ||
    attr('consent') != null ||
    programId !== programId ||
    (domainOption != null && !isSafeCookieDomain(domainOption)) ||
    (document as { prerendering?: boolean }).prerendering
  ) {
    loadCore();
  } else if (aff) {
    const jar = readJar();
    const id = cookie(jar, CLICK_ID_COOKIE);
    const storedUrl = cookie(jar, AFF_URL_COOKIE);
    const storedAff = parseAff(storedUrl);
    passed = 1;
    if (!allowed(jar)) {
      // A stored refusal: nothing is sent or stored.
    } else if (unusual(jar) || botReason(navigator)) {
      // As on a plain visit, and what looks like a bot: the core withholds its click with a warning,
      // or sends it where the API is the developer's own (loopback) or data-affitor-allow-bots says so.
      loadCore();
    } else if (id && !(storedAff && storedAff != aff)) {
      // The same partner brought the visitor back: nothing to send (protocol §3.2 step 4).
      hasAttribution = true;
      affiliateUrl = storedUrl;
    } else land(id);
  }

  /**
   * A new visitor or a partner switch (protocol §3.2 step 4): the write-ahead record, then the click,
   * at once — or, where the browser has Web Locks, once this tab holds `affitor_click`, after a fresh
   * look at the cookies: a second tab opened on the same link then finds the first tab's click.
   */
  function land(id: string | null) {
    affiliateUrl = href;
    const record = {
      affiliate_url: href,
      page_url: href,
      page_title: document.title.slice(0, 200),
      referrer_url: page.referrer,
      session_id: page.session,
      existing_click_id: id || undefined,
      attempts: 0,
      first_ts: Date.now(),
    };
    const stored = encodeURIComponent(toJson(record));
    // Under the configured domain, else host-only: the core writes it again under the probed domain
    // (protocol §4.3) with its first attempt, which expires this copy (cookie-jar.ts).
    try {
      if (stored.length <= 3500) document.cookie = cookieLine(PENDING_CLICK_COOKIE, stored, 1, domainOption!, location.protocol == 'https:');
    } catch (e) {}
    const send = () => {
      const response = new Promise<Response>((resolve) =>
          resolve(
            fetch(apiBase + '/api/v1/track/click', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: toJson(
                Object.assign({}, record, { page_title: document.title, attempts: undefined, first_ts: undefined }, deviceFields()),
              ),
              keepalive: true,
            }),
          ),
      );
      // A missing or throwing fetch is the core's failed attempt to retry, not the page's unhandled rejection.
      response.catch(String);
      page.click = { url: href, session: page.session, response };
    };
    const locks = navigator.locks;
    if (!locks) send();
    else {
      // Resolves once this tab holds the lock and has sent the click or left the landing to the core.
      page.decided = new Promise((decided) => {
        void locks
          .request('affitor_click', () =>
            // `cookieStore` asks the browser's own store: document.cookie may still show this
            // renderer's copy from before another tab's write.
            new Promise<CookieList>((resolve) => resolve(cookieStore.getAll()))
              .then((all) => all.map((c) => c.name + '=' + c.value).join('; '), readJar)
              .then((jar, pending = cookie(jar, PENDING_CLICK_COOKIE)) => {
                // Another tab's click since, or its record in place of ours (it went out first): the core decides.
                if (cookie(jar, CLICK_ID_COOKIE) != id || (pending && pending.indexOf(page.session) < 0)) return decided(0);
                send();
                decided(0);
                // Held until the core has settled this click (handover.ts), or is known not to come.
                return new Promise((release) => (core > 1 ? release(0) : (page.release = release)));
              }),
          )
          // No lock for this page (an opaque origin): the core decides without one.
          .catch(() => decided(0));
      });
    }
    loadCore();
  }

  // SPA navigations before the core arrives: a new `aff` is a landing, the core's to handle (protocol §3.5).
  const check = () => {
    const now = location.href;
    const navAff = parseAff(now);
    if (!page.core && navAff && navAff != lastAff) {
      lastAff = navAff;
      page.url = now;
      page.referrer = current;
      loadCore();
    }
    current = now;
  };
  (['pushState', 'replaceState'] as const).forEach((name) => {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      try {
        check();
      } catch (e) {
        error(e);
      }
      return result;
    };
  });
  addEventListener('popstate', check);

  window.affitor = facade as unknown as typeof window.affitor;
  let queue = window.affitorQueue;
  if (!Array.isArray(queue)) queue = window.affitorQueue = [];
  const run = (command: unknown[]) => {
    try {
      (facade[command[0] as string] as Method)(...command.slice(1));
    } catch (e) {
      error('Bad command:', command, e);
    }
  };
  while (queue.length) run(queue.shift()!);
  // From now on a push runs at once; nothing is stored, so the length stays 0.
  queue.push = (...commands: unknown[][]) => {
    commands.forEach(run);
    return queue!.length;
  };
  // A plain visit's pass, a task later; its ready event unless the core is coming, which sends it.
  setTimeout(() => {
    pass();
    if (!core) fire();
  });
}
